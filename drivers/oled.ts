// Text lines onto an SSD1306 OLED, one page (8 pixel rows = one text line) per write.
//
// Why pages: an I2C transfer on the ESP32 blocks the DeviceScript VM for its whole length (the
// native _i2cTransaction is synchronous), and the control loop with it. A whole 128x64 frame is
// 1 KB, ~25 ms at 400 kHz; one page is 128 bytes plus 6 command bytes, ~3.5 ms. So the display
// driver writes only pages whose text changed, one per call, and the caller paces the calls.
//
// The panel's power-up (powerUp) is here too, the bytes @devicescript/drivers' SSD1306Driver.init()
// sends, without that driver's frame buffer, image and palette classes (~2 KB of functions).
//
// Pure: `port` is anything with the two register writes of @devicescript/drivers' I2CDriver
// (an I2C device on the pen, drivers/display.ts; a recording fake in tests).
import { CHAR_COLUMNS, glyphColumn } from "./font5x7"

export interface OledPort {
    /** one byte to register `reg` (0x80: a command byte) */
    writeReg(reg: number, byte: number): Promise<void>
    /** bytes to register `reg` (0x40: display RAM) */
    writeRegBuf(reg: number, buf: Buffer): Promise<void>
}

/** SSD1306 commands used here (datasheet 10.1.4, 10.1.5) */
const CMD = 0x80
const DATA = 0x40
const SET_COL_ADDR = 0x21
const SET_PAGE_ADDR = 0x22
const SET_DISP = 0xae
const SET_MUX_RATIO = 0xa8
const SET_COM_PIN_CFG = 0xda

export class OledPages {
    /** the text each page shows; undefined: unknown (after power-up or an error) */
    private shown: string[] = []
    private readonly buf: Buffer

    /**
     * `widthPx` 128/96/64 (narrow panels sit in the middle of the controller's 128 columns, as
     * SSD1306Driver.show() places them); `pages` = height / 8.
     */
    constructor(private port: OledPort, private widthPx: number, private pages: number) {
        this.buf = Buffer.alloc(widthPx)
        this.invalidate()
    }

    /**
     * (Re)initialises the panel, byte for byte as SSD1306Driver.init() (@devicescript/drivers
     * 2.16.4 ssd1306.ts reInit, internal VCC): display off, vertical addressing, rotated 180 degrees,
     * multiplex and COM pins for the height, clock, precharge, charge pump, VCOMH, full contrast,
     * not inverted; a blank frame; then RAM content shown, IREF, display on. Every page is written
     * again afterwards.
     */
    async powerUp() {
        const w = this.widthPx
        const pages = this.pages
        const x0 = (128 - w) >> 1
        // prettier-ignore
        await this.commands([
            SET_DISP, 0x20, 0x01, 0xc8, 0xa1, 0x40, SET_MUX_RATIO, pages * 8 - 1, 0xd3, 0x00,
            SET_COM_PIN_CFG, w > pages * 16 ? 0x02 : 0x12, 0xd5, 0x80, 0xd9, 0xf1, 0x8d, 0x14, 0xdb, 0x30,
            0x81, 0xff, 0xa6, SET_COL_ADDR, x0, x0 + w - 1, SET_PAGE_ADDR, 0, pages - 1,
        ])
        await this.port.writeRegBuf(DATA, Buffer.alloc(w * pages))
        await this.commands([0xa4, 0xad, 0x30, SET_DISP | 0x01])
        this.invalidate()
    }

    /** command bytes, one I2C write each */
    private async commands(bytes: number[]) {
        for (const b of bytes) await this.port.writeReg(CMD, b)
    }

    /** after (re)initialising the panel: every page is written again */
    invalidate() {
        for (let p = 0; p < this.pages; p++) this.shown[p] = undefined
    }

    /**
     * Writes the first page whose text differs from `lines[page]` and returns its index, or -1
     * when the panel already shows `lines`. A write that throws leaves that page unknown.
     */
    async writeNext(lines: string[]): Promise<number> {
        for (let p = 0; p < this.pages; p++) {
            const text = textOf(lines, p)
            if (this.shown[p] === text) continue
            this.shown[p] = undefined
            this.render(text)
            const x0 = (128 - this.widthPx) >> 1
            await this.commands([SET_COL_ADDR, x0, x0 + this.widthPx - 1, SET_PAGE_ADDR, p, p])
            await this.port.writeRegBuf(DATA, this.buf)
            this.shown[p] = text
            return p
        }
        return -1
    }

    /** one text line into the page buffer: 6 px per character, cut at the panel's width */
    private render(text: string) {
        const buf = this.buf
        for (let x = 0; x < buf.length; x++) buf[x] = 0
        const n = Math.min(text.length, Math.floor(buf.length / CHAR_COLUMNS))
        for (let i = 0; i < n; i++) {
            const code = text.charCodeAt(i)
            for (let c = 0; c < CHAR_COLUMNS; c++) buf[i * CHAR_COLUMNS + c] = glyphColumn(code, c)
        }
    }
}

function textOf(lines: string[], p: number): string {
    const t = lines[p]
    return t === undefined ? "" : t
}
