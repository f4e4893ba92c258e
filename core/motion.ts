// The handpiece's motion from its accelerometer (issue 13): is the pen gliding, or held still on one
// spot? Fed every accelerometer sample (time, x/y/z in g, Jacdac convention); the pen asks how long
// the pen has shown no evidence of gliding, and the sensor checks (silent, stuck, saturated).
//
// The evidence (docs/DOSE.md, "The dwell rule"), from the lateral axes (x, y: across the pen's axis,
// whatever its roll; z left out: the needle's reciprocation and the landing are strongest there):
//   - low-passed by three first-order stages at lowPassHz: tremor (8-12 Hz) and the motor's
//     vibration folded into the sampled band (4 Hz at 100 strokes/s and 26 Hz ODR, 10 Hz at 120)
//     out; what is left is gravity's share on the two axes, and the pen's own acceleration
//   - turned: that share has moved by more than turnAboveG since the last turn. The pen is held
//     perpendicular to the skin, and the face is curved: gliding turns the pen steadily at any
//     constant speed (a constant-velocity glide has no acceleration, but it does turn). The
//     reference is re-centred while the pen's tilt is settled (band below settledBelowG), so a
//     held pen's small wander around its rest does not add up to a turn, and while it is settling
//     (band below 3 x settledBelowG and shrinking), so the end of a landing or a slow-down, which
//     the low-pass still lags, leaves the reference where the pen came to rest (a slow turn with
//     tremor then reads as still, below). The band is a
//     first-order high-pass at highPassHz of the low-passed share: its rate of change x ~0.2 s.
//     (A jolt needs no rule of its own: one that lasts a few samples has moved the share further
//     than a turn. One reading far off, a corrupted read, moves the first stage STEP_MAX_G_PER_S / odrHz at most.)
// Flat skin, a turn about the vertical, or a turn slower than ~15 mg/s (~1 deg/s) with the hand's
// tremor show no turn: a steady glide there reads as a dwell (docs/DOSE.md).
// Cheap per sample (~50 readings/s on the chip, half of them repeats at 26 Hz): a few
// multiplications per axis, no division, no sqrt.
import { fixed } from "./format"
import { MotionProfile } from "./profile"

const TWO_PI = 6.283185307179586
/** the settling re-centre's band, squared: 3 x settledBelowG (docs/DOSE.md "The dwell rule": from sweeps over 40 seeds) */
const SETTLING_X2 = 9
/**
 * the most the first low-pass moves per second of chip samples (g/s; 16 mg a sample at 26 Hz): a
 * glide over the face moves it 2-4 mg a 52 Hz sample, the simulated hand's tremor up to ~5 mg (a
 * 40 mg tremor ~8 mg: symmetric, so unharmed). One glitched reading (a corrupted read, 0.1 g) moved
 * it 22 mg and, every 0.6 s, kept a still pen from ever being stopped (docs/DOSE.md "The dwell
 * rule"). Per second, not per sample, so a chip at another motion.odrHz keeps the same limit in time
 * (at 26 Hz, 8 mg a sample made 55 of 1,120 model holds late: docs/IMU-DIRECT.md). At 26 Hz a
 * glitch weighs twice what it did at 52 (docs/SAFETY.md H16: the trade for a stream that misses no sample)
 */
const STEP_MAX_G_PER_S = 0.416

