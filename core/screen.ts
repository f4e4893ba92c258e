// What the on-pen display shows: 8 lines of at most 21 characters (a 128x64 OLED with a 6 px
// font). The top five lines are fixed fields, so the eye finds depth and the dose in the same
// place every time; below, a warning while the last pass is ending, then why the needle is not
// running, or the fault.
import { faultInfo } from "./faults"
import { fixed, splitText } from "./format"
import { PenStatus } from "./types"

export const SCREEN_COLS = 21
export const SCREEN_ROWS = 8

export function screenLines(s: PenStatus): string[] {
    const depth = s.depthActualMm === s.depthActualMm ? fixed(s.depthActualMm, 2) : "?"
    const lines = [
        spread(s.areaId, s.state.toUpperCase()),
        `depth ${fixed(s.depthTargetMm, 2)} now ${depth}mm`,
        `rate ${s.strokeSetHz}/s now ${fixed(s.strokeMeasuredHz, 0)}/s`,
        `force ${fixed(s.forceN, 2)} N`,
        // the dose in passes of the limit, as the console prints it, and the cartridge it is counted with
        `dose ${fixed(s.passesUsed, 2)}/${s.passLimit} cart ${s.cartridgeId}`,
    ]
    // the last part of the last pass while the needle runs (the light's "ending"): what is left, so
    // the operator finishes the row instead of being stopped mid-track
    if (s.doseEnding && s.state === "treating") {
        const left = s.passLimit - s.passesUsed
        lines.push(`ENDING ${fixed(left < 0 ? 0 : left, 2)} pass left`)
    }
    // a fault: its code, then what to do (the full message is on the console)
    if (s.fault) lines.push(`FAULT ${s.fault.code}`)
    const why = s.fault ? faultInfo(s.fault.code).action : s.holdReason
    for (const w of wrap(why, SCREEN_COLS, SCREEN_ROWS - lines.length)) lines.push(w)
    while (lines.length < SCREEN_ROWS) lines.push("")
    for (let i = 0; i < lines.length; i++) lines[i] = cut(lines[i], SCREEN_COLS)
    return lines
}

/** left text and right text on one line, the right one kept whole */
function spread(left: string, right: string): string {
    const room = SCREEN_COLS - right.length - 1
    let l = cut(left, room < 0 ? 0 : room)
    while (l.length < room) l += " "
    return `${l} ${right}`
}

function cut(s: string, n: number): string {
    return s.length <= n ? s : s.slice(0, n)
}

/** word wrap into at most `rows` lines; a cut-off text ends in ">" so nobody reads it as whole */
export function wrap(text: string, cols: number, rows: number): string[] {
    const out: string[] = []
    const words = splitText(text, " ")
    let line = ""
    let i = 0
    while (i < words.length && out.length < rows) {
        const w = words[i]
        if (line === "") {
            line = cut(w, cols)
            i++
        } else if (line.length + 1 + w.length <= cols) {
            line += " " + w
            i++
        } else {
            out.push(line)
            line = ""
        }
    }
    if (line !== "" && out.length < rows) out.push(line)
    if (i < words.length && out.length > 0) {
        const last = out[out.length - 1]
        out[out.length - 1] = (last.length < cols ? last : last.slice(0, cols - 1)) + ">"
    }
    return out
}
