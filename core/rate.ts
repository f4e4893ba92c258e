// Stroke rate: measured from the stroke sensor's cumulative count, regulated by a PI loop with
// feed-forward, a soft-start ramp, anti-windup and a bounded drive.
import { STROKE_MIN_HZ } from "./limits"
import { NeedleProfile } from "./profile"

/**
 * Samples the meter keeps. A window holds any number of reports: samples closer together than
 * windowMs / (RING - 2) are thinned (the newest replaces the one before it), so the kept ones span
 * at least the whole window however fast reports come (at rateWindowMs 120 ms, 4 ms; stroke reports
 * come every 10-20 ms, so none is thinned). Without this, fast reports would silently shorten a
 * long window to RING samples.
 */
const RING = 32
/** the liveness window is never shorter than three stroke reports at 10 ms */
const LIVE_MIN_MS = 30
/** one regulator update ramps and integrates over at most this long, so a late update cannot jump the drive */
const UPDATE_MAX_DT_MS = 50

/**
 * How recently the stroke count must have moved for the measured rate to be believed: two count
 * intervals at the slowest allowed rate (20 ms at 2 counts per stroke), and never below LIVE_MIN_MS.
 * A count that stops for longer means the sensor, not the needle, stopped: the regulator then
 * holds its drive instead of winding up on a rate that only looks low.
 */
export function rateLiveMs(countsPerStroke: number): number {
    const ms = (2 * 1000) / (STROKE_MIN_HZ * countsPerStroke)
    return ms > LIVE_MIN_MS ? ms : LIVE_MIN_MS
}

/** Strokes per second over a sliding window of (time, cumulative strokes) samples. */
export class RateMeter {
    private tMs: number[] = []
    private strokes: number[] = []
    private head = -1
    private count = 0
    private lastSampleMs = -1
    /** sample time of the last sample whose count differed from the one before (-1: none) */
    private lastMoveMs = -1
    /** least time between two kept samples (the newest one aside): see RING */
    private spacingMs: number
    /**
     * the window's rate as hz() computes it from the samples alone (NaN: not computed since the
     * last sample). It changes only when a sample comes in, so hz() computes it once per sample,
     * not on every tick (performance only: the chip runs a decision every few ms, issue 15).
     */
    private windowHz = NaN

    /**
     * `liveMs`: how recently the count must have moved for the rate to be believed (live()); with
     * devs.json 30 ms against a 120 ms window, so a sensor that goes silent is noticed well before
     * the window empties.
     */
    constructor(private windowMs: number, private liveMs: number) {
        this.spacingMs = windowMs / (RING - 2)
        for (let i = 0; i < RING; i++) {
            this.tMs.push(0)
            this.strokes.push(0)
        }
    }

    /** feed a sample when the sensor reported one (same sampleMs twice is ignored) */
    add(sampleMs: number, strokes: number) {
        if (sampleMs < 0 || sampleMs === this.lastSampleMs) return
        this.lastSampleMs = sampleMs
        // fields read more than once, in locals (fewer firmware bytes)
        const tMs = this.tMs
        const count = this.count
        let head = this.head
        if (count > 0 && strokes !== this.strokes[head]) this.lastMoveMs = sampleMs
        // the newest sample is kept only if it lies spacingMs after the kept one before it; else
        // this one takes its place
        const keep = count < 2 || tMs[head] - tMs[(head - 1 + RING) % RING] >= this.spacingMs
        if (keep) {
            head = (head + 1) % RING
            this.head = head
            if (count < RING) this.count = count + 1
        }
        tMs[head] = sampleMs
        this.strokes[head] = strokes
        this.windowHz = NaN
    }

