// Stroke rate: measured from the stroke sensor's cumulative count, regulated by a PI loop with
// feed-forward, a soft-start ramp, anti-windup and a bounded drive.
import { STROKE_MIN_HZ } from "./limits"
import { NeedleProfile } from "./profile"

const RING = 32

/**
 * How recently the stroke count must have moved for the measured rate to be believed: two count
 * intervals at the slowest allowed rate (20 ms at 2 counts per stroke), and never below three
 * stroke reports (30 ms). A count that stops for longer means the sensor, not the needle, stopped:
 * the regulator then holds its drive instead of winding up on a rate that only looks low.
 */
export function rateLiveMs(countsPerStroke: number): number {
    const ms = (2 * 1000) / (STROKE_MIN_HZ * countsPerStroke)
    return ms > 30 ? ms : 30
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
    /**
     * the window's rate as hz() computes it from the samples alone (NaN: not computed since the
     * last sample). It changes only when a sample comes in, so hz() computes it once per sample,
     * not on every tick (performance only: the chip runs a decision every few ms, issue 15).
     */
    private windowHz = NaN

    /**
     * `liveMs`: how recently the count must have moved for the rate to be believed (live());
     * shorter than the window, so a sensor that goes silent is noticed before the window empties.
     */
    constructor(private windowMs: number, private liveMs: number) {
        for (let i = 0; i < RING; i++) {
            this.tMs.push(0)
            this.strokes.push(0)
        }
    }

    /** feed a sample when the sensor reported one (same sampleMs twice is ignored) */
    add(sampleMs: number, strokes: number) {
        if (sampleMs < 0 || sampleMs === this.lastSampleMs) return
        this.lastSampleMs = sampleMs
        if (this.count > 0 && strokes !== this.strokes[this.head]) this.lastMoveMs = sampleMs
        this.head = (this.head + 1) % RING
        this.tMs[this.head] = sampleMs
        this.strokes[this.head] = strokes
        if (this.count < RING) this.count++
        this.windowHz = NaN
    }

    /** measured strokes/s at nowMs; 0 when the sensor has not moved within the window */
    hz(nowMs: number): number {
        if (this.count < 2) return 0
        const tNew = this.tMs[this.head]
        // a sensor that stopped reporting counts as stopped once the window has passed
        if (nowMs - tNew > this.windowMs * 3) return 0
        if (this.windowHz !== this.windowHz) this.windowHz = this.windowRate()
        return this.windowHz
    }

    /** strokes/s over the window ending at the newest sample; 0 when the samples span no time */
    private windowRate(): number {
        const tNew = this.tMs[this.head]
        const sNew = this.strokes[this.head]
        // oldest sample at least windowMs before the newest one, else the oldest we have
        let k = this.head
        for (let i = 1; i < this.count; i++) {
            const j = (this.head - i + RING) % RING
            k = j
            if (tNew - this.tMs[j] >= this.windowMs) break
        }
        const dtMs = tNew - this.tMs[k]
        if (dtMs <= 0) return 0
        return ((sNew - this.strokes[k]) * 1000) / dtMs
    }

    /**
     * Whether the count moved within half a window (two stroke reports at 10 ms): only then does
     * the measured rate mean something. At the lowest rate (50 strokes/s, 12 counts per stroke) a
     * count arrives every 1.7 ms, so a report without a new count is already suspect.
     */
    live(nowMs: number): boolean {
        return this.lastMoveMs >= 0 && nowMs - this.lastMoveMs <= this.liveMs
    }
}

/** PI stroke-rate regulator. All state resets when the needle stops. */
export class RateRegulator {
    private integ = 0
    private spHz = 0
    private lastMs = -1

    constructor(private p: NeedleProfile) {}

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
        const dtS = this.lastMs < 0 ? 0 : Math.min(nowMs - this.lastMs, 50) / 1000
        this.lastMs = nowMs
        // soft start: the set point ramps up, never jumps
        const step = this.p.rampHzPerS * dtS
        if (this.spHz < targetHz) this.spHz = Math.min(targetHz, this.spHz + step)
        else this.spHz = targetHz
        const errHz = feedbackLive ? this.spHz - measuredHz : 0
        const ff = this.spHz / this.p.noLoadHzPerDuty
        const unsat = ff + this.p.kp * errHz + this.integ
        // anti-windup: integrate only when the output is not pushed further into a limit
        const atMax = unsat >= this.p.maxDuty && errHz > 0
        const atMin = unsat <= 0 && errHz < 0
        if (!atMax && !atMin) this.integ += this.p.ki * errHz * dtS
        const duty = ff + this.p.kp * errHz + this.integ
        if (duty > this.p.maxDuty) return this.p.maxDuty
        if (duty < 0) return 0
        return duty
    }
}
