// The status LED's patterns (drivers/led.ts): what the pixel shows at each moment.

import { describe, test } from "@devicescript/test"
import { BLUE, COUNT_BLINK_MS, COUNT_CYCLE_MS, CYAN, GREEN, MAGENTA, ORANGE, RED, ledColour } from "../../../drivers/led"
import { Indicator } from "../../../core/types"
import { eq, eqNums } from "../../kit/assert"

/** the colour every 10 ms over [fromMs, toMs) */
function trace(ind: Indicator, passes: number, fromMs: number, toMs: number): number[] {
    const out: number[] = []
    for (let t = fromMs; t < toMs; t += 10) out.push(ledColour(ind, passes, t))
    return out
}

/** dark stretches in a trace */
function darkRuns(tr: number[]): number {
    let n = 0
    for (let i = 0; i < tr.length; i++) if (tr[i] === 0 && (i === 0 || tr[i - 1] !== 0)) n++
    return n
}

describe("status LED", () => {
    test("H11 armed: steady green on a fresh area; one dark blink per pass used, every 2 s", () => {
        for (let passes = 0; passes <= 3; passes++) {
            const tr = trace("ready", passes, 4 * COUNT_CYCLE_MS, 5 * COUNT_CYCLE_MS)
            eq(darkRuns(tr), passes, `${passes} passes used: blinks per cycle`)
            for (const c of tr) eq(c === 0 || c === GREEN, true, "only green or dark")
        }
        eq(ledColour("ready", 2, COUNT_CYCLE_MS * 7 + 4 * COUNT_BLINK_MS + 1), GREEN, "lit after the count")
    })

    test("H11 armed: the blinks count whole passes of dose (1.42 passes: one blink, 2.99: two)", () => {
        const counts: number[] = []
        for (const used of [0.5, 1.42, 2.99]) counts.push(darkRuns(trace("ready", used, 4 * COUNT_CYCLE_MS, 5 * COUNT_CYCLE_MS)))
        eqNums(counts, [0, 1, 2])
    })

    test("H11 ending (the last part of the last pass): steady magenta, no blinks, distinct from every other colour", () => {
        eq(darkRuns(trace("ending", 2.8, 0, 4000)), 0, "no LED packets during the pass")
        eq(ledColour("ending", 2.8, 123), MAGENTA)
        const others = [GREEN, BLUE, CYAN, ORANGE, RED]
        for (const c of others) eq(c === MAGENTA, false, "a colour of its own")
    })

    test("H11 running and paused are steady (no LED packets during a pass); locked and fault blink", () => {
        eqNums([darkRuns(trace("running", 2, 0, 4000)), darkRuns(trace("paused", 2, 0, 4000))], [0, 0])
        eq(ledColour("running", 0, 123), BLUE)
        eq(ledColour("paused", 0, 123), CYAN)
        eq(darkRuns(trace("locked", 3, 0, 4000)), 4, "locked: 1 Hz")
        eq(ledColour("locked", 3, 100), ORANGE)
        eq(darkRuns(trace("fault", 0, 0, 4000)), 10, "fault: 2.5 Hz, faster than locked")
        eq(ledColour("fault", 0, 100), RED)
        eq(darkRuns(trace("off", 0, 0, 1000)), 1, "off is dark")
        eq(ledColour("off", 0, 5), 0)
    })

    test("the pattern is the same late in a long session (millis near 2^31)", () => {
        const late = 2147483647 - 4000
        eq(darkRuns(trace("fault", 0, late - (late % 400), late - (late % 400) + 4000)), 10)
    })
})
