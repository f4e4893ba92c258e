// Depth actuator: RC-servo angle in (read once per frame, acted on after its reaction),
// slew-limited travel, deadband; its position out through the feedback pot (depthPos).
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import fc from "fast-check"
import type { Profile } from "../../core/profile"
import { createPlant, stepPlant, Plant } from "../../sim/plant/index"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))
const angleForMm = (mm: number) => profile.depth.angleAtZeroDeg + mm * profile.depth.degPerMm
/** the millimetres the feedback pot's ratio reads (12-bit: to within half a count) */
const mmForRatio = (ratio: number) => (ratio - profile.depth.feedbackRatioAt0Mm) / profile.depth.feedbackRatioPerMm
const POT_MM = 0.5 / 4095 / profile.depth.feedbackRatioPerMm + 1e-12
const DEADBAND_MM = 0.02
const SLEW_MM_PER_S = 4

function drive(p: Plant, angleDeg: number, ms: number, dtMs = 1) {
    const inp = { dutyCmd: 0, depthAngleCmdDeg: angleDeg, handForceN: 0 }
    for (let t = 0; t < ms; t += dtMs) stepPlant(p, inp, dtMs)
}

describe("depth feedback pot (depthPos)", () => {
    test("reads the real position as at0 + perMm x mm, 12-bit quantised; an open wiper or a missing actuator reads 0", () => {
        const p = createPlant(profile, 1)
        const { feedbackRatioAt0Mm: at0, feedbackRatioPerMm: perMm } = profile.depth
        expect(p.depthFeedbackRatio).toBeCloseTo(at0, 3)
        drive(p, angleForMm(1.5), 1000)
        expect(Math.abs(p.depthFeedbackRatio - (at0 + perMm * p.depthActualMm))).toBeLessThanOrEqual(0.5 / 4095 + 1e-12)
        expect(Math.round(p.depthFeedbackRatio * 4095)).toBeCloseTo(p.depthFeedbackRatio * 4095, 9)
        p.faults.depthWiperOpen = true
        drive(p, angleForMm(1.0), 50)
        expect(p.depthFeedbackRatio).toBe(0)
        expect(p.depthActualMm).toBeLessThan(1.5) // the actuator still moves
        p.faults.depthWiperOpen = false
        p.faults.actuatorMissing = true
        drive(p, angleForMm(1.0), 5)
        expect(p.depthFeedbackRatio).toBe(0)
    })
})

