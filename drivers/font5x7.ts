// The OLED's text glyphs in SSD1306 page format: a text line is one page (8 pixel rows), each byte
// one 8-pixel column, bit 0 = top row. A character is 5 glyph columns plus 1 blank spacing column:
// 6 px a character, 21 characters on a 128 px line. Pure (DeviceScript subset): the font is a hex
// string in font5x7.g.ts and a column is decoded on each call, so nothing is allocated at start.

import { FONT_COUNT, FONT_FIRST, FONT_HEX } from "./font5x7.g"

/** glyph columns a character (0..4) */
export const GLYPH_COLUMNS = 5
/** columns a character takes on the line: the glyph plus 1 blank spacing column */
export const CHAR_COLUMNS = 6

/** the hollow box drawn for a code outside the font: top and bottom rows, both side columns */
const BOX_SIDE = 0x7f
const BOX_MIDDLE = 0x41

/** value of a lowercase hex digit from its character code: '0'..'9' = 48..57, 'a'..'f' = 97..102 */
function hexValue(c: number): number {
    return c < 58 ? c - 48 : c - 87
}

/**
 * The byte for column `col` of character `code`: columns 0..4 are the glyph, column 5 (the spacing)
 * and any other column are blank. A code outside 32..126 (or not an integer) draws a hollow box, so
 * an unexpected character shows on the screen instead of leaving a gap.
 */
export function glyphColumn(code: number, col: number): number {
    if (!(col >= 0 && col < GLYPH_COLUMNS) || (col | 0) !== col) return 0
    const i = code - FONT_FIRST
    if (!(i >= 0 && i < FONT_COUNT) || (i | 0) !== i) return col === 0 || col === GLYPH_COLUMNS - 1 ? BOX_SIDE : BOX_MIDDLE
    const at = (i * GLYPH_COLUMNS + col) * 2
    return (hexValue(FONT_HEX.charCodeAt(at)) << 4) | hexValue(FONT_HEX.charCodeAt(at + 1))
}