export class MotionMonitor {
    /** time of the last sample (ms on the pen's clock); -1 none yet */
    lastSampleMs = -1
    /** one chip sample (ms), and the arrival time not yet stepped through: the chip's phase (ms; below 0 after a step taken early, moved by a repeat that came when a sample was due; set by the first sample, a restart) */
    private periodMs: number
    private aheadMs!: number
    /** last time a sample showed evidence of gliding; -1 none */
    motionMs = -1
    /** needling time on one spot carried over lifts that did not move the pen (ms) */
    private carryMs = 0
    /** when the needle last started, and last stopped, on the skin (-1: never) */
    private onMs = -1
    private offMs = -1
    // the filters' state and the turn's reference: set by the first sample (a restart), before any use
    private baseX!: number
    private baseY!: number
    /** the low-passed lateral reading when the pen last turned, or last settled */
    private anchorX!: number
    private anchorY!: number
    private turnG2: number
    private settledG2: number
    /** the last sample's band (squared) */
    private lastB2 = 0
    private lx1!: number
    private ly1!: number
    private lx2!: number
    private ly2!: number
    private lx3!: number
    private ly3!: number
    private kHigh: number
    private kLow: number
    /** the first low-pass's most per chip sample (g) */
    private stepMaxG: number
    // sensor checks
    private lastX = 0
    private lastY = 0
    private lastZ = 0
    /** when the reading last changed (any axis); -1 none yet */
    changedMs = -1
    private satCount = 0

    constructor(private p: MotionProfile) {
        // first-order sections: k = dt / (tau + dt) for one sample of the chip
        const dt = 1000 / p.odrHz
        this.periodMs = dt
        const tauHigh = 1000 / (TWO_PI * p.highPassHz)
        const tauLow = 1000 / (TWO_PI * p.lowPassHz)
        this.kHigh = dt / (tauHigh + dt)
        this.kLow = dt / (tauLow + dt)
        this.stepMaxG = STEP_MAX_G_PER_S / p.odrHz
        this.turnG2 = p.turnAboveG * p.turnAboveG
        this.settledG2 = p.settledBelowG * p.settledBelowG
    }

