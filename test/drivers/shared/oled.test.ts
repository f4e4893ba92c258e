// The on-pen display's transport (drivers/oled.ts): text lines to SSD1306 pages, one page per
// write, only pages whose text changed. Asserts the bytes a panel would receive.

import { describe, test } from "@devicescript/test"
import { CHAR_COLUMNS, glyphColumn } from "../../../drivers/font5x7"
import { OledPages, OledPort } from "../../../drivers/oled"
import { eq, eqNums, isTrue } from "../../kit/assert"
import { breathe } from "../../kit/breathe"

interface Write {
    reg: number
    bytes: number[]
}

class FakePanel implements OledPort {
    writes: Write[] = []
    failNext = false
    async writeReg(reg: number, byte: number): Promise<void> {
        this.check()
        this.writes.push({ reg: reg, bytes: [byte] })
    }
    async writeRegBuf(reg: number, buf: Buffer): Promise<void> {
        this.check()
        const bytes: number[] = []
        for (let i = 0; i < buf.length; i++) bytes.push(buf[i])
        this.writes.push({ reg: reg, bytes: bytes })
    }
    private check() {
        if (this.failNext) {
            this.failNext = false
            throw new Error("I2C error -1")
        }
    }
    /** the page address each RAM write went to, in order */
    pagesWritten(): number[] {
        const out: number[] = []
        for (let i = 0; i < this.writes.length; i++) if (this.writes[i].reg === 0x40) out.push(this.writes[i - 2].bytes[0])
        return out
    }
    lastData(): number[] {
        for (let i = this.writes.length - 1; i >= 0; i--) if (this.writes[i].reg === 0x40) return this.writes[i].bytes
        return []
    }
}

/** what a page showing `text` must receive, from the font directly */
async function expectedPage(text: string, widthPx: number): Promise<number[]> {
    await breathe()
    const out: number[] = []
    for (let x = 0; x < widthPx; x++) {
        const i = Math.floor(x / CHAR_COLUMNS)
        out.push(i < text.length && i < Math.floor(widthPx / CHAR_COLUMNS) ? glyphColumn(text.charCodeAt(i), x - i * CHAR_COLUMNS) : 0)
    }
    return out
}

const LINES = ["cheeks      TREATING", "depth 1.00 now 0.98mm", "", "", "pass 2 of 3", "", "", ""]

async function drain(pages: OledPages, lines: string[]): Promise<number> {
    let n = 0
    while ((await pages.writeNext(lines)) >= 0) {
        n++
        await breathe()
    }
    return n
}

describe("oled pages", () => {
    test("a page write addresses columns 0-127 and that one page, then sends the text's glyph columns", async () => {
        const panel = new FakePanel()
        const pages = new OledPages(panel, 128, 8)
        eq(await pages.writeNext(LINES), 0, "first page first")
        eq(panel.writes.length, 7, "six command bytes and one RAM write")
        eqNums(panel.writes.slice(0, 6).map((w) => w.bytes[0]), [0x21, 0, 127, 0x22, 0, 0], "column range, page range")
        for (let i = 0; i < 6; i++) eq(panel.writes[i].reg, 0x80, "command register")
        eq(panel.writes[6].reg, 0x40, "display RAM")
        eqNums(panel.lastData(), await expectedPage(LINES[0], 128), "the glyph columns of line 0")
        isTrue(panel.lastData().some((b) => b !== 0), "text draws pixels")
    })

    test("powerUp sends SSD1306Driver.init()'s bytes (@devicescript/drivers ssd1306.ts reInit, 128x64, internal VCC), a blank frame among them", async () => {
        const panel = new FakePanel()
        const pages = new OledPages(panel, 128, 8)
        await drain(pages, LINES)
        panel.writes = []
        await pages.powerUp()
        const frame = panel.writes.length - 5
        // prettier-ignore
        eqNums(panel.writes.map((w) => (w.reg === 0x80 ? w.bytes[0] : -w.bytes.length)), [
            0xae, 0x20, 0x01, 0xc8, 0xa1, 0x40, 0xa8, 63, 0xd3, 0x00, 0xda, 0x12, 0xd5, 0x80, 0xd9, 0xf1, 0x8d, 0x14, 0xdb, 0x30,
            0x81, 0xff, 0xa6, 0x21, 0, 127, 0x22, 0, 7, -1024, 0xa4, 0xad, 0x30, 0xaf,
        ], "command bytes to 0x80; the frame (its length, negated) to 0x40")
        eq(panel.writes[frame].reg, 0x40, "the frame to display RAM")
        isTrue(panel.writes[frame].bytes.every((b) => b === 0), "a blank frame")
        panel.writes = []
        eq(await drain(pages, LINES), 8, "then every page again")
    })

    test("after power-up every page is written once; then nothing until a line changes, and only that page", async () => {
        const panel = new FakePanel()
        const pages = new OledPages(panel, 128, 8)
        eq(await drain(pages, LINES), 8, "blank lines too: the panel's RAM is unknown at power-up")
        eqNums(panel.pagesWritten(), [0, 1, 2, 3, 4, 5, 6, 7])
        panel.writes = []
        eq(await pages.writeNext(LINES), -1, "nothing changed")
        eq(panel.writes.length, 0, "no I2C traffic")
        const next = LINES.slice(0)
        next[4] = "pass 3 of 3"
        eq(await drain(pages, next), 1)
        eqNums(panel.pagesWritten(), [4])
        eqNums(panel.lastData(), await expectedPage("pass 3 of 3", 128))
        pages.invalidate()
        panel.writes = []
        eq(await drain(pages, next), 8, "after a re-init everything is sent again")
        eqNums(panel.pagesWritten(), [0, 1, 2, 3, 4, 5, 6, 7])
    })

    test("a failed write leaves that page to be written again; the others stay as they are", async () => {
        const panel = new FakePanel()
        const pages = new OledPages(panel, 128, 8)
        await drain(pages, LINES)
        const next = LINES.slice(0)
        next[1] = "depth 1.00 now 1.00mm"
        panel.failNext = true
        let threw = false
        try {
            await pages.writeNext(next)
        } catch (e) {
            threw = true
        }
        isTrue(threw, "the I2C error reaches the caller (drivers/display.ts logs it)")
        panel.writes = []
        eq(await drain(pages, next), 1, "page 1 still to do, and only page 1")
        eqNums(panel.pagesWritten(), [1])
        eqNums(panel.lastData(), await expectedPage(next[1], 128))
    })

    test("a line longer than the panel is cut at a whole character; a narrow panel is centred", async () => {
        const panel = new FakePanel()
        const pages = new OledPages(panel, 64, 6)
        const long = "0123456789abcdefghijklmnop"
        eq(await pages.writeNext([long]), 0)
        eqNums(panel.writes.slice(0, 3).map((w) => w.bytes[0]), [0x21, 32, 95], "64 columns in the middle of 128")
        eq(panel.lastData().length, 64)
        eqNums(panel.lastData(), await expectedPage("0123456789", 64), "10 whole characters, the rest blank")
    })
})
