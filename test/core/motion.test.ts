// The motion monitor (core/motion.ts) on synthetic accelerometer samples: gravity at any tilt is no
// movement, a steady turn (the pen following the curved skin) is, a hand's slow drift and wander are
// not, nor tremor-fast shaking or the pen's axis; repeated reports are not new samples; the filters
// restart after a gap without a ring; the sensor checks (silent, frozen, saturated) with their
// limits. Runs in both runners.

import { describe, test } from "@devicescript/test"
import { MotionMonitor } from "../../core/motion"
import { fixed } from "../../core/format"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { atLeast, atMost, contains, eq, isTrue } from "../kit/assert"
import { breathe } from "../kit/breathe"
import { copyProfile, sin } from "./penkit"
import { MotionProfile } from "../../core/profile"

const M = FACTORY_PROFILE.motion
/** one chip sample at the shipped rate (motion.odrHz, 26 Hz) */
const ODR_MS = 1000 / M.odrHz

/** chip samples in `s` seconds at motion.odrHz */
function samples(s: number): number {
    return Math.round(s * M.odrHz)
}

/** where the motor's vibration at 120 strokes/s folds to at motion.odrHz (10 Hz at 26, 16 Hz at 52) */
const FOLD_120_HZ = Math.abs(120 - Math.round(120 / M.odrHz) * M.odrHz)

/** the motion profile with the chip at jacdac-c's own 52 Hz (a profile may choose it): made per test, a copy costs VM heap */
function motion52(): MotionProfile {
    const p = copyProfile()
    p.motion.odrHz = 52
    return p.motion
}

/** feed `n` samples every ODR_MS from t0: x = xG(t) and gravity tilted 30 degrees; returns the time after */
async function feed(m: MotionMonitor, t0: number, n: number, xAt: (tMs: number) => number, zExtra?: (tMs: number) => number): Promise<number> {
    let t = t0
    for (let i = 0; i < n; i++) {
        // the VM allows ~128K steps without a yield
        if (i % 40 === 39) await breathe()
        // one LSB of dither on y: a live chip never repeats
        m.sample(t, xAt(t), -0.5 + (i % 2 === 0 ? 0.000244 : 0), -0.866 + (zExtra ? zExtra(t) : 0))
        t += ODR_MS
    }
    return t
}

function sine(g: number, hz: number): (t: number) => number {
    return (t: number) => g * sin((2 * Math.PI * hz * t) / 1000)
}

/** axis `a` of a sample with `axis` at full scale, the next axis dithered by sample `i` */
function satG(axis: number, a: number, i: number): number {
    if (a === axis) return -M.saturatedAtG
    return 0.1 + (a === (axis + 1) % 3 ? i * 1e-4 : 0)
}

/** turning at 15 mg/s until stopMs, then held there wandering 3 mg at hz (a function: the VM's compiler takes no closure over a loop variable) */
function turnThenWander(stopMs: number, hz: number): (t: number) => number {
    return (t: number) => (t < stopMs ? (0.015 * t) / 1000 : (0.015 * stopMs) / 1000 + 0.003 * sin((2 * Math.PI * hz * (t - stopMs)) / 1000))
}

/** a steady turn of rateGPerS with a ripple of g at hz on top (tremor, or the motor's fold) */
function turnWithRipple(rateGPerS: number, hz: number, g: number): (t: number) => number {
    return (t: number) => (rateGPerS * t) / 1000 + g * sin((2 * Math.PI * hz * t) / 1000)
}

/** a turn at 30 mg/s until stopMs, then a sway of 3 mg at hz from where it stopped (phase in rad) */
function turnThenSway(stopMs: number, hz: number, phase: number): (t: number) => number {
    return (t: number) => (t < stopMs ? (0.03 * t) / 1000 : (0.03 * stopMs) / 1000 + 0.003 * (sin((2 * Math.PI * hz * (t - stopMs)) / 1000 + phase) - sin(phase)))
}

/** x of a still pen whose every ~0.6 s reading is g off: a corrupted read */
function glitchEvery06s(g: number): (t: number) => number {
    const every = samples(0.6)
    return (t: number) => (Math.round(t / ODR_MS) % every === every - 1 ? g : 0)
}

