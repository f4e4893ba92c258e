// The on-pen status display: an SSD1306 OLED on the board's I2C bus (boards/*.board.json "i2c"),
// started by a board entry that declares one (boards/pen_esp32_devkitc.main.ts). It shows area,
// state, depth, rate, force, the dose (1.42/3) with the cartridge, a warning line while the last
// pass is ending, and why the needle is held or which fault latched (core/screen.ts). The display is a window on the pen, never part of its safety: it reads
// the status, changes nothing, and a dead or missing panel only logs an error.
//
// Timing: an I2C transfer blocks the VM (drivers/oled.ts). While the needle runs, at most one
// page (~3.5 ms) every RUNNING_PAGE_MS; the panel is (re)initialised, which writes a whole frame,
// only while the needle is stopped.
import * as ds from "@devicescript/core"
import { SCREEN_ROWS } from "../core/screen"
import { PenStatus } from "../core/types"
import { i2cWriteReg, i2cXfer } from "./i2c"
import { OledPages } from "./oled"
import { screenLines } from "../core/screen"

export interface PenDisplayOptions {
    /** 7-bit I2C address: 0x3c on most 128x64 modules (0x3d with the address pad moved) */
    devAddr: 0x3c | 0x3d
    width: 128
    height: 64
}

/** page writes while the needle runs: one every this many ms */
const RUNNING_PAGE_MS = 100
/** refresh while the needle is stopped */
const IDLE_REFRESH_MS = 50
/** after a failed init or write, try again after this long */
const RETRY_MS = 5000

export async function startPenDisplay(status: () => PenStatus | undefined, opts: PenDisplayOptions) {
    // no I2C in the simulator; the firmware there is the same without the panel
    if (ds.isSimulator()) {
        console.log("EVENT info display: none in the simulator")
        return
    }
    const addr = opts.devAddr
    const pages = new OledPages(
        {
            writeReg: async (reg: number, byte: number) => await i2cWriteReg(addr, reg, byte),
            writeRegBuf: async (reg: number, buf: Buffer) => {
                const b = Buffer.alloc(1 + buf.length)
                b[0] = reg
                b.blitAt(1, buf, 0, buf.length)
                await i2cXfer(addr, b, 0)
            },
        },
        opts.width,
        opts.height >> 3,
    )
    const name = `SSD1306 display at 0x${opts.devAddr === 0x3c ? "3c" : "3d"}`
    const run = async () => {
        let ready = false
        while (true) {
            const s = status()
            const running = !!s && (s.needleDuty > 0 || s.state === "treating")
            if (!ready) {
                if (!running) {
                    try {
                        await pages.powerUp()
                        ready = true
                        console.log(`EVENT info display: ${name} ready`)
                    } catch (e: any) {
                        // the words SSD1306Driver.init() put before the I2C error
                        console.log(`EVENT error display: ${name} did not answer (I2C device not found or malfunctioning: ${e.message}); check SDA/SCL wiring, 3V3 and the address; retrying in ${RETRY_MS / 1000} s`)
                        await ds.sleep(RETRY_MS)
                        continue
                    }
                }
            } else if (s) {
                try {
                    const lines = screenLines(s)
                    let budget = running ? 1 : SCREEN_ROWS
                    while (budget > 0 && (await pages.writeNext(lines)) >= 0) budget--
                } catch (e: any) {
                    ready = false
                    console.log(`EVENT error display: ${name} write failed (${e.message}); check SDA/SCL wiring and 3V3; retrying in ${RETRY_MS / 1000} s`)
                    await ds.sleep(RETRY_MS)
                    continue
                }
            }
            await ds.sleep(running ? RUNNING_PAGE_MS : IDLE_REFRESH_MS)
        }
    }
    run.start()
}