    /** one accelerometer sample (g, Jacdac convention) at tMs */
    sample(tMs: number, xG: number, yG: number, zG: number) {
        const p = this.p
        // sensor checks: saturated (any axis at the range), frozen (no axis changes)
        const full = p.saturatedAtG
        this.satCount = Math.abs(xG) >= full || Math.abs(yG) >= full || Math.abs(zG) >= full ? this.satCount + 1 : 0
        this.lastSampleMs = tMs
        // the server reports the chip's latest output faster than the chip makes new ones (jacdac-c
        // polls the chip every ~15.4 ms; at 26 Hz about every other reading is a repeat): an exact
        // repeat on all three axes is not a new sample
        // (a live chip's noise changes at least one axis every sample)
        let same = false
        if (xG === this.lastX) if (yG === this.lastY) if (zG === this.lastZ) same = this.changedMs >= 0
        if (same) {
            // the chip has not moved on since the last new reading: if the phase kept in aheadMs
            // put a new sample in by now, the chip's samples come later than it thought (move it
            // later; only ever later, so a repeat that arrived late costs steps: docs/DOSE.md)
            const a = this.aheadMs + tMs - this.changedMs
            if (a > this.periodMs) this.aheadMs -= a - this.periodMs
            return
        }
        // the arrival gap since the last new reading: the first, after a gap, or a clock that did
        // not advance, the filters start again from this reading (no ring)
        const gap = tMs - this.changedMs
        let restart = gap > p.staleAfterMs
        if (!(gap > 0)) restart = true
        if (this.changedMs < 0) restart = true
        this.changedMs = tMs
        const px = this.lastX
        const py = this.lastY
        this.lastX = xG
        this.lastY = yG
        this.lastZ = zG
        if (restart) {
            this.aheadMs = 0
            this.lx1 = xG
            this.ly1 = yG
            this.lx2 = xG
            this.ly2 = yG
            this.lx3 = xG
            this.ly3 = yG
            this.baseX = xG
            this.baseY = yG
            this.anchorX = xG
            this.anchorY = yG
            return
        }
        // first-order sections advanced one chip sample (1/odrHz) at a time: as many as the arrival
        // gaps add up to from the chip's phase (aheadMs, moved later by a repeat that came when a
        // sample was due, above), at least one per new reading. Streamed every 20 ms (one of the server's
        // ~15.4 ms polls) that is one at 26 Hz; at 52 Hz mostly one, and two where the stream missed
        // one of the chip's 19.2 ms samples (~9 a second); every 100 ms, two or three (five at 52).
        // Whole samples, not the gap itself:
        // arrivals jitter by up to a sample against the chip's clock, and that jitter would fold
        // tremor into the band. A missed sample is taken on the line from the last reading to this
        // one: this reading repeated in its place turned tremor and the motor's fold into turns on
        // a held pen (docs/DOSE.md, "The board's stream").
        // The low-passes first (tremor, the motor's fold out), then the high-pass on their output:
        // the band is the same either way round (linear), and lx3 is the lateral gravity the turn
        // is measured on
        this.aheadMs += gap
        let n = Math.floor(this.aheadMs / this.periodMs)
        if (n < 1) n = 1
        this.aheadMs -= n * this.periodMs
        const kh = this.kHigh
        const kl = this.kLow
        const sm = this.stepMaxG
        // the filters' state in locals while they step (fewer firmware bytes than a field at each use)
        let lx1 = this.lx1
        let ly1 = this.ly1
        let lx2 = this.lx2
        let ly2 = this.ly2
        let lx3 = this.lx3
        let ly3 = this.ly3
        let baseX = this.baseX
        let baseY = this.baseY
        for (let i = 1; i <= n; i++) {
            const f = i / n
            lx1 += Math.max(-sm, Math.min(sm, (px + (xG - px) * f - lx1) * kl))
            ly1 += Math.max(-sm, Math.min(sm, (py + (yG - py) * f - ly1) * kl))
            lx2 += (lx1 - lx2) * kl
            ly2 += (ly1 - ly2) * kl
            lx3 += (lx2 - lx3) * kl
            ly3 += (ly2 - ly3) * kl
            baseX += (lx3 - baseX) * kh
            baseY += (ly3 - baseY) * kh
        }
        this.lx1 = lx1
        this.ly1 = ly1
        this.lx2 = lx2
        this.ly2 = ly2
        this.lx3 = lx3
        this.ly3 = ly3
        this.baseX = baseX
        this.baseY = baseY
        const bx = lx3 - baseX
        const by = ly3 - baseY
        const b2 = bx * bx + by * by
        // settled, or settling (the band small and its square below (1 - k/2) of the last
        // reading's: the end of a landing or of a slow-down, which the low-pass still lags): the
        // reference follows the reading. Without the settling, a reference set mid-transient let
        // the hand's wander, or the motor's fold, reach a turn from it later (holds stopped up to
        // 1.9 s after rest, docs/DOSE.md). The price: a ripple on a steady slow turn's band
        // (tremor left by the low-pass) shrinks every other reading, so a turn slower than ~15 mg/s
        // (~1 deg/s) with tremor reads as still, like flat skin (docs/DOSE.md "What it cannot do")
        const follow = b2 < this.settledG2 || (b2 < SETTLING_X2 * this.settledG2 && b2 < this.lastB2 * (1 - kh / 2))
        this.lastB2 = b2
        if (!follow) {
            // turned: gravity's lateral share has moved by turnAboveG from the reference, which
            // then moves there
            const dx = lx3 - this.anchorX
            const dy = ly3 - this.anchorY
            if (!(dx * dx + dy * dy > this.turnG2)) return
            this.motionMs = tMs
        }
        this.anchorX = lx3
        this.anchorY = ly3
    }

    /** the needle started on the skin: the last dwell carries on if the pen has not moved since it stopped (a stamp on the same spot) */
    needleOn(nowMs: number) {
        if (this.motionMs > this.offMs) this.carryMs = 0
        this.onMs = nowMs
    }

    /** the needle stopped (lifted, paused, locked) */
    needleOff(nowMs: number) {
        this.carryMs = this.dwellMs(nowMs)
        this.offMs = nowMs
    }

    /** how long the needle has run on one spot (ms): since the last evidence of gliding, presses on the same spot added up */
    dwellMs(nowMs: number): number {
        if (this.motionMs > this.onMs) return nowMs - this.motionMs
        return this.carryMs + nowMs - this.onMs
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
}
