// The operator's hand over one treatment area: where the pen is (mm, the area's frame of
// sim/plant/skin.ts), how it moves (velocity, acceleration), whether it touches the skin and
// with what target force, at any time t. A pure function of (technique, t), deterministic for
// a seed; the skin map takes its positions, the IMU (imu.ts) its accelerations: one path.
//
// A technique is a list of segments played back to back from t = 0:
//   glide  on the skin, straight from one point to another: the speed ramps up and down with a
//          raised cosine over rampMs (so acceleration is continuous) and is constant between;
//          a human wander (slow sines, windowed so that position and speed are untouched at both
//          ends) moves it along and across
//   hold   on the skin, still (a dwell; a stamp's press)
//   lift   off the skin, to the next start point along a minimum-jerk path, rising and coming
//          down again (heightMm): rows, directions, sections, serum, a stamp's lift
// TechniqueBuilder writes such lists; clinicalTechnique() plays a whole area the way an operator
// does (docs/DOSE.md, "Technique"): the area in sections, each section in horizontal, vertical
// and oblique rows, short lifts between rows, longer ones between directions, a serum lift
// between sections; bad-operator habits (a dwell, stamping) on request.
//
// Numbers without a published source are assumptions, stated in docs/DOSE.md: sections 2-4 cm,
// glides 5-30 mm/s, lifts 0.3-5 s, rows overlapping (spaced 0.6-0.9 footprints), ramps
// 0.2-0.5 s, wander below 2 Hz (voluntary movement: Riviere et al. 1997, 98.9 % of its power
// below 2 Hz). Tremor (8-12 Hz, tens of µm) is not in the path: it moves the needles far less
// than a skin cell; imu.ts adds it to the acceleration.

import { HandSegment } from "./hand"
import { Rng, forkRng, rngRange, rngUniform } from "./rng"

export type Direction = "horizontal" | "vertical" | "oblique"
export type TechSegmentKind = "glide" | "hold" | "lift"

export interface TechSegment {
    kind: TechSegmentKind
    startMs: number
    endMs: number
    x0Mm: number
    y0Mm: number
    x1Mm: number
    y1Mm: number
    /** pen on the skin during the whole segment */
    contact: boolean
    /** the hand's target force while on the skin (N); 0 for a lift */
    forceN: number
    /** glide: constant speed between the ramps (mm/s) */
    cruiseMmS: number
    /** glide: duration of each speed ramp (ms) */
    rampMs: number
    /** lift: how high the pen rises above the skin (mm) */
    heightMm: number
    /** glide wander: amplitudes along and across the glide (mm), angular frequencies (rad/ms), phases */
    wanderAlongMm: number
    wanderAcrossMm: number
    wanderAlongRadPerMs: number
    wanderAcrossRadPerMs: number
    wanderAlongPhase: number
    wanderAcrossPhase: number
    /** section index (clinicalTechnique; -1 outside sections) and its direction ("" if none) */
    section: number
    direction: Direction | ""
    /** what the operator is doing: row, sidestep, reposition, direction, serum, dwell, stamp, approach, away */
    label: string
}

export interface Technique {
    segments: TechSegment[]
    durationMs: number
    /** cursor: segment of the last query, so forward queries are O(1) */
    cursor: number
}

export interface Pose {
    xMm: number
    yMm: number
    /** height above the skin (mm); 0 while on it */
    zMm: number
    vxMmS: number
    vyMmS: number
    vzMmS: number
    axMmS2: number
    ayMmS2: number
    azMmS2: number
    contact: boolean
    forceN: number
    /** index of the segment, -1 after the end */
    segment: number
}

export function createPose(): Pose {
    return { xMm: 0, yMm: 0, zMm: 0, vxMmS: 0, vyMmS: 0, vzMmS: 0, axMmS2: 0, ayMmS2: 0, azMmS2: 0, contact: false, forceN: 0, segment: -1 }
}

// ---- motion profiles (s, ds/dt, d²s/dt² with t in ms, results per ms; scaled to per s at the end) ----