/** how long `m` has shown no gliding since sinceMs, at nowMs (the pen counts its dwell with needleOn/dwellMs) */
function stillMs(m: MotionMonitor, nowMs: number, sinceMs: number): number {
    const from = m.motionMs > sinceMs ? m.motionMs : sinceMs
    return nowMs - from
}

/**
 * A held pen streamed as a board streams it: the server reads the chip (its output held between
 * samples, so a sample read twice is reported the same) every ~15.4 ms and streams one read per
 * 20 ms (jacdac-c; sim/sensor-stream.ts), so at 52 Hz ~8 of the chip's samples a second are never
 * reported; at 26 Hz none is missed and about every other reading is a repeat. The hand's tremor: tremorG at 10 Hz on x (phase phX) and y (phase phY), one LSB of
 * dither per chip sample on y (a live chip never repeats, the server does); every 30th streamed
 * reading glitchG off on x. 650 reads (10 s), or until the first stop when `untilStop`. Returns the
 * time the still time first reached stopAfterMs (-1: never).
 */
async function heldStreamed(m: MotionMonitor, odrHz: number, tremorG: number, phX: number, phY: number, glitchG: number, untilStop: boolean): Promise<number> {
    let chipMs = 0
    let k = 0
    let x = 0
    let y = 0
    let dueMs = 0
    let sent = 0
    let stopMs = -1
    for (let read = 0; read < 650; read++) {
        if (read % 40 === 39) await breathe()
        const t = read * 15.4
        while (chipMs <= t) {
            const w = (2 * Math.PI * 10 * chipMs) / 1000
            x = tremorG * sin(w + phX)
            y = -0.5 + tremorG * sin(w + phY) + (k % 2 === 0 ? 0.000244 : 0)
            k++
            chipMs += 1000 / odrHz
        }
        if (t < dueMs) continue
        dueMs += 20
        if (dueMs <= t) dueMs = t + 20
        sent++
        m.sample(t, sent % 30 === 29 ? x + glitchG : x, y, -0.866)
        if (stopMs < 0 && stillMs(m, t, 0) >= M.stopAfterMs) {
            stopMs = t
            if (untilStop) return stopMs
        }
    }
    return stopMs
}

function zero(t: number): number {
    return 0 * t
}