    /**
     * measured strokes/s at nowMs, over the window ending at the newest sample; 0 once the sensor
     * has sent nothing for three windows (360 ms at rateWindowMs 120). Sooner than that, live()
     * has already stopped the regulator from believing the rate, and a silent sensor while driven
     * trips stroke_silent (core/detectors.ts).
     */
    hz(nowMs: number): number {
        if (this.count < 2) return 0
        const tNew = this.tMs[this.head]
        if (nowMs - tNew > this.windowMs * 3) return 0
        if (this.windowHz !== this.windowHz) this.windowHz = this.windowRate()
        return this.windowHz
    }

    /** strokes/s over the window ending at the newest sample; 0 when the samples span no time */
    private windowRate(): number {
        const tMs = this.tMs
        const head = this.head
        const tNew = tMs[head]
        const sNew = this.strokes[head]
        // the latest sample at least windowMs older than the newest one, else the oldest kept
        let k = head
        for (let i = 1; i < this.count; i++) {
            const j = (head - i + RING) % RING
            k = j
            if (tNew - tMs[j] >= this.windowMs) break
        }
        const dtMs = tNew - tMs[k]
        if (dtMs <= 0) return 0
        return ((sNew - this.strokes[k]) * 1000) / dtMs
    }

    /**
     * Whether the count moved within liveMs (rateLiveMs: 30 ms at 2 counts per stroke): only then
     * does the measured rate mean something. At 50 strokes/s a count arrives every 10 ms.
     */
    live(nowMs: number): boolean {
        return this.lastMoveMs >= 0 && nowMs - this.lastMoveMs <= this.liveMs
    }
}

/** PI stroke-rate regulator. The pen resets it whenever the drive goes to 0, so every start ramps from 0 (not braking a motor that still coasts faster). */
export class RateRegulator {
    // set by reset() (one call costs fewer firmware bytes than initialisers repeating it)
    private integ: number
    private spHz: number
    private lastMs: number

    constructor(private p: NeedleProfile) {
        this.reset()
    }

    reset() {
        this.integ = 0
        this.spHz = 0
        this.lastMs = -1
    }

    /**
     * Duty 0..maxDuty for the target rate, given the measured rate. When the feedback is not live
     * (the motor has not started turning yet, or the stroke sensor went silent) the error is not
     * believed: no proportional term, no integration, the drive holds feed-forward plus what was
     * integrated. Otherwise a silent sensor reads as 0 strokes/s and winds the drive up to the
     * maximum: a runaway until the silence is detected.
     */
    update(nowMs: number, targetHz: number, measuredHz: number, feedbackLive: boolean): number {
        // runs every decision while treating: fields read once into locals (performance only, issue 15)
        const p = this.p
        const dtS = this.lastMs < 0 ? 0 : Math.min(nowMs - this.lastMs, UPDATE_MAX_DT_MS) / 1000
        this.lastMs = nowMs
        // soft start: the set point ramps up, never jumps
        let spHz = this.spHz
        if (spHz < targetHz) spHz = Math.min(targetHz, spHz + p.rampHzPerS * dtS)
        else spHz = targetHz
        this.spHz = spHz
        let errHz = feedbackLive ? spHz - measuredHz : 0
        // while it ramps, a motor faster than the set point (still coasting from before a stop, or a
        // reading glitching high) is not braked: the drive follows the ramp's feed-forward. Braking
        // it wrote 0 for tens of ms at every restart while the motor coasted
        if (errHz < 0) if (spHz < targetHz) errHz = 0
        const ff = spHz / p.noLoadHzPerDuty
        const pDuty = p.kp * errHz
        const maxDuty = p.maxDuty
        let integ = this.integ
        const unsat = ff + pDuty + integ
        // anti-windup: integrate only when the output is not pushed further into a limit (at the
        // top with a positive error, at 0 with a negative one; ifs, not &&: fewer VM steps)
        let windup = false
        if (errHz > 0) windup = unsat >= maxDuty
        else if (errHz < 0) windup = unsat <= 0
        if (!windup) {
            integ += p.ki * errHz * dtS
            this.integ = integ
        }
        const duty = ff + pDuty + integ
        if (duty > maxDuty) return maxDuty
        if (duty < 0) return 0
        return duty
    }
}