/** glide along its line: distance, speed and acceleration at tau ms after its start */
function glideProfile(seg: TechSegment, tau: number, out: number[]): void {
    const v = seg.cruiseMmS / 1000 // mm/ms
    const r = seg.rampMs
    const T = seg.endMs - seg.startMs
    const cruiseEnd = T - r
    if (r <= 0) {
        out[0] = v * tau
        out[1] = v
        out[2] = 0
        return
    }
    const k = Math.PI / r
    if (tau < r) {
        out[0] = (v / 2) * (tau - Math.sin(k * tau) / k)
        out[1] = (v / 2) * (1 - Math.cos(k * tau))
        out[2] = ((v * k) / 2) * Math.sin(k * tau)
    } else if (tau <= cruiseEnd) {
        out[0] = (v * r) / 2 + v * (tau - r)
        out[1] = v
        out[2] = 0
    } else {
        const d = tau - cruiseEnd
        out[0] = (v * r) / 2 + v * (cruiseEnd - r) + v * d - (v / 2) * (d - Math.sin(k * d) / k)
        out[1] = v - (v / 2) * (1 - Math.cos(k * d))
        out[2] = -((v * k) / 2) * Math.sin(k * d)
    }
}

/** A * w(u) * sin(w t + phase), w(u) = sin²(pi u), u = tau / T: value, first and second derivative */
function wander(A: number, radPerMs: number, phase: number, tau: number, T: number, out: number[]): void {
    if (A === 0 || T <= 0) {
        out[0] = 0
        out[1] = 0
        out[2] = 0
        return
    }
    const u = tau / T
    const sp = Math.sin(Math.PI * u)
    const w = sp * sp
    const w1 = (Math.PI / T) * Math.sin(2 * Math.PI * u)
    const w2 = ((2 * Math.PI * Math.PI) / (T * T)) * Math.cos(2 * Math.PI * u)
    const g = Math.sin(radPerMs * tau + phase)
    const g1 = radPerMs * Math.cos(radPerMs * tau + phase)
    const g2 = -radPerMs * radPerMs * g
    out[0] = A * w * g
    out[1] = A * (w1 * g + w * g1)
    out[2] = A * (w2 * g + 2 * w1 * g1 + w * g2)
}

const tmpA = [0, 0, 0]
const tmpB = [0, 0, 0]
const tmpC = [0, 0, 0]

/** Pen pose at tMs (ms since the technique started). Writes into `out` (or a new Pose). */
export function techniquePoseAt(tech: Technique, tMs: number, out: Pose = createPose()): Pose {
    const segs = tech.segments
    const n = segs.length
    if (n === 0) {
        out.contact = false
        out.forceN = 0
        out.segment = -1
        return out
    }
    if (tMs >= tech.durationMs) {
        const last = segs[n - 1]
        setStill(out, last.x1Mm, last.y1Mm, 0, false, 0, -1)
        return out
    }
    let i = tech.cursor
    if (i >= n || tMs < segs[i].startMs) i = 0
    while (i < n - 1 && tMs >= segs[i].endMs) i++
    tech.cursor = i
    const seg = segs[i]
    const tau = tMs < seg.startMs ? 0 : tMs - seg.startMs
    const T = seg.endMs - seg.startMs
    const dx = seg.x1Mm - seg.x0Mm
    const dy = seg.y1Mm - seg.y0Mm
    const L = Math.hypot(dx, dy)
    const ux = L > 0 ? dx / L : 1
    const uy = L > 0 ? dy / L : 0
    if (seg.kind === "hold") {
        setStill(out, seg.x0Mm, seg.y0Mm, 0, true, seg.forceN, i)
        return out
    }
    let s = 0
    let s1 = 0
    let s2 = 0
    let z = 0
    let z1 = 0
    let z2 = 0
    let along = 0
    let along1 = 0
    let along2 = 0
    let across = 0
    let across1 = 0
    let across2 = 0
    if (seg.kind === "glide") {
        glideProfile(seg, tau, tmpA)
        s = tmpA[0]
        s1 = tmpA[1]
        s2 = tmpA[2]
        wander(seg.wanderAlongMm, seg.wanderAlongRadPerMs, seg.wanderAlongPhase, tau, T, tmpB)
        wander(seg.wanderAcrossMm, seg.wanderAcrossRadPerMs, seg.wanderAcrossPhase, tau, T, tmpC)
        along = tmpB[0]
        along1 = tmpB[1]
        along2 = tmpB[2]
        across = tmpC[0]
        across1 = tmpC[1]
        across2 = tmpC[2]
    } else {
        // lift: minimum-jerk travel, a bump of height heightMm: both start and end at rest
        const u = T > 0 ? tau / T : 1
        const u2 = u * u
        const u3 = u2 * u
        s = L * (10 * u3 - 15 * u3 * u + 6 * u3 * u2)
        s1 = T > 0 ? (L * (30 * u2 - 60 * u3 + 30 * u3 * u)) / T : 0
        s2 = T > 0 ? (L * (60 * u - 180 * u2 + 120 * u3)) / (T * T) : 0
        const h = seg.heightMm
        const v = 1 - u
        z = h * 64 * u3 * v * v * v
        z1 = T > 0 ? (h * 192 * u2 * v * v * (1 - 2 * u)) / T : 0
        z2 = T > 0 ? (h * 384 * u * v * ((1 - 2 * u) * (1 - 2 * u) - u * v)) / (T * T) : 0
    }
    const sa = s + along
    const sa1 = s1 + along1
    const sa2 = s2 + along2
    // across = the glide's left normal (-uy, ux)
    out.xMm = seg.x0Mm + ux * sa - uy * across
    out.yMm = seg.y0Mm + uy * sa + ux * across
    out.zMm = z
    out.vxMmS = (ux * sa1 - uy * across1) * 1000
    out.vyMmS = (uy * sa1 + ux * across1) * 1000
    out.vzMmS = z1 * 1000
    out.axMmS2 = (ux * sa2 - uy * across2) * 1e6
    out.ayMmS2 = (uy * sa2 + ux * across2) * 1e6
    out.azMmS2 = z2 * 1e6
    out.contact = seg.contact
    out.forceN = seg.contact ? seg.forceN : 0
    out.segment = i
    return out
}

