// Force on the needle face: contact with hysteresis and a confirm time, the over-pressure and
// rate-of-rise cutoffs, and the sensor plausibility checks (open, saturated, stale, stuck).
// Plausibility and rise checks need several samples in a row, so one noisy sample does not end
// a pass; the over-pressure cutoff needs none: it acts on the sample that shows it.
import { fixed } from "./format"
import { ForceProfile } from "./profile"
import { FaultCode, PenInputs } from "./types"

export interface ForceFinding {
    code: FaultCode
    message: string
}

export class ForceMonitor {
    /** confirmed skin contact (hysteresis between releaseN and contactN) */
    contact = false
    /** force is at or above releaseN right now (the pen is on the skin, confirmed or not) */
    touching = false
    private aboveSinceMs = -1
    private lastSampleMs = -1
    /** the force of the last sample (N); 0 before the first */
    lastForceN = 0
    private lastRatio = -1
    /** nowMs of the last sample whose ADC ratio differed from the one before (-1: none yet; rewatch() restarts it) */
    ratioSinceMs = -1
    private openCount = 0
    private satCount = 0
    private riseCount = 0
    /** rate of rise seen by the last sample pair (N/s) */
    riseNPerS = 0

    constructor(private p: ForceProfile) {}

    /** true when a new sample arrived in these inputs */
    update(inp: PenInputs): boolean {
        // nested ifs, not &&: this runs on every decision, and this compiler makes && cost more VM steps (issue 15).
        // Fields read more than once are read into locals (fewer firmware bytes)
        const p = this.p
        const t = inp.forceSampleMs
        let last = this.lastSampleMs
        let fresh = false
        if (t >= 0) fresh = t !== last
        if (fresh) {
            if (last >= 0 && t > last) this.riseNPerS = ((inp.forceN - this.lastForceN) * 1000) / (t - last)
            else this.riseNPerS = 0
            this.riseCount = this.riseNPerS > p.riseLimitNPerS ? this.riseCount + 1 : 0
            this.openCount = inp.forceRatio < p.openBelowRatio ? this.openCount + 1 : 0
            this.satCount = inp.forceRatio > p.saturatedAboveRatio ? this.satCount + 1 : 0
            if (inp.forceRatio !== this.lastRatio) {
                this.lastRatio = inp.forceRatio
                this.ratioSinceMs = inp.nowMs
            }
            last = t
            this.lastSampleMs = t
            this.lastForceN = inp.forceN
        }
        const f = this.lastForceN
        let touching = false
        if (last >= 0) touching = f >= p.releaseN
        this.touching = touching
        if (last < 0 || f < p.releaseN) {
            this.contact = false
            this.aboveSinceMs = -1
        } else if (f >= p.contactN) {
            if (this.aboveSinceMs < 0) this.aboveSinceMs = inp.nowMs
            if (inp.nowMs - this.aboveSinceMs >= p.contactConfirmMs) this.contact = true
        } else {
            // between the thresholds: keep what we had, restart the confirm timer
            this.aboveSinceMs = -1
        }
        return fresh
    }

    overPressure(): boolean {
        if (!(this.lastSampleMs >= 0)) return false
        return this.lastForceN > this.p.overPressureN
    }

    /** a fast jab: rise rate above the limit for riseDebounceSamples samples in a row */
    riseTrip(): boolean {
        return this.riseCount >= this.p.riseDebounceSamples
    }

    /** below the contact threshold: the only way out of a cutoff */
    belowContact(): boolean {
        if (!(this.lastSampleMs >= 0)) return false
        return this.lastForceN < this.p.contactN
    }

    /** "" or why the sensor reads open: below openBelowRatio for rangeDebounceSamples samples */
    openFault(): string {
        if (!(this.openCount >= this.p.rangeDebounceSamples)) return ""
        return `force sensor reads ${fixed(this.lastRatio, 3)} of full scale, below ${fixed(this.p.openBelowRatio, 3)}: open circuit (unplugged?)`
    }

    /** "" or why the sensor reads saturated: above saturatedAboveRatio for rangeDebounceSamples samples */
    saturatedFault(): string {
        if (!(this.satCount >= this.p.rangeDebounceSamples)) return ""
        return `force sensor reads ${fixed(this.lastRatio, 3)} of full scale, above ${fixed(this.p.saturatedAboveRatio, 3)}: saturated or shorted`
    }

    /** "" or how long no sample came while the sensor was needed (since `watchSinceMs`; -1: not needed) */
    staleFault(nowMs: number, watchSinceMs: number): string {
        if (watchSinceMs < 0) return ""
        const since = this.lastSampleMs > watchSinceMs ? this.lastSampleMs : watchSinceMs
        if (!(nowMs - since > this.p.staleAfterMs)) return ""
        return `no force sample for ${Math.round(nowMs - since)} ms (limit ${this.p.staleAfterMs} ms)`
    }

    /** "" or how long the reading has been frozen while `driven` (a live FSR never repeats the same ADC value for seconds) */
    stuckFault(nowMs: number, driven: boolean): string {
        if (!(driven && this.ratioSinceMs >= 0 && nowMs - this.ratioSinceMs > this.p.stuckAfterMs)) return ""
        return `force reading frozen at ${fixed(this.lastRatio, 4)} for ${Math.round(nowMs - this.ratioSinceMs)} ms while the needle ran (limit ${this.p.stuckAfterMs} ms)`
    }

    /** the next contact must be confirmed afresh (contactN for contactConfirmMs), as at a first touch */
    confirmAfresh() {
        this.contact = false
    }

    /** forget timing when the sensor stops mattering (disarmed), so stuck/stale restart cleanly */
    rewatch(nowMs: number) {
        this.ratioSinceMs = nowMs
    }
}

/**
 * Sensor plausibility: the first of the monitor's four findings, in their order. `watchSinceMs` is
 * when the sensor became needed (armed); `driven` is whether the needle is running. The pen runs
 * the four as entries of the fault table (detectors.ts); this is for tests and tools, and being a
 * function, not a method, it stays out of the firmware's bytecode.
 */
export function forceFinding(m: ForceMonitor, nowMs: number, watchSinceMs: number, driven: boolean): ForceFinding | undefined {
    let why = m.openFault()
    if (why !== "") return { code: "force_open", message: why }
    why = m.saturatedFault()
    if (why !== "") return { code: "force_saturated", message: why }
    why = m.staleFault(nowMs, watchSinceMs)
    if (why !== "") return { code: "force_stale", message: why }
    why = m.stuckFault(nowMs, driven)
    if (why !== "") return { code: "force_stuck", message: why }
    return undefined
}
