// Generates drivers/font5x7.g.ts, the OLED's 5x7 font, from the glyph art below: the firmware gets
// it as one hex string (compact in DeviceScript bytecode), people edit the pictures. After editing
// the art run `node tools/gen-font.mjs`; test/drivers/font5x7.test.ts fails while the two disagree.
// Usage: node tools/gen-font.mjs [--check]
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { writeOrCheck } from "./generated.mjs"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const OUT = join(root, "drivers/font5x7.g.ts")

export const FIRST = 32 // space
export const LAST = 126 // ~
export const WIDTH = 5
export const HEIGHT = 7

// Printable ASCII 32..126 in code order, 8 glyphs a band, HD44780 style. Each band is a header line
// naming its characters (each centred over its glyph, checked by the parser) and 7 pixel rows, top
// first: `#` on, `.` off, one space between glyphs. Lower case shares the 7 rows and the baseline of
// upper case (g j p q y tuck their tails in): there is no 8th row, so bit 7 stays clear and a line
// of text never touches the next page. In this template literal the header's \\ and \` are \ and `.
const ART = `
        !     "     #     $     %     &     '
..... ..#.. .#.#. .#.#. ..#.. ##... .##.. .##..
..... ..#.. .#.#. .#.#. .#### ##..# #..#. ..#..
..... ..#.. .#.#. ##### #.#.. ...#. #.#.. .#...
..... ..#.. ..... .#.#. .###. ..#.. .#... .....
..... ..#.. ..... ##### ..#.# .#... #.#.# .....
..... ..... ..... .#.#. ####. #..## #..#. .....
..... ..#.. ..... .#.#. ..#.. ...## .##.# .....

  (     )     *     +     ,     -     .     /
...#. .#... ..... ..... ..... ..... ..... .....
..#.. ..#.. ..#.. ..#.. ..... ..... ..... ....#
.#... ...#. #.#.# ..#.. ..... ..... ..... ...#.
.#... ...#. .###. ##### ..... ##### ..... ..#..
.#... ...#. #.#.# ..#.. .##.. ..... ..... .#...
..#.. ..#.. ..#.. ..#.. ..#.. ..... .##.. #....
...#. .#... ..... ..... .#... ..... .##.. .....

  0     1     2     3     4     5     6     7
.###. ..#.. .###. ##### ...#. ##### ..##. #####
#...# .##.. #...# ...#. ..##. #.... .#... ....#
#..## ..#.. ....# ..#.. .#.#. ####. #.... ...#.
#.#.# ..#.. ...#. ...#. #..#. ....# ####. ..#..
##..# ..#.. ..#.. ....# ##### ....# #...# .#...
#...# ..#.. .#... #...# ...#. #...# #...# .#...
.###. .###. ##### .###. ...#. .###. .###. .#...

  8     9     :     ;     <     =     >     ?
.###. .###. ..... ..... ...#. ..... .#... .###.
#...# #...# .##.. .##.. ..#.. ..... ..#.. #...#
#...# #...# .##.. .##.. .#... ##### ...#. ....#
.###. .#### ..... ..... #.... ..... ....# ...#.
#...# ....# .##.. .##.. .#... ##### ...#. ..#..
#...# ...#. .##.. ..#.. ..#.. ..... ..#.. .....
.###. .##.. ..... .#... ...#. ..... .#... ..#..

  @     A     B     C     D     E     F     G
.###. .###. ####. .###. ###.. ##### ##### .###.
#...# #...# #...# #...# #..#. #.... #.... #...#
....# #...# #...# #.... #...# #.... #.... #....
.##.# #...# ####. #.... #...# ####. ####. #.###
#.#.# ##### #...# #.... #...# #.... #.... #...#
#.#.# #...# #...# #...# #..#. #.... #.... #...#
.###. #...# ####. .###. ###.. ##### #.... .####

  H     I     J     K     L     M     N     O
#...# .###. ..### #...# #.... #...# #...# .###.
#...# ..#.. ...#. #..#. #.... ##.## #...# #...#
#...# ..#.. ...#. #.#.. #.... #.#.# ##..# #...#
##### ..#.. ...#. ##... #.... #.#.# #.#.# #...#
#...# ..#.. ...#. #.#.. #.... #...# #..## #...#
#...# ..#.. #..#. #..#. #.... #...# #...# #...#
#...# .###. .##.. #...# ##### #...# #...# .###.

  P     Q     R     S     T     U     V     W
####. .###. ####. .#### ##### #...# #...# #...#
#...# #...# #...# #.... ..#.. #...# #...# #...#
#...# #...# #...# #.... ..#.. #...# #...# #...#
####. #...# ####. .###. ..#.. #...# #...# #.#.#
#.... #.#.# #.#.. ....# ..#.. #...# #...# #.#.#
#.... #..#. #..#. ....# ..#.. #...# .#.#. #.#.#
#.... .##.# #...# ####. ..#.. .###. ..#.. .#.#.

  X     Y     Z     [     \\     ]     ^     _
#...# #...# ##### .###. ..... .###. ..#.. .....
#...# #...# ....# .#... #.... ...#. .#.#. .....
.#.#. #...# ...#. .#... .#... ...#. #...# .....
..#.. .#.#. ..#.. .#... ..#.. ...#. ..... .....
.#.#. ..#.. .#... .#... ...#. ...#. ..... .....
#...# ..#.. #.... .#... ....# ...#. ..... .....
#...# ..#.. ##### .###. ..... .###. ..... #####

  \`     a     b     c     d     e     f     g
.#... ..... #.... ..... ....# ..... ..##. .....
..#.. ..... #.... ..... ....# ..... .#..# .####
...#. .###. #.##. .###. .##.# .###. .#... #...#
..... ....# ##..# #.... #..## #...# ###.. #...#
..... .#### #...# #.... #...# ##### .#... .####
..... #...# #...# #...# #...# #.... .#... ....#
..... .#### ####. .###. .#### .###. .#... .###.

  h     i     j     k     l     m     n     o
#.... ..#.. ...#. #.... .##.. ..... ..... .....
#.... ..... ..... #.... ..#.. ..... ..... .....
#.##. .##.. ..##. #..#. ..#.. ##.#. #.##. .###.
##..# ..#.. ...#. #.#.. ..#.. #.#.# ##..# #...#
#...# ..#.. ...#. ##... ..#.. #.#.# #...# #...#
#...# ..#.. #..#. #.#.. ..#.. #...# #...# #...#
#...# .###. .##.. #..#. .###. #...# #...# .###.

  p     q     r     s     t     u     v     w
..... ..... ..... ..... .#... ..... ..... .....
..... ..... ..... ..... .#... ..... ..... .....
####. .##.# #.##. .###. ###.. #...# #...# #...#
#...# #..## ##..# #.... .#... #...# #...# #...#
####. .#### #.... .###. .#... #...# #...# #.#.#
#.... ....# #.... ....# .#..# #..## .#.#. #.#.#
#.... ....# #.... ####. ..##. .##.# ..#.. .#.#.

  x     y     z     {     |     }     ~
..... ..... ..... ...#. ..#.. .#... .....
..... ..... ..... ..#.. ..#.. ..#.. .....
#...# #...# ##### ..#.. ..#.. ..#.. .#...
.#.#. #...# ...#. .#... ..#.. ...#. #.#.#
..#.. .#### ..#.. ..#.. ..#.. ..#.. ...#.
.#.#. ....# .#... ..#.. ..#.. ..#.. .....
#...# .###. ##### ...#. ..#.. .#... .....
`

