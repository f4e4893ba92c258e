// What the on-pen display shows (core/screen.ts): the operator's view of the same status the
// console prints, 8 lines of at most 21 characters.

import { describe, test } from "@devicescript/test"
import { SCREEN_COLS, SCREEN_ROWS, screenLines, wrap } from "../../core/screen"
import { atMost, contains, eq, eqStrs } from "../kit/assert"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { armedRig, boundRig, onePass, storedEntry, touchUntilTreating } from "./penkit"

function fits(lines: string[]) {
    eq(lines.length, SCREEN_ROWS, "8 lines")
    for (const l of lines) atMost(l.length, SCREEN_COLS, `"${l}" fits 21 columns`)
}

describe("screen", () => {
    test("H11 treating: area, state, depth, rate, force, dose and cartridge in fixed places", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        const s = screenLines(r.pen.status())
        fits(s)
        eq(s[0], "periorbital  TREATING", "area left, state right")
        eq(s[1], "depth 0.25 now 0.25mm")
        contains(s[2], "rate 100/s now ")
        eq(s[3], "force 1.50 N")
        eq(s[4], "dose 0.01/2 cart n12", "the dose in passes of the limit, and the cartridge")
        eqStrs(s.slice(5), ["", "", ""], "nothing held, nothing to explain")
    })

    test("H11 disarmed and locked: the reason to act on, wrapped on the bottom lines", async () => {
        const r = await boundRig()
        const idle = screenLines(r.pen.status())
        fits(idle)
        eq(idle[0], "periorbital      IDLE")
        eqStrs(idle.slice(5), ["disarmed: press the", "trigger to arm", ""])
        const u = await armedRig({ ledger: [storedEntry(FACTORY_PROFILE, "periorbital", 1.8)] })
        eqStrs(screenLines(u.pen.status()).slice(4, 6), ["dose 1.80/2 cart n12", "armed: touch the skin"], "armed: no warning line, the reason")
        await touchUntilTreating(u, 1.5)
        await u.run(100)
        const ending = screenLines(u.pen.status())
        fits(ending)
        contains(ending[4], "dose 1.8", "the dose")
        contains(ending[5], "ENDING 0.", "treating in the last part of the last pass: what is left")
        contains(ending[5], " pass left")
        u.forceN = 0
        await u.run(20)
        eq(screenLines(u.pen.status())[5], "lifted: touch again", "lifted: the reason, no warning")
        await onePass(u, 3000)
        const locked = screenLines(u.pen.status())
        fits(locked)
        contains(locked[0], "LOCKED")
        eq(locked[4], "dose 2.00/2 cart n12")
        eq(locked[5], "area periorbital has")
    })

    test("H11 a fault shows its code and what to do", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        r.pressureBound = false
        r.tick()
        const s = screenLines(r.pen.status())
        fits(s)
        contains(s[0], "FAULT")
        contains(s[4], "dose 0.0", "the dose stays in its place")
        eqStrs(s.slice(5), ["FAULT role_lost", "reconnect the device,", "then clear the fault"])
    })

    test("H8 H11 no measured depth shows ?, and a line that would run past 21 columns is cut, never wrapped into the next", async () => {
        const r = await boundRig()
        const st = r.pen.status()
        st.depthActualMm = NaN
        eq(screenLines(st)[1], "depth 0.25 now ?mm", "no position")
        st.depthActualMm = -0.2 // inside the feedback slack: a real reading
        const s = screenLines(st)
        fits(s)
        eq(s[1], "depth 0.25 now -0.20m", "22 characters cut to 21")
    })

    test("wrap: words kept whole, a text that does not fit ends in >", () => {
        eqStrs(wrap("abcd efgh ijkl", 4, 2), ["abcd", "efg>"], "a full last line gives up its last character for the mark")
        eqStrs(wrap("a b", 5, 0), [], "no rows: nothing, and no mark")
        eqStrs(wrap("a bb ccc", 4, 3), ["a bb", "ccc"])
        eqStrs(wrap("one two three four", 9, 2), ["one two", "three>"])
        eqStrs(wrap("", 5, 2), [])
        eqStrs(wrap("abcdefghij", 4, 2), ["abcd"], "an over-long word is cut to the width")
    })
})
