// A clinical session over one area: clinicalTechnique() plays a whole area the way an operator
// does (docs/DOSE.md, "Technique"): the area in sections, each section in horizontal, vertical
// and oblique rows, short lifts between rows, longer ones between directions, a serum lift
// between sections; bad-operator habits (a dwell, stamping) on request. Deterministic for a seed.
//
// Numbers without a published source are assumptions, stated in docs/DOSE.md: sections 2-4 cm,
// glides 5-30 mm/s, lifts 0.3-5 s, rows overlapping (spaced 0.6-0.9 footprints), ramps
// 0.2-0.5 s, wander below 2 Hz (voluntary movement: Riviere et al. 1997, 98.9 % of its power
// below 2 Hz).

import { Rng, forkRng, rngRange, rngUniform } from "./rng"
import { GlideOptions, TechniqueBuilder } from "./technique-builder"
import { Direction, Technique } from "./technique-path"

export interface ClinicalOptions {
    /** the area (mm), as the skin map's */
    widthMm: number
    heightMm: number
    /** the skin's radii of curvature along x and y (mm; sim/plant/areas.ts): the pen turns with the skin. Unset: flat */
    radiusXMm?: number
    radiusYMm?: number
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
    if (opts.radiusXMm !== undefined || opts.radiusYMm !== undefined)
        tech.surface = { widthMm: W, heightMm: H, radiusXMm: opts.radiusXMm ?? Infinity, radiusYMm: opts.radiusYMm ?? Infinity }
    return {
        ...tech,
        usualSpeedMmS: usual,
        forceN,
        sections,
        meanRowSpacingMm: rowCount > 0 ? spacingSum / rowCount : 0,
        rowCount,
    }
}
