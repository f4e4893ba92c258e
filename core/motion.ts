// The handpiece's motion from its accelerometer (issue 13): is the pen gliding, or held still on one
// spot? Fed every accelerometer sample (time, x/y/z in g, Jacdac convention); the pen asks how long
// the pen has shown no evidence of gliding, and the sensor checks (silent, stuck, saturated).
//
// The evidence (docs/DOSE.md, "Motion and the accelerometer" and "The dwell rule"): the lateral
// acceleration (x, y: across the pen's axis, whatever its roll) in the band of voluntary movement.
//   - gravity and slow tilt removed by a first-order high-pass at highPassHz (a baseline that
//     follows the reading),
//   - tremor (8-12 Hz) and the motor's vibration folded into the sampled band (e.g. 4 Hz at
//     100 strokes/s and 52 Hz ODR, 16 Hz at 120) rejected by three first-order low-passes at
//     lowPassHz,
//   - the axial axis (z) left out: the needle's reciprocation is strongest there and a glide on
//     the skin does not move the pen along its axis.
// A sample whose band-limited lateral acceleration exceeds motionAboveG is evidence of gliding. A
// constant-velocity glide has none: what a glide shows is its speed changes (ramps, the hand's
// wander below 2 Hz); a slow, very steady glide reads as a dwell (measured in test/sim/dwell.test.ts).
// Cheap per sample (~65/s on the chip): a few multiplications per axis, two divisions, no sqrt.
import { fixed } from "./format"
import { MotionProfile } from "./profile"

const TWO_PI = 6.283185307179586

export class MotionMonitor {
    /** time of the last sample (ms on the pen's clock); -1 none yet */
    lastSampleMs = -1
    /** time of the last new reading the filters took (-1: none) */
    private filterMs = -1
    /** last time a sample showed evidence of gliding; -1 none */
    motionMs = -1
    /** band-limited lateral acceleration of the last sample, squared (g²) */
    levelG2 = 0
    private baseX = 0
    private baseY = 0
    private lx1 = 0
    private ly1 = 0
    private lx2 = 0
    private ly2 = 0
    private lx3 = 0
    private ly3 = 0
    private kHigh: number
    private kLow: number
    private aboveG2: number
    // sensor checks
    private lastX = 0
    private lastY = 0
    private lastZ = 0
    /** when the reading last changed (any axis); -1 none yet */
    private changedMs = -1
    private satCount = 0

    constructor(private p: MotionProfile) {
        // first-order sections: k = dt / (tau + dt) for one sample of the chip
        const dt = 1000 / p.odrHz
        const tauHigh = 1000 / (TWO_PI * p.highPassHz)
        const tauLow = 1000 / (TWO_PI * p.lowPassHz)
        this.kHigh = dt / (tauHigh + dt)
        this.kLow = dt / (tauLow + dt)
        this.aboveG2 = p.motionAboveG * p.motionAboveG
    }