function setStill(out: Pose, x: number, y: number, z: number, contact: boolean, forceN: number, segment: number): void {
    out.xMm = x
    out.yMm = y
    out.zMm = z
    out.vxMmS = 0
    out.vyMmS = 0
    out.vzMmS = 0
    out.axMmS2 = 0
    out.ayMmS2 = 0
    out.azMmS2 = 0
    out.contact = contact
    out.forceN = contact ? forceN : 0
    out.segment = segment
}

// ---- building techniques ----

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

// ---- a clinical session over one area ----

export interface ClinicalOptions {
    /** the area (mm), as the skin map's */
    widthMm: number
    heightMm: number
    /** diameter of the cartridge's needle field (mm): rows are spaced by a share of it */
    footprintMm: number
    seed: number
    /** directions per section, in this order; default horizontal, vertical, oblique */
    directions?: Direction[]
    /** side of a section (mm), drawn per seed; default 20-40 (assumption) */
    sectionMm?: [number, number]
    /** the operator's usual glide speed (mm/s), drawn per seed; default 8-20 (assumption) */
    usualSpeedMmS?: [number, number]
    /** every glide's speed stays in this range, wander included; default 5-30 (assumption) */
    speedLimitsMmS?: [number, number]
    /** row spacing as a share of the footprint, drawn per section and direction; default 0.6-0.9 */
    rowSpacingShare?: [number, number]
    /** lift between rows (ms); default 300-1200 */
    rowLiftMs?: [number, number]
    /** lift between the directions of a section (ms); default 500-2000 */
    directionLiftMs?: [number, number]
    /** lift between sections to reapply serum (ms); default 2000-5000 */
    serumLiftMs?: [number, number]
    /** chance that the operator lifts between two rows rather than sliding over on the skin; default 0.7 */
    rowLiftChance?: number
    /** the hand's force on the skin (N), drawn per seed; default 1.0-1.8 (the scenario library's range) */
    forceN?: [number, number]
    /** speed ramp (ms), drawn per seed; default 200-500 */
    rampMs?: [number, number]
    /** add the slow human wander to the glides; default true */
    wander?: boolean
    /** bad habits */
    dwell?: { section: number; durationMs: number }
    stamp?: { section: number; presses: number; onMs?: number; offMs?: number }
}

export interface ClinicalTechnique extends Technique {
    /** the operator's usual speed (mm/s) and force (N) drawn for this seed */
    usualSpeedMmS: number
    forceN: number
    /** sections as [x0, y0, x1, y1] (mm) */
    sections: [number, number, number, number][]
    /** the rows' mean spacing (mm) and the number of rows, over all sections and directions */
    meanRowSpacingMm: number
    rowCount: number
}

const ANGLE_DEG: { [d: string]: number } = { horizontal: 0, vertical: 90, oblique: 45 }

