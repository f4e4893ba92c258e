// The operator's hand over an area: rows in three directions, glides, lifts, and bad habits.
import { describe, expect, test } from "vitest"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { AREA_SIZES } from "../../sim/plant/areas"
import { depositTechnique } from "../../sim/plant/dose"
import { createHand, handForceAt } from "../../sim/plant/hand"
import { coverageFraction, createSkinMap, swathDensityPerCm2 } from "../../sim/plant/skin"
import {
    ClinicalTechnique, Pose, Technique, TechniqueBuilder, clinicalTechnique, createPose, techniqueHandScript, techniquePoseAt,
} from "../../sim/plant/technique"

const CHEEK = AREA_SIZES.cheeks
const FOOTPRINT_MM = 7

function cheek(seed: number, extra: Partial<Parameters<typeof clinicalTechnique>[0]> = {}): ClinicalTechnique {
    return clinicalTechnique({ widthMm: CHEEK.widthMm, heightMm: CHEEK.heightMm, footprintMm: FOOTPRINT_MM, seed, ...extra })
}

function poses(tech: Technique, stepMs: number): Pose[] {
    const out: Pose[] = []
    for (let t = 0; t < tech.durationMs; t += stepMs) out.push({ ...techniquePoseAt(tech, t, createPose()) })
    return out
}

