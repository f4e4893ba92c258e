// drivers/oled.ts powerUp() against the driver it stands in for: @devicescript/drivers'
// SSD1306Driver.init() (its source in node_modules, the DeviceScript natives it touches stubbed),
// both recording what they send to the panel. The firmware dropped that driver for its size
// (~2 KB of functions: the image, palette and unused driver methods); the panel must not notice.
import { expect, test, vi } from "vitest"

vi.mock("@devicescript/core", () => ({ isSimulator: () => false, millis: () => 0, sleep: async () => {} }))
vi.mock("@devicescript/i2c", () => ({ i2c: {}, I2C: class {} }))
vi.mock("@devicescript/graphics", () => ({
    Palette: { monochrome: () => ({}) },
    // the native Image.alloc keeps the frame buffer it is given (checked in the VM: 1024 B, all 0)
    Image: { alloc: (width: number, height: number, _bpp: number, buffer: Buffer) => ({ width, height, buffer }) },
}))

import { OledPages } from "../../drivers/oled"

// loaded by path, not by a static import: tsc would type-check the library's DeviceScript source
const LIBRARY = new URL("../../node_modules/@devicescript/drivers/src/ssd1306.ts", import.meta.url).href
const { SSD1306Driver } = await import(/* @vite-ignore */ LIBRARY)

const bufText = (b: Buffer) => `${b.length} B ${b.every((x) => x === 0) ? "blank" : "drawn"}`

test.each([
    [128, 64],
    [128, 32],
    [96, 16],
    [64, 48],
])("powerUp sends the bytes SSD1306Driver.init() sends, %ix%i", async (width, height) => {
    const theirs: string[] = []
    const driver = new SSD1306Driver({
        devAddr: 0x3c,
        width,
        height,
        client: {
            writeReg: async (_addr: number, reg: number, byte: number): Promise<void> => void theirs.push(`${reg}:${byte}`),
            writeRegBuf: async (_addr: number, reg: number, b: Buffer): Promise<void> => void theirs.push(`${reg}:${bufText(b)}`),
        },
    })
    await driver.init()
    const ours: string[] = []
    const pages = new OledPages(
        {
            writeReg: async (reg, byte) => void ours.push(`${reg}:${byte}`),
            writeRegBuf: async (reg, b) => void ours.push(`${reg}:${bufText(b)}`),
        },
        width,
        height >> 3,
    )
    await pages.powerUp()
    expect(theirs.length).toBe(34)
    expect(ours).toEqual(theirs)
})

test("SSD1306Driver.init() puts these words before an I2C error (drivers/display.ts prints them)", async () => {
    const driver = new SSD1306Driver({
        devAddr: 0x3c,
        width: 128,
        height: 64,
        client: {
            writeReg: async () => {
                throw new Error("I2C error -1")
            },
        },
    })
    await expect(driver.init()).rejects.toThrow(/^I2C device not found or malfunctioning: I2C error -1$/)
})