describe("motion monitor", () => {
    test("H15 gravity alone, at any tilt, is no movement: the still time counts from the contact", async () => {
        const m = new MotionMonitor(M)
        const t = await feed(m, 0, samples(3.85), (tt: number) => 0.3 + 0 * tt)
        eq(m.motionMs, -1, "never moving")
        eq(stillMs(m, t, 1000), t - 1000, "still since the contact")
    })

    test("H15 a steady turn is gliding: gravity's share moving 15 mg/s (the pen turning 1 deg/s over the curved skin) never reads still for stopAfterMs, on x, on y or on both", async () => {
        const rate = 0.015 / 1000
        for (const axes of ["x", "y", "both"]) {
            const m = new MotionMonitor(M)
            const share = axes === "both" ? Math.SQRT1_2 : 1
            let t = 0
            let worst = 0
            for (let i = 0; i < 300; i++) {
                if (i % 40 === 39) await breathe()
                const g = rate * t * share
                m.sample(t, (axes === "y" ? 0 : g) + 0.000244 * (i % 2), -0.5 + (axes === "x" ? 0 : g), -0.866)
                if (t > 1000) worst = Math.max(worst, stillMs(m, t, 0))
                t += ODR_MS
            }
            isTrue(worst < M.stopAfterMs, `${axes}: longest still ${Math.round(worst)} ms while turning`)
            isTrue(worst > 0, `${axes}: the evidence comes in steps`)
        }
    })

    test("H15 a steady turn at 20 mg/s with the hand's tremor (10 mg at 10 Hz) or the motor's fold at 120 strokes/s (20 mg) is gliding: the settling does not follow its band's ripple", async () => {
        const cases = [[10, 0.01], [FOLD_120_HZ, 0.02]]
        for (const c of cases) {
            const hz = c[0]
            const g = c[1]
            const m = new MotionMonitor(M)
            const t = await feed(m, 0, samples(10), turnWithRipple(0.02, hz, g))
            const still = t - m.motionMs
            isTrue(m.motionMs > 9000, `${hz} Hz: the turn still seen at the end (${Math.round(m.motionMs)} of ${Math.round(t)} ms)`)
            atMost(still, M.stopAfterMs - 100, `${hz} Hz: still at the end`)
        }
    })

    test("H15 a turn slower than the settled band (3 mg/s, 0.2 deg/s: a hand drifting) is no movement: the reference follows it", async () => {
        const m = new MotionMonitor(M)
        const t = await feed(m, 0, samples(10), (tt: number) => (0.003 * tt) / 1000)
        eq(m.motionMs, -1, `30 mg over 10 s, never a turn (last ${m.motionMs})`)
        eq(stillMs(m, t, 0), t)
    })

    test("H15 the settled band is a rate: a turn at 4.5 mg/s (band 0.9 mg) is followed, one at 5.8 mg/s (band 1.15 mg) is a turn within 3 s", async () => {
        const slow = new MotionMonitor(M)
        await feed(slow, 0, samples(10), (tt: number) => (0.0045 * tt) / 1000)
        eq(slow.motionMs, -1, `4.5 mg/s: never a turn (last ${slow.motionMs})`)
        const fast = new MotionMonitor(M)
        // 3 s of chip samples
        await feed(fast, 0, samples(3), (tt: number) => (0.0058 * tt) / 1000)
        isTrue(fast.motionMs > 0, "5.8 mg/s: turned within 3 s")
    })

    test("H15 after a turn stops, the reference settles on the rest: a held pen's wander (3 mg at 0.2-0.5 Hz) afterwards is still", async () => {
        const stopMs = 2000
        for (const hz of [0.2, 0.5]) {
            const m = new MotionMonitor(M)
            const t = await feed(m, 0, samples(10), turnThenWander(stopMs, hz))
            isTrue(m.motionMs > 1000, `${hz} Hz: the turn was seen (${m.motionMs})`)
            isTrue(m.motionMs < stopMs + 700, `${hz} Hz: still within 0.7 s of the stop (last evidence ${Math.round(m.motionMs - stopMs)} ms after)`)
            isTrue(stillMs(m, t, 0) > 7000, `${hz} Hz: still while held`)
        }
    })

    test("H15 a slow tilt back and forth (0.1 Hz, 5 mg: the hand turning the pen) is no movement", async () => {
        const m = new MotionMonitor(M)
        const t = await feed(m, 0, samples(11.5), sine(0.005, 0.1))
        isTrue(stillMs(m, t, 0) > 5000, `no turn (last movement at ${m.motionMs})`)
    })

    test("H15 below the threshold is still: 0.3 mg at 1 Hz (a slow steady glide reads like a dwell)", async () => {
        const m = new MotionMonitor(M)
        const t = await feed(m, 0, samples(5.8), sine(0.0003, 1))
        eq(m.motionMs, -1, "no evidence")
        eq(stillMs(m, t, 0), t)
    })

    test("H15 tremor (10 Hz, 20 mg), the motor's tone folded from 120 strokes/s (20 mg) and the pen's axis (1 Hz, 50 mg on z) are not gliding", async () => {
        const cases = [sine(0.02, 10), sine(0.02, FOLD_120_HZ)]
        for (const c of cases) {
            const m = new MotionMonitor(M)
            const t = await feed(m, 0, samples(11.5), c)
            isTrue(stillMs(m, t, 0) > 5000, "shaking on one spot reads still after the start")
        }
        const axial = new MotionMonitor(M)
        const t = await feed(axial, 0, samples(5.8), zero, sine(0.05, 1))
        eq(axial.motionMs, -1, "z ignored")
        eq(stillMs(axial, t, 0), t)
    })

    test("H15 H16 a reading glitched now and then (a corrupted read: one reading 0.1 g or 2 g off on x every 0.6 s) is no gliding: a still pen reads still", async () => {
        for (const g of [0.1, 2]) {
            const m = new MotionMonitor(M)
            const t = await feed(m, 0, samples(11.5), glitchEvery06s(g))
            isTrue(stillMs(m, t, 0) > 5000, `${g} g glitches: the last evidence at ${Math.round(m.motionMs)} ms of ${Math.round(t)}`)
        }
        // as a board streams it (heldStreamed), with the hand's tremor (20 mg at 10 Hz), every 30th
        // reading (~0.6 s) off on x: the case the red-team review found. The pen stops the first
        // time the still time reaches stopAfterMs (then it is held until lifted). At 52 Hz this
        // held to 1.5 s; at the shipped 26 Hz one chip sample weighs twice as much and the stop
        // comes at 1.0-2.6 s (the trade for a stream that misses no sample: docs/IMU-DIRECT.md),
        // guarded here at 3 s. Without the step limit the still pen fed every sample above reads as
        // moving to the end (at 26 Hz as at 52)
        for (const g of [0.1, 2]) {
            for (let ph = 0; ph < 8; ph++) {
                const stopMs = await heldStreamed(new MotionMonitor(M), M.odrHz, 0.02, ph * 0.785, ph * 0.5 + 1.571, g, true)
                isTrue(stopMs >= 0, `${g} g, phase ${ph}: stopped within 10 s`)
                atMost(stopMs, 3000, `${g} g, phase ${ph}: held still from the start, stopped at ${Math.round(stopMs)} ms`)
            }
        }
    })

    test("H15 a push is movement and is forgotten: 0.9 s after a 300 ms pulse of 20 mg the pen reads still", async () => {
        const m = new MotionMonitor(M)
        // a raised-cosine deceleration pulse of 300 ms, then rest
        let t = await feed(m, 0, samples(1.9), zero)
        const end = t + 300
        const t0 = t
        t = await feed(m, t, samples(0.31), (tt: number) => (tt < end ? 0.02 * sin((Math.PI * (tt - t0)) / 300) : 0))
        isTrue(m.motionMs > t0, "the pulse is movement")
        t = await feed(m, t, samples(1.15), zero)
        isTrue(m.motionMs < end + 900, `forgotten within 0.9 s (last movement ${m.motionMs - end} ms after the pulse)`)
    })

    test("H15 the reference follows a settling band: after a turn at 30 mg/s stops, the hand's wander (3 mg at 0.35-0.5 Hz) adds no turn past the low-pass's lag", async () => {
        const stopMs = 2000
        for (const hz of [0.35, 0.5]) {
            for (const phase of [0, 4.71]) {
                const m = new MotionMonitor(M)
                await feed(m, 0, samples(4.8), turnThenSway(stopMs, hz, phase))
                // without the settling re-centre the reference set mid-slow-down let the wander turn 0.5-0.8 s after the stop
                isTrue(m.motionMs > stopMs, `${hz} Hz: the turn seen`)
                atMost(m.motionMs - stopMs, 300, `${hz} Hz, phase ${phase}: the last evidence ${Math.round(m.motionMs - stopMs)} ms after the turn stopped`)
            }
        }
    })

    test("H15 a server that reports every 50 ms: the filters advance by the chip samples between reports, so a turn and its end read on the chip's clock", async () => {
        const fast = new MotionMonitor(M)
        const slow = new MotionMonitor(M)
        // turning at 15 mg/s for 2 s, then held still
        const x = turnThenWander(2000, 0)
        await feed(fast, 0, samples(5), x)
        let t = 0
        for (let i = 0; i < 100; i++) {
            if (i % 40 === 39) await breathe()
            slow.sample(t, x(t), -0.5 + (i % 2 === 0 ? 0.000244 : 0), -0.866)
            t += 50
        }
        isTrue(fast.motionMs > 1000, `every sample: the turn seen (${fast.motionMs})`)
        isTrue(slow.motionMs > 1000, `every 50 ms: the turn seen (${slow.motionMs})`)
        // within a report and a turn's step of each other (a step per report ran the filters 2.6x slow)
        isTrue(Math.abs(slow.motionMs - fast.motionMs) < 150, `the last evidence at ${slow.motionMs} ms read every 50 ms, ${fast.motionMs} ms every sample`)
    })

    test("H15 a board's 20 ms stream misses a chip sample now and then: the missed one is taken between its neighbours, not as the next repeated, so the hand's tremor (10 Hz, 40 mg) on a held pen adds no turn", async () => {
        // streamed as a board does (heldStreamed): the next reading repeated in a missed one's
        // place turned this tremor into turns to the end of the hold in all eight phases
        const m52 = motion52()
        for (let ph = 0; ph < 8; ph++) {
            const m = new MotionMonitor(m52)
            await heldStreamed(m, 52, 0.04, ph * 0.393, ph * 0.5 + 1.571, 0, false)
            atMost(m.motionMs, 1500, `phase ${ph}: held still, the last evidence at ${Math.round(m.motionMs)} ms (10 s held)`)
        }
    })

    test("H15 a repeated report is not a new sample: the same reading reported twice as often gives the same still time", async () => {
        const a = new MotionMonitor(M)
        const b = new MotionMonitor(M)
        // turning at 15 mg/s
        const x = (tt: number) => (0.015 * tt) / 1000
        let t = 0
        for (let i = 0; i < 200; i++) {
            if (i % 20 === 19) await breathe()
            const v = x(t)
            const y = -0.5 + (i % 2 === 0 ? 0.000244 : 0)
            a.sample(t, v, y, -0.866)
            b.sample(t, v, y, -0.866)
            b.sample(t + 7, v, y, -0.866)
            t += ODR_MS
        }
        eq(b.motionMs, a.motionMs, "same evidence")
        isTrue(a.motionMs > 0, "there was movement")
        eq(b.lastSampleMs, t - ODR_MS + 7, "the repeat still counts as a report (not silent)")
    })

    test("H15 the filters start from the first reading and again after a gap: a new tilt is not movement", async () => {
        const m = new MotionMonitor(M)
        let t = await feed(m, 1000, samples(0.96), (tt: number) => 0.2 + 0 * tt)
        eq(m.motionMs, -1, "first reading: no ring")
        t = await feed(m, t + M.staleAfterMs + 10, samples(0.96), (tt: number) => -0.4 + 0 * tt)
        eq(m.motionMs, -1, "after a gap: no ring")
        // without a gap the same step is a movement (the band sees it)
        await feed(m, t, samples(0.38), (tt: number) => 0.2 + 0 * tt)
        isTrue(m.motionMs > 0, "a step without a gap is seen")
        // a clock that does not advance restarts too
        const c = new MotionMonitor(M)
        c.sample(100, 0, -0.5, -0.866)
        c.sample(100, 0.3, -0.5, -0.866)
        c.sample(100 + ODR_MS, 0.3, -0.5001, -0.866)
        eq(c.motionMs, -1, "same time: restart, no step")
    })

    test("H16 silent: no sample for more than staleAfterMs while needed; not while not needed", async () => {
        const m = new MotionMonitor(M)
        eq(m.silentFault(5000, -1), "", "not needed")
        eq(m.silentFault(1000 + M.staleAfterMs, 1000), "", "at the limit")
        contains(m.silentFault(1001 + M.staleAfterMs, 1000), `limit ${M.staleAfterMs} ms`, "no sample since armed")
        m.sample(2000, 0, -0.5, -0.866)
        eq(m.silentFault(2000 + M.staleAfterMs, 1000), "", "a sample restarts it")
        contains(m.silentFault(2001 + M.staleAfterMs, 1000), `no accelerometer sample for ${M.staleAfterMs + 1} ms`)
    })

    test("H16 stuck: no axis changes for more than stuckAfterMs while needed; any axis changing is alive", async () => {
        const m = new MotionMonitor(M)
        eq(m.stuckFault(5000, 0), "", "no sample yet: that is silent, not stuck")
        for (let t = 0; t <= 3000; t += 20) {
            if (t % 1000 === 980) await breathe()
            m.sample(t, 0.01, -0.5, -0.866)
        }
        eq(m.changedMs, 0)
        eq(m.stuckFault(3000, -1), "", "not needed")
        eq(m.stuckFault(500 + M.stuckAfterMs, 500), "", "at the limit since armed")
        contains(m.stuckFault(501 + M.stuckAfterMs, 500), `for ${M.stuckAfterMs + 1} ms (limit ${M.stuckAfterMs} ms)`)
        for (const axis of [0, 1, 2]) {
            const k = new MotionMonitor(M)
            k.sample(0, 0, -0.5, -0.866)
            k.sample(20, axis === 0 ? 0.001 : 0, axis === 1 ? -0.501 : -0.5, axis === 2 ? -0.867 : -0.866)
            eq(k.changedMs, 20, `axis ${axis} changing is a change`)
            eq(k.stuckFault(20 + M.stuckAfterMs, 0), "", `axis ${axis}: alive`)
        }
    })

    test("H16 saturated: any axis at saturatedAtG for saturatedSamples samples in a row", async () => {
        for (let axis = 0; axis < 3; axis++) {
            const m = new MotionMonitor(M)
            for (let i = 0; i < M.saturatedSamples - 1; i++) m.sample(i * 20, satG(axis, 0, i), satG(axis, 1, i), satG(axis, 2, i))
            eq(m.saturatedFault(), "", `axis ${axis}: not yet`)
            isTrue(m.saturatedNow(), "at full scale now")
            m.sample(100, satG(axis, 0, 9), satG(axis, 1, 9), satG(axis, 2, 9))
            contains(m.saturatedFault(), `limit ${fixed(M.saturatedAtG, 2)} g`, `axis ${axis}`)
            m.sample(120, 0.1, 0.1, 0.1)
            eq(m.saturatedFault(), "", "one sample below resets the count")
            isTrue(!m.saturatedNow(), "not now")
        }
        const j = new MotionMonitor(M)
        for (let i = 0; i < 10; i++) j.sample(i * 20, M.saturatedAtG - 0.01, 0, -1 + i * 1e-4)
        eq(j.saturatedFault(), "", "just below the limit")
    })
})

