// ForceMonitor (force.ts) on its own, sample by sample: the thresholds are exactly where the
// profile puts them (contact at >= contactN, release below releaseN, over-pressure strictly above
// overPressureN, open strictly below openBelowRatio, saturated strictly above
// saturatedAboveRatio), the confirm timer restarts between the thresholds, a sample at time 0
// counts like any other, and the plausibility checks (stale, stuck) start from the right time.
// Found by mutation testing (npm run mutate): each test pins a rule the pen-level tests did not.

import { describe, test } from "@devicescript/test"
import { ForceMonitor, forceFinding } from "../../core/force"
import { PenInputs } from "../../core/types"
import { contains, eq, isFalse, isTrue } from "../kit/assert"
import { copyProfile } from "./penkit"

const P = copyProfile()

/** inputs with one force sample taken at `sampleMs` (-1: none yet), read at `nowMs` */
function at(nowMs: number, sampleMs: number, forceN: number, ratio: number): PenInputs {
    return {
        nowMs: nowMs, forceN: forceN, forceRatio: ratio, forceSampleMs: sampleMs,
        strokes: 0, strokeSampleMs: -1, depthActualMm: 0,
        needleBound: true, depthBound: true, pressureBound: true, strokeBound: true,
    }
}

/** a sample taken now */
function sample(m: ForceMonitor, nowMs: number, forceN: number, ratio?: number): boolean {
    return m.update(at(nowMs, nowMs, forceN, ratio === undefined ? 0.3 + nowMs / 100000 : ratio))
}

function findingCode(m: ForceMonitor, nowMs: number, watchSinceMs: number, driven: boolean): string {
    const f = forceFinding(m, nowMs, watchSinceMs, driven)
    return f ? f.code : ""
}