describe("operator technique", () => {
    test("the same seed plays the same session; another seed another", () => {
        const a = poses(cheek(7), 97)
        const b = poses(cheek(7), 97)
        expect(b).toEqual(a)
        const c = poses(cheek(8), 97)
        expect(c.length === a.length && c.every((p, i) => p.xMm === a[i].xMm)).toBe(false)
    })

    test("the pen is where its velocity and acceleration say: derivatives match, no jumps between segments", () => {
        const b = new TechniqueBuilder(10, 10)
        b.glideTo(50, 10, 20, { wanderAlongMm: 0.5, wanderAlongHz: 0.8, wanderAcrossMm: 0.6, wanderAcrossHz: 0.5 })
        b.liftTo(50, 20, 700, 8)
        b.glideTo(10, 45, 12)
        b.hold(500)
        b.glideTo(11, 45, 10) // too short for its speed: it peaks lower
        const tech = b.build()
        const h = 0.01
        const p = createPose()
        let maxPosErr = 0
        let maxVelErr = 0
        let maxAccErr = 0
        let maxAccJump = 0
        for (let t = h; t < tech.durationMs - h; t += 7.3) {
            const m = { ...techniquePoseAt(tech, t - h, p) }
            const c = { ...techniquePoseAt(tech, t, p) }
            const n = { ...techniquePoseAt(tech, t + h, p) }
            if (m.segment !== n.segment) continue // a boundary: checked below
            for (const [x, v, a] of [["xMm", "vxMmS", "axMmS2"], ["yMm", "vyMmS", "ayMmS2"], ["zMm", "vzMmS", "azMmS2"]] as const) {
                const vNum = ((n[x] - m[x]) / (2 * h)) * 1000
                const aNum = ((n[x] - 2 * c[x] + m[x]) / (h * h)) * 1e6
                maxVelErr = Math.max(maxVelErr, Math.abs(vNum - c[v]))
                maxAccErr = Math.max(maxAccErr, Math.abs(aNum - c[a]))
            }
        }
        for (let i = 1; i < tech.segments.length; i++) {
            const s = tech.segments[i]
            const before = { ...techniquePoseAt(tech, s.startMs - 1e-6, p) }
            const after = { ...techniquePoseAt(tech, s.startMs, p) }
            maxPosErr = Math.max(maxPosErr, Math.hypot(after.xMm - before.xMm, after.yMm - before.yMm, after.zMm - before.zMm))
            // every segment starts and ends at rest, and the hand does not jerk there
            expect(Math.hypot(after.vxMmS, after.vyMmS, after.vzMmS)).toBeLessThan(1e-3)
            maxAccJump = Math.max(maxAccJump, Math.hypot(after.axMmS2 - before.axMmS2, after.ayMmS2 - before.ayMmS2, after.azMmS2 - before.azMmS2))
        }
        expect(maxAccJump).toBeLessThan(5) // mm/s² (0.5 mg)
        expect(maxPosErr).toBeLessThan(1e-4)
        expect(maxVelErr).toBeLessThan(0.01) // mm/s
        expect(maxAccErr).toBeLessThan(1) // mm/s² (0.1 mg): finite-difference error only
    })

    test("rows in three directions cover the cheek; each direction alone covers it once", () => {
        for (const seed of [1, 2, 3]) {
            const tech = cheek(seed)
            const map = createSkinMap(CHEEK.widthMm, CHEEK.heightMm, 2)
            depositTechnique(map, tech, { needles: 12, strokeHz: 120, footprint: { diameterMm: FOOTPRINT_MM } })
            const perPass = swathDensityPerCm2(12, 120, tech.usualSpeedMmS, tech.meanRowSpacingMm)
            // after three directions, more than 90 % of the cells have had at least one pass's density
            expect(coverageFraction(map, perPass)).toBeGreaterThan(0.9)
            for (const dir of ["horizontal", "vertical", "oblique"] as const) {
                const one = createSkinMap(CHEEK.widthMm, CHEEK.heightMm, 2)
                depositTechnique(one, cheek(seed, { directions: [dir] }), { needles: 12, strokeHz: 120, footprint: { diameterMm: FOOTPRINT_MM } })
                expect(coverageFraction(one, 1)).toBeGreaterThan(0.9)
                expect(coverageFraction(map, perPass)).toBeGreaterThan(coverageFraction(one, perPass))
            }
        }
    })

    test("lifts last 0.3-5 s; glides run at 5-30 mm/s between their ramps", () => {
        for (const seed of [1, 2, 3, 4]) {
            const tech = cheek(seed)
            const lifts = tech.segments.filter((s) => s.kind === "lift")
            expect(lifts.length).toBeGreaterThan(20)
            for (const s of lifts) {
                expect(s.endMs - s.startMs).toBeGreaterThanOrEqual(300)
                expect(s.endMs - s.startMs).toBeLessThanOrEqual(5000)
            }
            expect(new Set(lifts.map((s) => s.label))).toEqual(new Set(["approach", "reposition", "direction", "serum", "away"]))
            const p = createPose()
            let cruising = 0
            let vMin = Infinity
            let vMax = 0
            for (let t = 0; t < tech.durationMs; t += 20) {
                techniquePoseAt(tech, t, p)
                const s = tech.segments[p.segment]
                if (!s || s.kind !== "glide" || t - s.startMs < s.rampMs || s.endMs - t < s.rampMs) continue
                const v = Math.hypot(p.vxMmS, p.vyMmS)
                vMin = Math.min(vMin, v)
                vMax = Math.max(vMax, v)
                cruising++
            }
            expect(cruising).toBeGreaterThan(1000)
            expect(vMin).toBeGreaterThanOrEqual(5)
            expect(vMax).toBeLessThanOrEqual(30)
            // human variation: not one speed for the whole session
            expect(vMax - vMin).toBeGreaterThan(5)
            // the hand is on the skin most of the time, off it between rows and sections
            const contactMs = tech.segments.filter((s) => s.contact).reduce((a, s) => a + s.endMs - s.startMs, 0)
            expect(contactMs / tech.durationMs).toBeGreaterThan(0.5)
            expect(contactMs / tech.durationMs).toBeLessThan(0.95)
        }
    })

    test("a bad operator's dwell holds the pen still on the skin; stamping presses and lifts on one spot", () => {
        const dwell = cheek(3, { dwell: { section: 1, durationMs: 4000 } })
        const d = dwell.segments.filter((s) => s.label === "dwell")
        expect(d.length).toBe(1)
        const p = createPose()
        for (let t = d[0].startMs; t < d[0].endMs; t += 50) {
            techniquePoseAt(dwell, t, p)
            expect(p.contact).toBe(true)
            expect(Math.hypot(p.vxMmS, p.vyMmS, p.vzMmS)).toBe(0)
            expect(p.forceN).toBeGreaterThan(0.9)
        }
        expect(d[0].section).toBe(1)

        const stamping = cheek(3, { stamp: { section: 2, presses: 6 } })
        const presses = stamping.segments.filter((s) => s.label === "stamp" && s.contact)
        expect(presses.length).toBe(6)
        for (const s of presses) {
            expect(s.x0Mm).toBeCloseTo(presses[0].x0Mm, 9)
            expect(s.y0Mm).toBeCloseTo(presses[0].y0Mm, 9)
        }
        let touchdowns = 0
        let was = false
        for (let t = presses[0].startMs; t < presses[5].endMs; t += 5) {
            const on = techniquePoseAt(stamping, t, p).contact
            if (on && !was) touchdowns++
            was = on
        }
        expect(touchdowns).toBe(6)
        expect(() => cheek(3, { dwell: { section: 99, durationMs: 1000 } })).toThrow(/section 99/)
    })

    test("the scripted hand follows the technique: force on the skin while in contact, none shortly after a lift", () => {
        const tech = cheek(2)
        const hand = createHand(techniqueHandScript(tech), 2)
        const p = createPose()
        let checked = 0
        for (const s of tech.segments) {
            const mid = (s.startMs + s.endMs) / 2
            if (s.endMs - s.startMs < 300) continue
            techniquePoseAt(tech, mid, p)
            const f = handForceAt(hand, mid)
            if (s.contact) expect(f).toBeGreaterThan(FACTORY_PROFILE.force.contactN)
            else expect(f).toBe(0)
            checked++
        }
        expect(checked).toBeGreaterThan(100)
    })
})
