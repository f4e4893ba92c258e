// RateMeter and RateRegulator (rate.ts) on their own, at the edges the pen-level tests do not
// reach: the first two samples, the window boundary, more reports than the ring holds, a clock that
// steps back, the liveness window, the first update of a new regulator, and anti-windup in both
// directions. Found by mutation testing (npm run mutate).

import { describe, test } from "@devicescript/test"
import { RateMeter, RateRegulator, rateLiveMs } from "../../core/rate"
import { rangeRows } from "../../core/validate"
import { eq, isFalse, isTrue, near } from "../kit/assert"
import { breathe, repeat } from "../kit/breathe"
import { copyProfile } from "./penkit"

describe("rate meter and regulator", () => {
    test("H4 H7 RateMeter: two samples give a rate, from any time >= 0; a count that has not moved is not live", () => {
        const m = new RateMeter(40, 40 / 2)
        isFalse(m.live(0), "nothing yet")
        m.add(1, 0)
        isFalse(m.live(1), "one sample is no movement")
        eq(m.hz(1), 0, "one sample: 0")
        m.add(11, 1)
        eq(m.hz(11), 100, "1 stroke in 10 ms")
        isTrue(m.live(11), "moved")
        isTrue(m.live(11 + 20), "live for half a window after the move")
        isFalse(m.live(11 + 21), "not after that")
        const z = new RateMeter(40, 40 / 2)
        z.add(0, 0)
        z.add(10, 1)
        eq(z.hz(10), 100, "a first sample at 0 ms counts")
        const n = new RateMeter(40, 40 / 2)
        n.add(-1, 0)
        n.add(10, 1)
        eq(n.hz(10), 0, "sample time -1 is no sample")
        const o = new RateMeter(40, 40 / 2)
        o.add(100, 50)
        o.add(110, 51)
        eq(o.hz(110), 100, "only the samples it has: 1 stroke in 10 ms")
    })

    test("H4 H7 RateMeter: the window reaches back to the newest sample at least windowMs old", () => {
        const m = new RateMeter(40, 40 / 2)
        const s = [0, 10, 12, 13, 14, 18]
        for (let i = 0; i < s.length; i++) m.add(i * 10, s[i])
        eq(m.hz(50), 200, "(18 - 10) strokes over exactly 40 ms")
        eq(m.hz(50 + 120), 200, "a report three windows old still counts")
        eq(m.hz(50 + 121), 0, "older than three windows: 0")
    })

    test("H4 H7 RateMeter: reports faster than the ring holds do not shorten the window", () => {
        // 100 reports 1 ms apart at a 40 ms window: far more than the 32 samples kept
        const m = new RateMeter(40, 40 / 2)
        const strokes: number[] = []
        let s = 0
        for (let t = 0; t < 100; t++) {
            s += t < 60 ? 0.1 : 0.3
            strokes.push(s)
            m.add(t, s)
        }
        // fast reports are thinned to one per 40/30 ms: the measurement reaches back to t = 58, the
        // latest kept sample at least 40 ms old (not only to the 32nd last report, 31 ms)
        near(m.hz(99), ((strokes[99] - strokes[58]) * 1000) / 41, 1e-6, "over 41 ms")
    })

    test("H4 H7 RateMeter: the longest window the profile allows is measured whole at 10 ms reports", async () => {
        let longestMs = 0
        for (const r of rangeRows()) if (r[0] === "stroke" && r[1] === "rateWindowMs") longestMs = r[3]
        eq(longestMs, 1000, "stroke.rateWindowMs at most 1 s")
        const m = new RateMeter(longestMs, 30)
        // 50 strokes/s for the first half of the window, 150 for the second: 100 on average
        let s = 0
        await repeat(longestMs / 10 + 1, (i) => {
            const t = i * 10
            if (t > 0) s += t <= longestMs / 2 ? 0.5 : 1.5
            m.add(t, s)
        })
        near(m.hz(longestMs), 100, 1e-6, "the mean over the whole window, not over its last 32 reports (150)")
    })

    test("H4 H7 RateMeter: a clock that steps back measures 0, not a negative or infinite rate", () => {
        const m = new RateMeter(40, 40 / 2)
        m.add(20, 5)
        m.add(10, 6)
        eq(m.hz(10), 0, "newest sample older than the one before")
        const z = new RateMeter(40, 40 / 2)
        z.add(10, 5)
        z.add(20, 6)
        z.add(10, 7)
        eq(z.hz(20), 0, "no time between the oldest and the newest")
        // a sample at -1 after real ones is still no sample (a 4 ms window shows which were kept)
        const n = new RateMeter(4, 4 / 2)
        n.add(5, 0)
        n.add(-1, 5)
        n.add(10, 6)
        eq(n.hz(10), 1200, "6 strokes in 5 ms: the sample at -1 was not kept")
        // a count that moved at sample time 0 is live
        const b = new RateMeter(40, 40 / 2)
        b.add(5, 0)
        b.add(0, 1)
        isTrue(b.live(0), "moved at 0 ms")
    })

    test("H4 RateRegulator: the first update of a new regulator drives 0, then the set point ramps", () => {
        const p = copyProfile()
        const reg = new RateRegulator(p.needle)
        eq(reg.update(0, 100, 0, true), 0, "first update at 0 ms: 0")
        // feedback not live: the drive is the feed-forward of the ramped set point alone
        near(reg.update(10, 100, 0, false), (p.needle.rampHzPerS * 0.01) / p.needle.noLoadHzPerDuty, 1e-9, "10 ms of ramp")
        const late = new RateRegulator(p.needle)
        eq(late.update(1000, 100, 0, true), 0, "first update at 1000 ms: 0 too")
    })

    test("H4 RateRegulator: a restart while the motor still coasts faster than the ramp is not braked to 0: the drive follows the ramp's feed-forward", () => {
        const p = copyProfile()
        const reg = new RateRegulator(p.needle)
        // the cutoff stopped the drive; the pen resumes while the motor still turns at 40 strokes/s
        reg.update(0, 100, 40, true)
        let last = 0
        for (let t = 5; t <= 60; t += 5) {
            const duty = reg.update(t, 100, 40, true)
            // the ramp's feed-forward at least (braking to meet the ramp wrote 0 here until 40 ms)
            isTrue(duty >= (p.needle.rampHzPerS * t) / 1000 / p.needle.noLoadHzPerDuty - 1e-9, "drive at " + t + " ms: " + duty)
            isTrue(duty - last <= 0.05, "no jump at " + t + " ms")
            last = duty
        }
    })

    test("H4 RateRegulator: a reading that glitches high mid-ramp does not jump the drive (at most 0.05 per 5 ms)", () => {
        const p = copyProfile()
        const reg = new RateRegulator(p.needle)
        let last = reg.update(0, 100, 0, false)
        for (let t = 5; t <= 200; t += 5) {
            // the motor follows the ramp, but between 60 and 80 ms the sensor reads 20 strokes/s high
            const trueHz = Math.min(100, (p.needle.rampHzPerS * t) / 1000)
            const duty = reg.update(t, 100, t >= 60 && t <= 80 ? trueHz + 20 : trueHz, true)
            isTrue(duty - last <= 0.05, "rise at " + t + " ms: " + (duty - last))
            last = duty
        }
    })

    test("H4 RateRegulator anti-windup: a saturated drive still integrates down when the rate is above the set point", async () => {
        const p = copyProfile()
        p.needle.noLoadHzPerDuty = 100 // feed-forward alone saturates at 100 strokes/s
        const reg = new RateRegulator(p.needle)
        let t = 0
        let u = 0
        for (let i = 0; i < 100; i++) {
            t += 5
            u = reg.update(t, 100, 0, false) // ramping up, feedback not live yet: no integration
        }
        eq(u, p.needle.maxDuty, "saturated by feed-forward")
        for (let i = 0; i < 100; i++) {
            t += 5
            u = reg.update(t, 100, 120, true)
        }
        await breathe()
        isTrue(u < p.needle.maxDuty - 0.2, "20 strokes/s too fast for 0.5 s: the drive came down, at " + u)
    })

    test("H4 RateRegulator anti-windup: no winding down below 0, and back up at once when the rate falls", async () => {
        const p = copyProfile()
        const reg = new RateRegulator(p.needle)
        let t = 0
        let u = 0
        for (let i = 0; i < 100; i++) {
            t += 5
            reg.update(t, 100, 0, false) // ramping up, feedback not live yet: no integration
        }
        // a runaway for 2 s: the drive goes to 0 and the integral stops there
        for (let i = 0; i < 400; i++) {
            t += 5
            u = reg.update(t, 100, 400, true)
            if (i % 100 === 0) await breathe()
        }
        eq(u, 0, "runaway: no drive")
        t += 5
        u = reg.update(t, 100, 100, true)
        isTrue(u > 0.4, "at the set point again: feed-forward at once, not a wound-down integral, got " + u)
        // pushed to 0 with the rate above the set point, then a lower target with the rate below it
        for (let i = 0; i < 200; i++) {
            t += 5
            reg.update(t, 100, 150, true)
        }
        for (let i = 0; i < 40; i++) {
            t += 5
            u = reg.update(t, 40, 0, true)
        }
        await breathe()
        isTrue(u > 0, "below the set point the integral recovers, got " + u)
    })

    test("H7 the liveness window: the count must have moved within liveMs, two count intervals at 50 strokes/s, at least 30 ms", () => {
        eq(rateLiveMs(2), 30, "2 counts per stroke: 20 ms, floored at three 10 ms reports")
        eq(rateLiveMs(1), 40, "1 count per stroke: two 20 ms intervals")
        const m = new RateMeter(120, 30)
        m.add(0, 0)
        m.add(10, 0.5)
        isTrue(m.live(40), "moved 30 ms ago")
        isFalse(m.live(41), "not moved for 31 ms: the sensor, not the needle, may have stopped")
        m.add(50, 0.5)
        isFalse(m.live(50), "a report without a new count does not make it live")
    })
})