/** the rows of one direction over a rectangle: centre lines spaced <= spacingMm, inset from the edges */
function rowsFor(
    rect: [number, number, number, number],
    angleDeg: number,
    spacingMm: number,
    insetMm: number,
): [number, number, number, number][] {
    const a = (angleDeg * Math.PI) / 180
    const ux = Math.cos(a)
    const uy = Math.sin(a)
    const nx = -uy
    const ny = ux
    const [x0, y0, x1, y1] = rect
    const ax0 = x0 + insetMm
    const ax1 = x1 - insetMm
    const ay0 = y0 + insetMm
    const ay1 = y1 - insetMm
    if (ax1 <= ax0 || ay1 <= ay0) return [[(x0 + x1) / 2 - ux, (y0 + y1) / 2 - uy, (x0 + x1) / 2 + ux, (y0 + y1) / 2 + uy]]
    const proj = [ax0 * nx + ay0 * ny, ax1 * nx + ay0 * ny, ax0 * nx + ay1 * ny, ax1 * nx + ay1 * ny]
    const cmin = Math.min(proj[0], proj[1], proj[2], proj[3])
    const cmax = Math.max(proj[0], proj[1], proj[2], proj[3])
    const m = Math.max(1, Math.ceil((cmax - cmin) / spacingMm - 1e-9) + 1)
    const rows: [number, number, number, number][] = []
    for (let k = 0; k < m; k++) {
        const c = m === 1 ? (cmin + cmax) / 2 : cmin + ((cmax - cmin) * k) / (m - 1)
        // the line c*n + t*u clipped to the inset rectangle
        const px = c * nx
        const py = c * ny
        let tLo = -Infinity
        let tHi = Infinity
        if (Math.abs(ux) > 1e-12) {
            const ta = (ax0 - px) / ux
            const tb = (ax1 - px) / ux
            tLo = Math.max(tLo, Math.min(ta, tb))
            tHi = Math.min(tHi, Math.max(ta, tb))
        } else if (px < ax0 - 1e-9 || px > ax1 + 1e-9) continue
        if (Math.abs(uy) > 1e-12) {
            const ta = (ay0 - py) / uy
            const tb = (ay1 - py) / uy
            tLo = Math.max(tLo, Math.min(ta, tb))
            tHi = Math.min(tHi, Math.max(ta, tb))
        } else if (py < ay0 - 1e-9 || py > ay1 + 1e-9) continue
        if (!(tHi - tLo >= 1)) continue // a corner of less than 1 mm: nothing to glide
        rows.push([px + ux * tLo, py + uy * tLo, px + ux * tHi, py + uy * tHi])
    }
    return rows
}

function pick(rng: Rng, range: [number, number]): number {
    return rngRange(rng, range[0], range[1])
}

/**
 * One area treated the way an operator does: sections of 2-4 cm in a serpentine order; in each,
 * the directions one after the other (rows back and forth, a short lift or a slide on the skin
 * between rows), a lift between directions and a serum lift between sections. Deterministic for
 * the seed.
 */
