// What the on-pen display shows under the dose rule (issue 13): core/screen.ts's fixed fields
// (area and state, depth, rate, force), then the dose as the console prints it ("dose 1.42/3"
// with the cartridge the dose is counted with), then, while the core's indicator says "ending"
// (the last part of the last pass: within dose.warnPasses of the limit), a warning line with what
// is left, so the operator finishes the row instead of being stopped mid-track; below, why the
// needle is held or which fault latched. Pure; the display (drivers/display.ts) only reads.
import { faultInfo } from "../core/faults"
import { fixed } from "../core/format"
import { SCREEN_COLS, SCREEN_ROWS, screenLines, wrap } from "../core/screen"
import { Indicator, PenStatus } from "../core/types"

/** passes used of the limit, as the display and console print them: "1.42/3" */
export function doseText(passesUsed: number, passLimit: number): string {
    return `${fixed(passesUsed, 2)}/${passLimit}`
}

export function penScreenLines(s: PenStatus, indicator: Indicator): string[] {
    const top = screenLines(s)
    const lines = [top[0], top[1], top[2], top[3], `dose ${doseText(s.passesUsed, s.passLimit)} cart ${s.cartridgeId}`]
    if (indicator === "ending") {
        let left = s.passLimit - s.passesUsed
        if (left < 0) left = 0
        lines.push(`ENDING ${fixed(left, 2)} pass left`)
    }
    // a fault: its code, then what to do (the full message is on the console)
    if (s.fault) lines.push(`FAULT ${s.fault.code}`)
    const why = s.fault ? faultInfo(s.fault.code).action : s.holdReason
    for (const w of wrap(why, SCREEN_COLS, SCREEN_ROWS - lines.length)) lines.push(w)
    while (lines.length < SCREEN_ROWS) lines.push("")
    for (let i = 0; i < lines.length; i++) if (lines[i].length > SCREEN_COLS) lines[i] = lines[i].slice(0, SCREEN_COLS)
    return lines
}
