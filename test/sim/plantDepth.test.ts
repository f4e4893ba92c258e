// Depth actuator: RC-servo angle in, slew-limited travel, deadband; its position out through the
// feedback pot (depthPos).
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
        drive(p, angleForMm(2), 250)
        expect(p.depthActualMm).toBeCloseTo(SLEW_MM_PER_S * 0.25, 6)
        drive(p, angleForMm(2), 1000)
        expect(Math.abs(p.depthActualMm - 2)).toBeLessThanOrEqual(DEADBAND_MM + 1e-9)
        drive(p, angleForMm(0.5), 100) // and back down at the same rate
        expect(p.depthActualMm).toBeCloseTo(2 - DEADBAND_MM - 0.4, 6)
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
