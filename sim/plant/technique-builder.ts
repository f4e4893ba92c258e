// Writes a technique (technique-path.ts) segment by segment: glides, holds, lifts, stamping.

import { Direction, TechSegment, TechSegmentKind, Technique } from "./technique-path"

export interface GlideOptions {
    /** duration of each speed ramp (ms); default the builder's rampMs */
    rampMs?: number
    wanderAlongMm?: number
    wanderAcrossMm?: number
    wanderAlongHz?: number
    wanderAcrossHz?: number
    wanderAlongPhase?: number
    wanderAcrossPhase?: number
    label?: string
}

/** Writes a technique segment by segment; every segment starts where the previous one ended. */
export class TechniqueBuilder {
    /** target force of the next contact segments (N) */
    forceN = 1.5
    /** default speed ramp of a glide (ms) */
    rampMs = 300
    section = -1
    direction: Direction | "" = ""
    private segs: TechSegment[] = []
    private t = 0
    private x: number
    private y: number

    constructor(startXMm: number, startYMm: number) {
        this.x = startXMm
        this.y = startYMm
    }

    get nowMs(): number {
        return this.t
    }

    get position(): [number, number] {
        return [this.x, this.y]
    }

    private push(seg: Partial<TechSegment> & { kind: TechSegmentKind; durationMs: number; x1Mm: number; y1Mm: number }): void {
        if (!(seg.durationMs >= 0 && isFinite(seg.durationMs))) throw new Error(`segment duration must be >= 0, got ${seg.durationMs}`)
        const full: TechSegment = {
            kind: seg.kind,
            startMs: this.t,
            endMs: this.t + seg.durationMs,
            x0Mm: this.x,
            y0Mm: this.y,
            x1Mm: seg.x1Mm,
            y1Mm: seg.y1Mm,
            contact: seg.kind !== "lift",
            forceN: seg.kind !== "lift" ? this.forceN : 0,
            cruiseMmS: seg.cruiseMmS !== undefined ? seg.cruiseMmS : 0,
            rampMs: seg.rampMs !== undefined ? seg.rampMs : 0,
            heightMm: seg.heightMm !== undefined ? seg.heightMm : 0,
            wanderAlongMm: seg.wanderAlongMm !== undefined ? seg.wanderAlongMm : 0,
            wanderAcrossMm: seg.wanderAcrossMm !== undefined ? seg.wanderAcrossMm : 0,
            wanderAlongRadPerMs: seg.wanderAlongRadPerMs !== undefined ? seg.wanderAlongRadPerMs : 0,
            wanderAcrossRadPerMs: seg.wanderAcrossRadPerMs !== undefined ? seg.wanderAcrossRadPerMs : 0,
            wanderAlongPhase: seg.wanderAlongPhase !== undefined ? seg.wanderAlongPhase : 0,
            wanderAcrossPhase: seg.wanderAcrossPhase !== undefined ? seg.wanderAcrossPhase : 0,
            section: this.section,
            direction: this.direction,
            label: seg.label !== undefined ? seg.label : seg.kind,
        }
        this.segs.push(full)
        this.t = full.endMs
        this.x = full.x1Mm
        this.y = full.y1Mm
    }

    /**
     * Glide on the skin to (x, y) at speedMmS between the ramps. A glide too short to reach that
     * speed peaks lower (two ramps, no cruise). A zero-length glide is skipped.
     */
    glideTo(xMm: number, yMm: number, speedMmS: number, opts: GlideOptions = {}): this {
        if (!(speedMmS > 0)) throw new Error(`glide speed must be > 0, got ${speedMmS}`)
        const L = Math.hypot(xMm - this.x, yMm - this.y)
        if (L <= 0) return this
        const r = opts.rampMs !== undefined ? opts.rampMs : this.rampMs
        let v = speedMmS
        let durationMs: number
        if (r <= 0) durationMs = (L / v) * 1000
        else if (L >= (v * r) / 1000) durationMs = (L / v) * 1000 + r
        else {
            v = L / (r / 1000)
            durationMs = 2 * r
        }
        const TWO_PI = 2 * Math.PI
        this.push({
            kind: "glide",
            durationMs,
            x1Mm: xMm,
            y1Mm: yMm,
            cruiseMmS: v,
            rampMs: r,
            wanderAlongMm: opts.wanderAlongMm,
            wanderAcrossMm: opts.wanderAcrossMm,
            wanderAlongRadPerMs: opts.wanderAlongHz !== undefined ? (TWO_PI * opts.wanderAlongHz) / 1000 : 0,
            wanderAcrossRadPerMs: opts.wanderAcrossHz !== undefined ? (TWO_PI * opts.wanderAcrossHz) / 1000 : 0,
            wanderAlongPhase: opts.wanderAlongPhase,
            wanderAcrossPhase: opts.wanderAcrossPhase,
            label: opts.label !== undefined ? opts.label : "glide",
        })
        return this
    }

    /** Stay on the skin, still, for durationMs (a dwell, or the press of a stamp). */
    hold(durationMs: number, label = "dwell"): this {
        this.push({ kind: "hold", durationMs, x1Mm: this.x, y1Mm: this.y, label })
        return this
    }

    /** Lift off, move to (x, y) in the air rising heightMm, and come down there (contact ends for durationMs). */
    liftTo(xMm: number, yMm: number, durationMs: number, heightMm: number, label = "reposition"): this {
        this.push({ kind: "lift", durationMs, x1Mm: xMm, y1Mm: yMm, heightMm, label })
        return this
    }

    /** Stamping: presses of onMs on the skin and lifts of offMs (heightMm high) on one spot. */
    stamp(presses: number, onMs: number, offMs: number, heightMm = 3): this {
        for (let i = 0; i < presses; i++) {
            this.hold(onMs, "stamp")
            if (i < presses - 1) this.liftTo(this.x, this.y, offMs, heightMm, "stamp")
        }
        return this
    }

    build(): Technique {
        return { segments: this.segs.slice(), durationMs: this.t, cursor: 0 }
    }
}

export function techniqueDurationMs(tech: Technique): number {
    return tech.durationMs
}
