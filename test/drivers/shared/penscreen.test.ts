// What the on-pen display shows under the dose rule (drivers/penscreen.ts): the dose as 1.42/3
// with the cartridge, a warning line while the core's indicator says "ending", the reason below.

import { describe, test } from "@devicescript/test"
import { SCREEN_COLS, SCREEN_ROWS } from "../../../core/screen"
import { Indicator, PenStatus } from "../../../core/types"
import { doseText, penScreenLines } from "../../../drivers/penscreen"
import { atMost, eq, eqStrs } from "../../kit/assert"

function status(state: PenStatus["state"], passesUsed: number, holdReason: string): PenStatus {
    return {
        state: state, areaId: "cheeks", depthTargetMm: 1, depthActualMm: 1, strokeSetHz: 120, strokeMeasuredHz: 120, forceN: 1.5,
        passesUsed: passesUsed, passLimit: 3, cartridgeId: "n24", needles: 24, needleDuty: 0.5, fault: undefined, holdReason: holdReason,
    }
}

function fits(lines: string[]) {
    eq(lines.length, SCREEN_ROWS, "8 lines")
    for (const l of lines) atMost(l.length, SCREEN_COLS, `"${l}" fits 21 columns`)
}

describe("display: dose", () => {
    test("H11 the dose as passes used of the limit to 0.01, with the cartridge", () => {
        const s = penScreenLines(status("treating", 1.4166, ""), "running")
        fits(s)
        eq(s[0], "cheeks       TREATING")
        eq(s[4], "dose 1.42/3 cart n24")
        eqStrs(s.slice(5), ["", "", ""], "no warning before the last part of the last pass")
        eq(doseText(0, 2), "0.00/2")
    })

    test("H11 ending: a warning line with what is left, above the reason", () => {
        const s = penScreenLines(status("treating", 2.8, ""), "ending")
        fits(s)
        eq(s[4], "dose 2.80/3 cart n24")
        eq(s[5], "ENDING 0.20 pass left")
        const ind: Indicator = "paused"
        const p = penScreenLines(status("paused", 2.8, "lifted: touch again to continue the pass"), ind)
        eqStrs(p.slice(5), ["lifted: touch again", "to continue the pass", ""], "paused: no warning line, the reason")
    })

    test("H11 a fault still shows its code and what to do under the dose", () => {
        const st = status("fault", 1, "")
        st.fault = { code: "role_lost", message: "", atMs: 0 }
        const s = penScreenLines(st, "fault")
        fits(s)
        eqStrs(s.slice(4), ["dose 1.00/3 cart n24", "FAULT role_lost", "reconnect the device,", "then clear the fault"])
    })
})