    /** one accelerometer sample (g, Jacdac convention) at tMs */
    sample(tMs: number, xG: number, yG: number, zG: number) {
        const p = this.p
        // sensor checks: saturated (any axis at the range), frozen (no axis changes)
        let sat = false
        if (Math.abs(xG) >= p.saturatedAtG) sat = true
        else if (Math.abs(yG) >= p.saturatedAtG) sat = true
        else if (Math.abs(zG) >= p.saturatedAtG) sat = true
        this.satCount = sat ? this.satCount + 1 : 0
        this.lastSampleMs = tMs
        // the server reports the chip's latest output faster than the chip makes new ones (jacdac-c
        // polls a 52 Hz chip every ~15.4 ms): an exact repeat on all three axes is not a new sample
        // (a live chip's noise changes at least one axis every sample)
        let same = false
        if (xG === this.lastX) if (yG === this.lastY) if (zG === this.lastZ) same = this.changedMs >= 0
        if (same) return
        this.changedMs = tMs
        this.lastX = xG
        this.lastY = yG
        this.lastZ = zG
        const dt = tMs - this.filterMs
        let restart = dt > this.p.staleAfterMs
        if (!(dt > 0)) restart = true
        if (this.filterMs < 0) restart = true
        this.filterMs = tMs
        if (restart) {
            // the first sample, after a gap, or a clock that did not advance: the filters start
            // again from this reading (no ring)
            this.baseX = xG
            this.baseY = yG
            this.lx1 = 0
            this.ly1 = 0
            this.lx2 = 0
            this.ly2 = 0
            this.lx3 = 0
            this.ly3 = 0
            this.levelG2 = 0
            return
        }
        // first-order sections advanced by one chip sample (1/odrHz), not by the arrival gap: the
        // reports come at the server's polling times, jittered by up to a sample against the chip's
        // own, and that jitter would fold the tremor down into the band
        const kh = this.kHigh
        const kl = this.kLow
        this.baseX += (xG - this.baseX) * kh
        this.baseY += (yG - this.baseY) * kh
        this.lx1 += (xG - this.baseX - this.lx1) * kl
        this.ly1 += (yG - this.baseY - this.ly1) * kl
        this.lx2 += (this.lx1 - this.lx2) * kl
        this.ly2 += (this.ly1 - this.ly2) * kl
        this.lx3 += (this.lx2 - this.lx3) * kl
        this.ly3 += (this.ly2 - this.ly3) * kl
        const m2 = this.lx3 * this.lx3 + this.ly3 * this.ly3
        this.levelG2 = m2
        if (m2 > this.aboveG2) this.motionMs = tMs
    }

    /** how long the pen has shown no gliding since `sinceMs` (its contact began), at nowMs */
    stillMs(nowMs: number, sinceMs: number): number {
        const from = this.motionMs > sinceMs ? this.motionMs : sinceMs
        return nowMs - from
    }

    /** "" or how long no sample came while the sensor was needed (since `watchSinceMs`; -1: not needed) */
    silentFault(nowMs: number, watchSinceMs: number): string {
        if (watchSinceMs < 0) return ""
        const since = this.lastSampleMs > watchSinceMs ? this.lastSampleMs : watchSinceMs
        if (!(nowMs - since > this.p.staleAfterMs)) return ""
        return `no accelerometer sample for ${Math.round(nowMs - since)} ms (limit ${this.p.staleAfterMs} ms)`
    }

    /** "" or how long the reading has not changed on any axis while needed (a live chip's noise changes it every sample) */
    stuckFault(nowMs: number, watchSinceMs: number): string {
        if (watchSinceMs < 0) return ""
        if (this.changedMs < 0) return ""
        const since = this.changedMs > watchSinceMs ? this.changedMs : watchSinceMs
        if (!(nowMs - since > this.p.stuckAfterMs)) return ""
        return `accelerometer reading frozen at ${fixed(this.lastX, 3)}, ${fixed(this.lastY, 3)}, ${fixed(this.lastZ, 3)} g for ${Math.round(nowMs - since)} ms (limit ${this.p.stuckAfterMs} ms)`
    }

    /** "" or why the reading is saturated: an axis at saturatedAtG for saturatedSamples samples in a row */
    saturatedFault(): string {
        if (!(this.satCount >= this.p.saturatedSamples)) return ""
        return `accelerometer at full scale (${fixed(this.lastX, 2)}, ${fixed(this.lastY, 2)}, ${fixed(this.lastZ, 2)} g, limit ${fixed(this.p.saturatedAtG, 2)} g) for ${this.satCount} samples: knocked, dropped or a faulty chip`
    }

    /** the reading is at full scale now (a clear waits for it to go) */
    saturatedNow(): boolean {
        return this.satCount > 0
    }

    /** when the reading last changed (-1 none) */
    changedAtMs(): number {
        return this.changedMs
    }
}
