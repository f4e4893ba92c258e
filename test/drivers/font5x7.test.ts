// The OLED font: drivers/font5x7.g.ts is what tools/gen-font.mjs makes of its glyph art, and
// glyphColumn draws that art back in SSD1306 page format (column bytes, bit 0 = top row).
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, test } from "vitest"
// @ts-expect-error plain ESM tool without types
import { GLYPHS, renderFont } from "../../tools/gen-font.mjs"
import { CHAR_COLUMNS, GLYPH_COLUMNS, glyphColumn } from "../../drivers/font5x7"
import { FONT_COUNT, FONT_FIRST, FONT_HEX } from "../../drivers/font5x7.g"

const glyphs = GLYPHS as { char: string; rows: string[] }[]
const codes = Array.from({ length: 95 }, (_, i) => 32 + i)
const columns = (code: number) => [0, 1, 2, 3, 4].map((c) => glyphColumn(code, c))

/** a character drawn back as 7 rows of `#`/`.` from its column bytes */
function draw(code: number): string[] {
    const cols = columns(code)
    return [0, 1, 2, 3, 4, 5, 6].map((r) => cols.map((b) => ((b >> r) & 1 ? "#" : ".")).join(""))
}

describe("5x7 OLED font", () => {
    test("drivers/font5x7.g.ts is what the glyph art generates (run `node tools/gen-font.mjs`)", () => {
        const committed = readFileSync(new URL("../../drivers/font5x7.g.ts", import.meta.url), "utf8")
        expect(committed).toBe(renderFont())
        expect(committed.split("\n")[0]).toContain("by `node tools/gen-font.mjs`")
        expect(committed).toContain("do not edit by hand")
        // and the tool's own --check agrees
        const tool = fileURLToPath(new URL("../../tools/gen-font.mjs", import.meta.url))
        expect(() => execFileSync(process.execPath, [tool, "--check"], { stdio: "pipe" })).not.toThrow()
    })

    test("covers printable ASCII 32..126, 10 hex digits a glyph", () => {
        expect(FONT_FIRST).toBe(32)
        expect(FONT_COUNT).toBe(95)
        expect(FONT_HEX).toMatch(/^[0-9a-f]*$/)
        expect(FONT_HEX.length).toBe(95 * 10)
        expect(glyphs.map((g) => g.char).join("")).toBe(codes.map((c) => String.fromCharCode(c)).join(""))
        expect(GLYPH_COLUMNS).toBe(5)
        expect(CHAR_COLUMNS).toBe(6)
        expect(Math.floor(128 / CHAR_COLUMNS)).toBe(21)
    })

    test("every glyph but space has a pixel, and none reaches row 8 (bit 7)", () => {
        for (const code of codes) {
            const cols = columns(code)
            for (const b of cols) expect(b & 0x80, String.fromCharCode(code)).toBe(0)
            for (const b of cols) expect(b >= 0 && b <= 0x7f && Number.isInteger(b)).toBe(true)
            if (code === 32) expect(cols).toEqual([0, 0, 0, 0, 0])
            else expect(cols.some((b) => b !== 0), String.fromCharCode(code)).toBe(true)
        }
    })

    test("every glyph draws back as its art", () => {
        for (const g of glyphs) expect(draw(g.char.charCodeAt(0)), g.char).toEqual(g.rows)
    })

    test("0, A, g and % draw as the pictures", () => {
        expect(draw(48)).toEqual([".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."])
        expect(draw(65)).toEqual([".###.", "#...#", "#...#", "#...#", "#####", "#...#", "#...#"])
        expect(draw(103)).toEqual([".....", ".####", "#...#", "#...#", ".####", "....#", ".###."])
        expect(draw(37)).toEqual(["##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"])
        // the classic column bytes of "0" and "A"
        expect(columns(48)).toEqual([0x3e, 0x51, 0x49, 0x45, 0x3e])
        expect(columns(65)).toEqual([0x7e, 0x11, 0x11, 0x11, 0x7e])
    })

    test("a code outside 32..126 draws a hollow box, never a blank", () => {
        const box = [0x7f, 0x41, 0x41, 0x41, 0x7f]
        for (const code of [-1, 0, 10, 31, 127, 128, 200, 0x2603, 65.5, NaN]) expect(columns(code), `${code}`).toEqual(box)
        expect(draw(127)).toEqual(["#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####"])
        // and the box is no real character's glyph
        for (const code of codes) expect(columns(code)).not.toEqual(box)
    })

    test("the spacing column (5) and columns outside the glyph are blank", () => {
        for (const code of [...codes, 0, 127, 200]) {
            expect(glyphColumn(code, 5)).toBe(0)
            expect(glyphColumn(code, -1)).toBe(0)
            expect(glyphColumn(code, 6)).toBe(0)
            expect(glyphColumn(code, 1.5)).toBe(0)
        }
    })

    test("distinct characters have distinct glyphs", () => {
        const seen = new Map<string, string>()
        for (const code of codes) {
            const key = columns(code).join(",")
            const ch = String.fromCharCode(code)
            expect(seen.get(key), `${ch} looks like ${seen.get(key)}`).toBeUndefined()
            seen.set(key, ch)
        }
        expect(seen.size).toBe(95)
    })
})
