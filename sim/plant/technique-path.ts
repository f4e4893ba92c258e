// The operator's hand over one treatment area, as a path: where the pen is (mm, the area's frame
// of sim/plant/skin.ts), how it moves (velocity, acceleration), whether it touches the skin and
// with what target force, at any time t. A pure function of (technique, t); the skin map takes its
// positions, the IMU (imu.ts) its accelerations: one path.
//
// A technique is a list of segments played back to back from t = 0:
//   glide  on the skin, straight from one point to another: the speed ramps up and down with a
//          raised cosine over rampMs (so acceleration is continuous) and is constant between;
//          a human wander (slow sines, windowed so that position and speed are untouched at both
//          ends) moves it along and across
//   hold   on the skin, still (a dwell; a stamp's press)
//   lift   off the skin, to the next start point along a minimum-jerk path, rising and coming
//          down again (heightMm): rows, directions, sections, serum, a stamp's lift
// technique-builder.ts writes such lists, technique-clinical.ts a whole area's.
// Tremor (8-12 Hz, tens of µm) is not in the path: it moves the needles far less than a skin
// cell; imu.ts adds it to the acceleration.

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

/**
 * The skin under the area as a curved patch: the pen is held perpendicular to the skin, so the
 * skin's normal at the pen turns by one radian for each radius travelled (radiusXMm along x,
 * radiusYMm along y; Infinity: flat), measured from the area's centre. The radii: sim/plant/areas.ts.
 */
export interface Surface {
    widthMm: number
    heightMm: number
    radiusXMm: number
    radiusYMm: number
}

export interface Technique {
    segments: TechSegment[]
    durationMs: number
    /** cursor: segment of the last query, so forward queries are O(1) */
    cursor: number
    /** the skin's curvature; unset: flat (the pen's orientation never turns) */
    surface?: Surface
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
    /** the skin's normal at the pen, turned from the area centre's (rad): about y (x travel), about x (y travel) */
    tiltXRad: number
    tiltYRad: number
}

export function createPose(): Pose {
    return { xMm: 0, yMm: 0, zMm: 0, vxMmS: 0, vyMmS: 0, vzMmS: 0, axMmS2: 0, ayMmS2: 0, azMmS2: 0, contact: false, forceN: 0, segment: -1, tiltXRad: 0, tiltYRad: 0 }
}

/** the pen follows the skin's normal at its position (also in the air: the operator lines it up for the next touch) */
function setTilt(tech: Technique, out: Pose): Pose {
    const s = tech.surface
    out.tiltXRad = s ? (out.xMm - s.widthMm / 2) / s.radiusXMm : 0
    out.tiltYRad = s ? (out.yMm - s.heightMm / 2) / s.radiusYMm : 0
    return out
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
        return setTilt(tech, out)
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
        return setTilt(tech, out)
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
    return setTilt(tech, out)
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