export function clinicalTechnique(opts: ClinicalOptions): ClinicalTechnique {
    const rng = forkRng(opts.seed, 11)
    const W = opts.widthMm
    const H = opts.heightMm
    const D = opts.footprintMm
    const directions = opts.directions || (["horizontal", "vertical", "oblique"] as Direction[])
    const limits = opts.speedLimitsMmS || [5, 30]
    const rowLiftChance = opts.rowLiftChance !== undefined ? opts.rowLiftChance : 0.7
    const withWander = opts.wander !== false
    const sectionSide = pick(rng, opts.sectionMm || [20, 40])
    const usual = pick(rng, opts.usualSpeedMmS || [8, 20])
    const forceN = pick(rng, opts.forceN || [1.0, 1.8])
    const rampMs = pick(rng, opts.rampMs || [200, 500])

    const nx = Math.max(1, Math.round(W / sectionSide))
    const ny = Math.max(1, Math.round(H / sectionSide))
    const sections: [number, number, number, number][] = []
    for (let j = 0; j < ny; j++) {
        for (let k = 0; k < nx; k++) {
            const i = j % 2 === 0 ? k : nx - 1 - k
            sections.push([(i * W) / nx, (j * H) / ny, ((i + 1) * W) / nx, ((j + 1) * H) / ny])
        }
    }
    for (const habit of [opts.dwell, opts.stamp])
        if (habit && !(habit.section >= 0 && habit.section < sections.length))
            throw new Error(`a bad habit in section ${habit.section}, but this area has sections 0..${sections.length - 1}`)

    const inset = D / 4
    // a row's speed: the usual speed with a per-row spread, kept inside the limits with its wander
    const wanderShare = withWander ? 0.15 : 0
    const rowSpeed = () => {
        const v = usual * rngRange(rng, 0.7, 1.3)
        return Math.min(limits[1] / (1 + wanderShare), Math.max(limits[0] / (1 - wanderShare), v))
    }
    const glideOpts = (speed: number, label: string): GlideOptions => {
        if (!withWander) return { label }
        const alongHz = rngRange(rng, 0.3, 1.5)
        return {
            label,
            // speed varies by up to wanderShare: amplitude x angular frequency = share x speed
            wanderAlongMm: (wanderShare * speed) / (2 * Math.PI * alongHz),
            wanderAlongHz: alongHz,
            wanderAlongPhase: rngRange(rng, 0, 2 * Math.PI),
            wanderAcrossMm: rngRange(rng, 0.2, 0.8),
            wanderAcrossHz: rngRange(rng, 0.2, 1.0),
            wanderAcrossPhase: rngRange(rng, 0, 2 * Math.PI),
        }
    }

    const first = sections[0]
    const b = new TechniqueBuilder((first[0] + first[2]) / 2, (first[1] + first[3]) / 2)
    b.forceN = forceN
    b.rampMs = rampMs
    let spacingSum = 0
    let rowCount = 0
    let started = false
    for (let si = 0; si < sections.length; si++) {
        const rect = sections[si]
        b.section = si
        for (let di = 0; di < directions.length; di++) {
            const dir = directions[di]
            b.direction = dir
            const angle = dir === "oblique" && rngUniform(rng) < 0.5 ? 135 : ANGLE_DEG[dir]
            const spacing = D * pick(rng, opts.rowSpacingShare || [0.6, 0.9])
            const rows = rowsFor(rect, angle, spacing, inset)
            for (let ri = 0; ri < rows.length; ri++) {
                const row = rows[ri]
                const rev = ri % 2 === 1
                const sx = rev ? row[2] : row[0]
                const sy = rev ? row[3] : row[1]
                const ex = rev ? row[0] : row[2]
                const ey = rev ? row[1] : row[3]
                if (!started) {
                    b.liftTo(sx, sy, 1000, 20, "approach")
                    started = true
                } else if (ri === 0 && di === 0) {
                    b.liftTo(sx, sy, pick(rng, opts.serumLiftMs || [2000, 5000]), 30, "serum")
                } else if (ri === 0) {
                    b.liftTo(sx, sy, pick(rng, opts.directionLiftMs || [500, 2000]), 10, "direction")
                } else if (rngUniform(rng) < rowLiftChance) {
                    b.liftTo(sx, sy, pick(rng, opts.rowLiftMs || [300, 1200]), rngRange(rng, 3, 10), "reposition")
                } else {
                    b.glideTo(sx, sy, Math.max(limits[0], usual * 0.6), { label: "sidestep" })
                }
                if (opts.stamp && opts.stamp.section === si && di === 0 && ri === 0)
                    b.stamp(opts.stamp.presses, opts.stamp.onMs !== undefined ? opts.stamp.onMs : 300, opts.stamp.offMs !== undefined ? opts.stamp.offMs : 250)
                const v = rowSpeed()
                if (opts.dwell && opts.dwell.section === si && di === 0 && ri === 0) {
                    // the operator stops mid-row and stays on the spot
                    b.glideTo((sx + ex) / 2, (sy + ey) / 2, v, glideOpts(v, "row"))
                    b.hold(opts.dwell.durationMs, "dwell")
                    b.glideTo(ex, ey, v, glideOpts(v, "row"))
                } else b.glideTo(ex, ey, v, glideOpts(v, "row"))
                rowCount++
            }
            spacingSum += spacing * rows.length
        }
    }
    b.section = -1
    b.direction = ""
    const [lx, ly] = b.position
    b.liftTo(lx, ly, 1000, 30, "away")
    const tech = b.build()
    return {
        ...tech,
        usualSpeedMmS: usual,
        forceN,
        sections,
        meanRowSpacingMm: rowCount > 0 ? spacingSum / rowCount : 0,
        rowCount,
    }
}

// ---- the hand's force for the existing force model ----

/**
 * The same technique as a script for the scripted hand (hand.ts): a contact segment after a lift
 * is an approach, later ones glide/hold at the target force, a lift lifts. The hand's ramps
 * (approach ~150 ms, lift ~80 ms) sit inside the segments, so its force follows this contact.
 */
export function techniqueHandScript(tech: Technique): HandSegment[] {
    const out: HandSegment[] = []
    let inContact = false
    for (const seg of tech.segments) {
        const durationMs = seg.endMs - seg.startMs
        if (!seg.contact) {
            out.push({ kind: "lift", durationMs })
            inContact = false
        } else if (!inContact) {
            out.push({ kind: "approach", durationMs, forceN: seg.forceN })
            inContact = true
        } else out.push({ kind: seg.kind === "hold" ? "hold" : "glide", durationMs, forceN: seg.forceN })
    }
    return out
}