describe("depth actuator", () => {
    test("slews at ~4 mm/s towards the commanded depth", () => {
        const p = createPlant(profile, 1)
        drive(p, angleForMm(2), 50)
        const at50 = p.depthActualMm
        drive(p, angleForMm(2), 200)
        expect(p.depthActualMm - at50).toBeCloseTo(SLEW_MM_PER_S * 0.2, 6)
        drive(p, angleForMm(2), 1000)
        expect(Math.abs(p.depthActualMm - 2)).toBeLessThanOrEqual(DEADBAND_MM + 1e-9)
        drive(p, angleForMm(0.5), 50) // and back down at the same rate
        const down50 = p.depthActualMm
        drive(p, angleForMm(0.5), 100)
        expect(down50 - p.depthActualMm).toBeCloseTo(0.4, 6)
    })

    test("a new pulse width is read at the next RC frame (20 ms) and acted on reactMs (10 ms) later: until then it runs on to the old target", () => {
        const p = createPlant(profile, 1)
        drive(p, angleForMm(1), 1000)
        const there = p.depthActualMm
        drive(p, angleForMm(3), 100)
        const rising = p.depthActualMm
        // told 1.3 mm (below) while rising to 3: it goes on rising until the next frame and reactMs
        const path: number[] = []
        for (let i = 0; i < 60; i++) {
            drive(p, angleForMm(1.3), 1)
            path.push(p.depthActualMm)
        }
        expect(there).toBeCloseTo(1 - DEADBAND_MM, 6)
        expect(rising).toBeGreaterThan(there + 0.2)
        const top = Math.max(...path)
        // it ran on for the rest of the frame and reactMs (10-30 ms: 0.04-0.12 mm at 4 mm/s), then turned back
        expect(top - rising, "ran on after the write").toBeGreaterThanOrEqual(SLEW_MM_PER_S * 0.01 - 1e-9)
        expect(top - rising).toBeLessThanOrEqual(SLEW_MM_PER_S * 0.03 + 1e-9)
        expect(path[path.length - 1], "then turned back").toBeLessThan(top - 0.05)
    })

    test("stops inside the deadband, then stays still; errors within the deadband are not corrected", () => {
        fc.assert(
            fc.property(fc.double({ min: 0, max: 3.2, noNaN: true }), fc.double({ min: 0.1, max: 5, noNaN: true }), (mm, dtMs) => {
                const p = createPlant(profile, 1)
                drive(p, angleForMm(mm), 1000, dtMs)
                const pos = p.depthActualMm
                expect(Math.abs(pos - mm)).toBeLessThanOrEqual(DEADBAND_MM + 1e-9)
                drive(p, angleForMm(mm + 0.015), 200, dtMs)
                drive(p, angleForMm(mm - 0.01), 200, dtMs)
                if (mm > 0.05 && mm < 3.15) expect(Math.abs(p.depthActualMm - pos)).toBeLessThan(0.02)
            }),
            { numRuns: 50 }
        )
    })

    test("the feedback pot reads the position really reached, not the command", () => {
        const p = createPlant(profile, 1)
        drive(p, angleForMm(1.5), 100)
        expect(Math.abs(mmForRatio(p.depthFeedbackRatio) - p.depthActualMm)).toBeLessThanOrEqual(POT_MM)
        expect(p.depthActualMm).toBeLessThan(1.5) // still on its way
        expect(mmForRatio(p.depthFeedbackRatio)).toBeLessThan(1.5 - 0.5)
    })

    test("travel is clamped to 0..3.2 mm mechanically", () => {
        const p = createPlant(profile, 1)
        drive(p, angleForMm(5), 2000)
        expect(p.depthActualMm).toBeLessThanOrEqual(3.2)
        expect(p.depthActualMm).toBeGreaterThan(3.2 - DEADBAND_MM - 1e-9)
        drive(p, angleForMm(-1), 2000)
        expect(p.depthActualMm).toBeGreaterThanOrEqual(0)
        expect(p.depthActualMm).toBeLessThan(DEADBAND_MM + 1e-9)
    })

    test("stuck: holds its position whatever the command; feedback still tells the truth", () => {
        const p = createPlant(profile, 1)
        drive(p, angleForMm(1), 100)
        p.faults.actuatorStuck = true
        const held = p.depthActualMm
        drive(p, angleForMm(2.5), 1000)
        expect(p.depthActualMm).toBe(held)
        expect(Math.abs(mmForRatio(p.depthFeedbackRatio) - held)).toBeLessThanOrEqual(POT_MM)
        p.faults.actuatorStuck = false
        drive(p, angleForMm(2.5), 1000)
        expect(Math.abs(p.depthActualMm - 2.5)).toBeLessThanOrEqual(DEADBAND_MM + 1e-9)
    })

    test("missing: does not move and its pot reads 0; no pulse (NaN command) keeps the last target", () => {
        const p = createPlant(profile, 1)
        p.faults.actuatorMissing = true
        drive(p, angleForMm(1), 500)
        expect(p.depthActualMm).toBe(0)
        expect(p.depthFeedbackRatio).toBe(0)
        p.faults.actuatorMissing = false
        drive(p, angleForMm(1), 50)
        drive(p, NaN, 500)
        expect(Math.abs(p.depthActualMm - 1)).toBeLessThanOrEqual(DEADBAND_MM + 1e-9)
    })
})