describe("force monitor", () => {
    test("H2 H3 before any sample: no contact, not touching, no cutoff and nothing to release", () => {
        const m = new ForceMonitor(P.force)
        isFalse(m.contact, "contact")
        isFalse(m.touching, "touching")
        isFalse(m.overPressure(), "over-pressure")
        isFalse(m.belowContact(), "below contact is not known without a sample")
        eq(m.ratioSinceMs, -1, "no ratio yet")
        eq(m.riseNPerS, 0)
        isFalse(m.update(at(50, -1, 9, 0.5)), "forceSampleMs -1 is no sample")
        isFalse(m.overPressure(), "still no sample")
        isFalse(m.belowContact(), "still no sample")
        eq(findingCode(m, 3000, -1, true), "", "no sample ever: not stuck (stale is judged only while watched)")
    })

    test("H2 H3 a sample taken at time 0 counts like any other", async () => {
        const m = new ForceMonitor(P.force)
        isTrue(m.update(at(0, 0, 5, 0.9)), "fresh")
        isTrue(m.touching, "touching")
        isTrue(m.overPressure(), "over-pressure on the sample at 0 ms")
        eq(m.ratioSinceMs, 0)
        // the same sample read again later: it still counts, the confirm timer started at 0
        m.update(at(30, 0, 5, 0.9))
        isTrue(m.contact, "contact confirmed contactConfirmMs after a touch that began at 0 ms")
        isTrue(m.update(at(10, 10, 0.2, 0.05)), "next sample")
        isTrue(m.belowContact(), "below contact")
        eq(m.riseNPerS, ((0.2 - 5) * 1000) / 10, "rise measured from the sample at 0 ms")
        const n = new ForceMonitor(P.force)
        n.update(at(0, 0, 0.1, 0.9))
        isTrue(n.belowContact(), "a light sample at 0 ms is below contactN")
        eq(findingCode(n, P.force.stuckAfterMs + 1, -1, true), "force_stuck", "frozen since 0 ms")
        eq(findingCode(n, P.force.staleAfterMs + 1, 0, false), "force_stale", "watched since 0 ms, no sample since")
    })

    test("H3 the contact thresholds are exact: touching at releaseN, contact at contactN", () => {
        const m = new ForceMonitor(P.force)
        sample(m, 5, P.force.releaseN)
        isTrue(m.touching, "touching at exactly releaseN")
        isFalse(m.contact, "not contact")
        sample(m, 10, P.force.contactN)
        sample(m, 10 + P.force.contactConfirmMs, P.force.contactN)
        isTrue(m.contact, "contact at exactly contactN, confirmed")
        isFalse(m.belowContact(), "exactly contactN is not below it")
        sample(m, 100, P.force.releaseN)
        isTrue(m.contact, "exactly releaseN keeps the contact (hysteresis)")
        sample(m, 105, P.force.releaseN - 0.01)
        isFalse(m.contact, "below releaseN releases")
        isFalse(m.touching, "not touching")
    })

    test("H3 a dip between releaseN and contactN restarts the confirm timer", () => {
        const m = new ForceMonitor(P.force)
        sample(m, 5, 1)
        sample(m, 25, 1)
        sample(m, 30, 0.4) // between the thresholds: touching, the timer restarts
        isTrue(m.touching, "touching")
        isFalse(m.contact, "not yet")
        sample(m, 35, 1)
        sample(m, 60, 1)
        isFalse(m.contact, "25 ms since the timer restarted at 35 ms: not confirmed")
        sample(m, 65, 1)
        isTrue(m.contact, "30 ms since 35 ms: confirmed")
    })

    test("H2 over-pressure is strictly above overPressureN", () => {
        const m = new ForceMonitor(P.force)
        sample(m, 5, P.force.overPressureN)
        isFalse(m.overPressure(), "exactly overPressureN runs")
        sample(m, 10, P.force.overPressureN + 0.01)
        isTrue(m.overPressure(), "above it stops")
    })

    test("H2 the rise limit is strict, counted on consecutive samples, and not measured on the first sample", () => {
        const m = new ForceMonitor(P.force)
        // the first sample has nothing to rise from, however large it is
        sample(m, 5, 3)
        eq(m.riseNPerS, 0, "no rise on the first sample")
        // exactly riseLimitNPerS (40 N/s: 1 N per 25 ms) is not above it
        const k = new ForceMonitor(P.force)
        for (let i = 0; i < 6; i++) sample(k, i * 25, i)
        eq(k.riseNPerS, P.force.riseLimitNPerS, "exactly the limit")
        isFalse(k.riseTrip(), "exactly the limit does not trip")
        // a sample older than the last one (clock step back) measures no rise
        const b = new ForceMonitor(P.force)
        sample(b, 100, 0.5)
        b.update(at(100, 90, 3, 0.5))
        eq(b.riseNPerS, 0, "no rise from a sample older than the last one")
    })

    test("H6 open and saturated are strict: exactly openBelowRatio or saturatedAboveRatio is a reading", () => {
        const m = new ForceMonitor(P.force)
        for (let i = 1; i <= 5; i++) sample(m, i * 5, 0, P.force.openBelowRatio)
        eq(findingCode(m, 25, -1, false), "", "exactly openBelowRatio is not open")
        for (let i = 6; i <= 10; i++) sample(m, i * 5, 0, P.force.saturatedAboveRatio)
        eq(findingCode(m, 50, -1, false), "", "exactly saturatedAboveRatio is not saturated")
    })

    test("H6 the range debounce counts samples, not ticks: one open sample read three times is one", () => {
        const m = new ForceMonitor(P.force)
        isTrue(m.update(at(5, 5, 0, 0.005)), "a new sample")
        isFalse(m.update(at(10, 5, 0, 0.005)), "the same sample again")
        isFalse(m.update(at(15, 5, 0, 0.005)), "and again")
        eq(findingCode(m, 15, -1, false), "", "one open sample does not trip")
        m.update(at(20, 20, 0, 0.005))
        m.update(at(25, 25, 0, 0.005))
        eq(findingCode(m, 25, -1, false), "force_open", "three open samples do")
    })

    test("H6 stale counts from the later of the last sample and the start of the watch", () => {
        const m = new ForceMonitor(P.force)
        sample(m, 0, 0)
        // watched from 1000 ms: the old sample does not make it stale at once
        eq(findingCode(m, 1000 + P.force.staleAfterMs, 1000, false), "", "staleAfterMs after the watch began")
        eq(findingCode(m, 1001 + P.force.staleAfterMs, 1000, false), "force_stale", "just past it")
        const w = new ForceMonitor(P.force)
        eq(findingCode(w, P.force.staleAfterMs, 0, false), "", "never sampled, watched since 0: not yet")
        eq(findingCode(w, P.force.staleAfterMs + 1, 0, false), "force_stale", "never sampled, watched since 0: stale")
    })

    test("H6 stuck is strictly after stuckAfterMs of one ratio, says for how long, and restarts on rewatch", () => {
        const m = new ForceMonitor(P.force)
        sample(m, 1000, 1, 0.4)
        sample(m, 1005, 1, 0.4)
        eq(findingCode(m, 1000 + P.force.stuckAfterMs, -1, true), "", "exactly stuckAfterMs")
        const f = forceFinding(m, 1001 + P.force.stuckAfterMs, -1, true)
        eq(f ? f.code : "", "force_stuck", "just past it")
        contains(f ? f.message : "", "frozen at 0.4000 for 2001 ms while the needle ran (limit 2000 ms)")
        m.rewatch(5000)
        eq(m.ratioSinceMs, 5000, "rewatch restarts the stuck timer")
        eq(findingCode(m, 5000 + P.force.stuckAfterMs, -1, true), "", "not stuck right after a rewatch")
        // a first sample at full scale is a change from "no ratio yet"
        const s = new ForceMonitor(P.force)
        sample(s, 20, 1, 1)
        eq(s.ratioSinceMs, 20, "first ratio 1.0 registers")
    })
})
