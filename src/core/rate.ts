// Stroke rate: measured from the stroke sensor's cumulative count, regulated by a PI loop with
// feed-forward, a soft-start ramp, anti-windup and a bounded drive.
import { NeedleProfile } from "./profile"

const RING = 32

/** Strokes per second over a sliding window of (time, cumulative strokes) samples. */
export class RateMeter {
    private tMs: number[] = []
    private strokes: number[] = []
    private head = -1
    private count = 0
    private lastSampleMs = -1

    constructor(private windowMs: number) {
        for (let i = 0; i < RING; i++) {
            this.tMs.push(0)
            this.strokes.push(0)
        }
    }

    /** feed a sample when the sensor reported one (same sampleMs twice is ignored) */
    add(sampleMs: number, strokes: number) {
        if (sampleMs < 0 || sampleMs === this.lastSampleMs) return
        this.lastSampleMs = sampleMs
        this.head = (this.head + 1) % RING
        this.tMs[this.head] = sampleMs
        this.strokes[this.head] = strokes
        if (this.count < RING) this.count++
    }

    /** measured strokes/s at nowMs; 0 when the sensor has not moved within the window */
    hz(nowMs: number): number {
        if (this.count < 2) return 0
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
        // a sensor that stopped reporting counts as stopped once the window has passed
        if (nowMs - tNew > this.windowMs * 3) return 0
        return ((sNew - this.strokes[k]) * 1000) / dtMs
    }

    reset() {
        this.count = 0
        this.head = -1
        this.lastSampleMs = -1
    }
}

/** PI stroke-rate regulator. All state resets when the needle stops. */
export class RateRegulator {
    private integ = 0
    private spHz = 0
    private lastMs = -1

    constructor(private p: NeedleProfile) {}

    /** current (ramped) set point */
    setpointHz(): number {
        return this.spHz
    }

    reset() {
        this.integ = 0
        this.spHz = 0
        this.lastMs = -1
    }

    /** duty 0..maxDuty for the target rate, given the measured rate */
    update(nowMs: number, targetHz: number, measuredHz: number): number {
        const dtS = this.lastMs < 0 ? 0 : Math.min(nowMs - this.lastMs, 50) / 1000
        this.lastMs = nowMs
        // soft start: the set point ramps up, never jumps
        const step = this.p.rampHzPerS * dtS
        if (this.spHz < targetHz) this.spHz = Math.min(targetHz, this.spHz + step)
        else this.spHz = targetHz
        const errHz = this.spHz - measuredHz
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