/** the glyphs in code order: { char, rows } with 7 rows of 5 `#`/`.` characters each */
export const GLYPHS = parseArt(ART)

function parseArt(art) {
    const lines = art.split("\n").filter((l) => l !== "")
    const glyphs = []
    for (let at = 0; at < lines.length; at += 1 + HEIGHT) {
        const header = lines[at]
        const rows = lines.slice(at + 1, at + 1 + HEIGHT)
        const n = (rows[0].length + 1) / (WIDTH + 1)
        for (let k = 0; k < n; k++) {
            const char = String.fromCharCode(FIRST + glyphs.length)
            const named = header[k * (WIDTH + 1) + 2]
            if (named !== char) throw new Error(`glyph art: expected ${JSON.stringify(char)} in the header, found ${JSON.stringify(named)}`)
            const pic = rows.map((r) => r.slice(k * (WIDTH + 1), k * (WIDTH + 1) + WIDTH))
            for (const r of pic) if (!/^[.#]{5}$/.test(r)) throw new Error(`glyph art: bad row ${JSON.stringify(r)} in ${JSON.stringify(char)}`)
            glyphs.push({ char, rows: pic })
        }
    }
    if (glyphs.length !== LAST - FIRST + 1) throw new Error(`glyph art: ${glyphs.length} glyphs, want ${LAST - FIRST + 1}`)
    return glyphs
}

/** a glyph's 5 column bytes: bit r of column c is row r (0 = top), pixel (r, c) of the art */
export function columnsOf(rows) {
    const cols = []
    for (let c = 0; c < WIDTH; c++) {
        let b = 0
        for (let r = 0; r < HEIGHT; r++) if (rows[r][c] === "#") b |= 1 << r
        cols.push(b)
    }
    return cols
}

export function renderFont() {
    const hex = GLYPHS.map((g) => columnsOf(g.rows).map((b) => b.toString(16).padStart(2, "0")).join("")).join("")
    return [
        "// GENERATED by `node tools/gen-font.mjs` from the glyph art in that script: do not edit by hand.",
        "// 5x7 font for the SSD1306 page format. Pure: imports nothing, compiles for Node and DeviceScript.",
        "",
        "/** code of the first glyph (space) */",
        `export const FONT_FIRST = ${FIRST}`,
        "/** glyphs in FONT_HEX: codes FONT_FIRST .. FONT_FIRST + FONT_COUNT - 1 */",
        `export const FONT_COUNT = ${GLYPHS.length}`,
        "/** 5 column bytes a glyph (10 lowercase hex digits), left column first, bit 0 = top row */",
        `export const FONT_HEX = "${hex}"`,
        "",
    ].join("\n")
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const want = renderFont()
    writeOrCheck(OUT, want, "drivers/font5x7.g.ts is out of date with tools/gen-font.mjs: run `node tools/gen-font.mjs`")
}