// at jacdac-c's 52 Hz: the chip's phase matters where the stream misses samples (at 26 Hz it misses none)
describe("motion monitor: the chip's phase", () => {
    test("H15 a repeated reading moves the chip's phase later: a chip sample streamed twice is stepped once, so a turn shows when its samples say, not sooner", async () => {
        // a chip making a sample every 30 ms, each streamed twice (every 15 ms): still until
        // 1,500 ms, then turning at 30 mg/s until 3,000 ms. Counted from the gaps alone, each 30 ms
        // between new readings is one or two of the monitor's 19.2 ms samples (~1.5 steps per
        // sample: the filters run ahead and the turn shows at 1,890 ms); with the repeats moving
        // the phase, one step each (it shows at 1,980 ms)
        const m = new MotionMonitor(motion52())
        let first = -1
        for (let i = 0; i * 15 <= 3000; i++) {
            if (i % 40 === 39) await breathe()
            const t = i * 15
            const k = Math.floor(i / 2) // the chip's sample
            const chipMs = k * 30
            const x = chipMs <= 1500 ? 0 : (0.03 * (chipMs - 1500)) / 1000
            m.sample(t, x, -0.5 + (k % 2 === 0 ? 0.000244 : 0), -0.866)
            if (first < 0 && t > 1500 && m.motionMs > 1500) first = m.motionMs
        }
        isTrue(first > 0, "the turn is seen")
        atLeast(first, 1950, "not before the samples' own count of steps")
        atMost(first, 2100, "and not much after")
    })

    test("H15 a repeat moves the chip's phase only as far as it says: the next reading, two chip samples on, still steps both", async () => {
        // a 52 Hz chip streamed as a new reading every 40 ms (two chip samples: one missed) with a
        // repeat 20 ms after each, just past when the phase put the next sample; still until
        // 1,500 ms, then turning at 30 mg/s. The repeat moves the phase to its arrival, so each new
        // reading is two steps and the turn shows at 2,000 ms; moved a sample too far (a mutant
        // that survived before this test) the filters step once a reading and it shows at 2,160
        const m = new MotionMonitor(motion52())
        const periodMs = 1000 / 52
        let first = -1
        for (let c = 0; c * 40 <= 4000; c++) {
            if (c % 20 === 19) await breathe()
            const t = c * 40
            const chipMs = 2 * c * periodMs
            const x = chipMs <= 1500 ? 0 : (0.03 * (chipMs - 1500)) / 1000
            const y = -0.5 + (c % 2 === 0 ? 0.000244 : 0)
            for (const at of [t, t + 20]) {
                m.sample(at, x, y, -0.866)
                if (first < 0 && at > 1500 && m.motionMs > 1500) first = m.motionMs
            }
        }
        isTrue(first > 0, "the turn is seen")
        atLeast(first, 1950, "not before the samples' own count of steps")
        atMost(first, 2080, "two steps a reading, not one")
    })
})

