// The pen's own calibration, without the VM: the console's arithmetic of a commissioning
// (console/calibration.ts) from what the pen read against what the builder measured, the check
// before anything is sent (the core's rules on a copy of the profile, as the firmware runs them),
// the export as devs.json fields; and the firmware's side (drivers/calibration.ts, core/validate.ts
// checkCalibration, core/records.ts): laid over only when it passes, the force applied where a
// sample becomes newtons, the record's round trip.
import { describe, expect, test } from "vitest"
import {
    N_PER_GRAM, calibratedCurve, calibrationExport, checkLocally, copyOf, cutoffTrueN, feedbackCalibration, forceCalibration, fromArray,
    hzPerDuty, profileCalibration, toArray,
} from "../../console/calibration"
import { decodeCalibration, encodeCalibration } from "../../console/link"
import { CAL_FORCE_SCALE_MAX, CAL_FORCE_SCALE_MIN, CAL_FORCE_ZERO_MAX_N, SELFTEST_RATE_MAX_SHARE, SELFTEST_RATE_MIN_SHARE, SELFTEST_SPIN_DUTY } from "../../core/limits"
import { checksum, decodeCalibrationRecord, encodeCalibrationRecord } from "../../core/records"
import { checkCalibration } from "../../core/validate"
import { PenInputs } from "../../core/types"
import { calibrationNow, fromWire, layCalibration, toWire, tryCalibration } from "../../drivers/calibration"
import { ratioToForceN } from "../../drivers/force"
import { forceReport } from "../../drivers/roles"
import { FACTORY_PROFILE, FSR_BASIS, LOADCELL_BASIS } from "../../src/profile.g"
import { forceBasis } from "../../tools/gen-profile.mjs"

const P = FACTORY_PROFILE
const FEEDBACK = "depth feedback: 0..3 mm (with the slack) must read inside ratio 0..1, so an open wiper reads as no position"

/** an FSR that reads `gain` x the true force by the profile's curve, `restN` at rest (the line a commissioning measures) */
const reads = (gain: number, restN: number) => (trueN: number) => restN + gain * trueN

describe("the console's calibration arithmetic (console/calibration.ts)", () => {
    test("H18 force: a sensor that reads 20 % high with 0.03 N at rest gets scale 1/1.2 and that zero; the 4.0 N cutoff then fires at 4.0 N true, not 3.3", () => {
        const read = reads(1.2, 0.03)
        const weightN = 400 * N_PER_GRAM
        const f = forceCalibration(read(0), read(weightN), weightN)
        if (typeof f === "string") throw new Error(f)
        expect(f.scale).toBeCloseTo(1 / 1.2, 12)
        expect(f.zeroN).toBe(0.03)
        const c = { ...profileCalibration(P), forceScale: f.scale, forceZeroN: f.zeroN }
        expect(cutoffTrueN(4, c, 0.03, 1.2)).toBeCloseTo(4, 9)
        expect(cutoffTrueN(4, profileCalibration(P), 0.03, 1.2)).toBeCloseTo((4 - 0.03) / 1.2, 9)
    })

    test("force: a weight that does not read above rest, or no weight, is refused with the reason", () => {
        expect(forceCalibration(0.02, 0.05, 3.9)).toMatch(/^the force reading rose only 0\.030 N under 3\.90 N/)
        expect(forceCalibration(0.02, 4, 0)).toBe("the weight must be above 0 N (got 0)")
    })

    test("H18 depth feedback: two measured positions give the ratio at 0 mm and per mm; a falling ratio says to swap the pot's wires", () => {
        const f = feedbackCalibration(0.1536, 0.02, 0.6, 2.5)
        if (typeof f === "string") throw new Error(f)
        expect(f.perMm).toBeCloseTo((0.6 - 0.1536) / 2.48, 12)
        expect(f.at0 + 0.02 * f.perMm).toBeCloseTo(0.1536, 12)
        expect(f.at0 + 2.5 * f.perMm).toBeCloseTo(0.6, 12)
        expect(feedbackCalibration(0.69, 0, 0.15, 3)).toMatch(/swap the pot's outer wires \(3V3 and GND\)$/)
        expect(feedbackCalibration(0.15, 1, 0.2, 1.2)).toBe("the two positions must be at least 0.5 mm apart (measured 1 and 1.2 mm)")
    })

    test("strokes per duty: the median of the self-test's spins over its duty; a run that did not spin is left out, one far off does not move it", () => {
        expect(hzPerDuty([66, 63, 0, 60])).toBeCloseTo(63 / SELFTEST_SPIN_DUTY, 9)
        expect(hzPerDuty([62, 140, 61, 63, 0, 60])).toBeCloseTo(62 / SELFTEST_SPIN_DUTY, 9)
        expect(hzPerDuty([0, 0])).toBeNaN()
    })

    test("H10 H18 the check before sending is the core's: the profile's own passes; each out-of-range number is refused with its rule, and the profile given is not changed", () => {
        const own = profileCalibration(P)
        expect(checkLocally(P, own)).toBe("")
        const before = JSON.stringify(P)
        const cases: [Partial<ReturnType<typeof profileCalibration>>, string][] = [
            [{ forceScale: 2.5 }, "force scale 2.500 and at rest 0.000 N"],
            [{ forceScale: 0.4 }, "force scale 0.400 and at rest 0.000 N"],
            [{ forceZeroN: 0.6 }, "force scale 1.000 and at rest 0.600 N"],
            [{ forceZeroN: NaN }, "force scale 1.000 and at rest nan N"],
            [{ feedbackRatioPerMm: 0.5 }, "depth.feedbackRatioPerMm 0.5 is outside 0.01..0.33"],
            [{ feedbackRatioAt0Mm: 0.02 }, FEEDBACK],
            // the strokes per duty within the self-test's band of the profile's (a counter losing counts reads it low)
            // the band as text in core/validate.ts: the self-test's limits
            [{ noLoadHzPerDuty: 30 }, `strokes per duty 30.0: must be ${SELFTEST_RATE_MIN_SHARE}..${SELFTEST_RATE_MAX_SHARE} of the profile's 217.0`],
            [{ noLoadHzPerDuty: 0.7 * 217 }, "strokes per duty 151.9: must be 0.74..1.4"],
            [{ noLoadHzPerDuty: NaN }, "strokes per duty nan: must be 0.74..1.4"],
        ]
        for (const [change, says] of cases) expect(checkLocally(P, { ...own, ...change }), JSON.stringify(change)).toContain(says)
        expect(JSON.stringify(P)).toBe(before)
    })

    test("H18 export: the devs.json fields with the calibration laid over read every force as the pen does with it", () => {
        const c = fromArray([0.8097, 0.02, 0.1536, 0.1771, 205])
        const out = calibrationExport(P, c)
        expect(out.depth).toEqual({ feedbackRatioAt0Mm: 0.1536, feedbackRatioPerMm: 0.1771 })
        expect(out.needle).toEqual({ noLoadHzPerDuty: 205 })
        const curve = (out.force as any).curve as number[][]
        expect(curve.map((p) => p[0])).toEqual(P.force.curve.map((p) => p[0]))
        for (let r = 0.01; r < 0.97; r += 0.01)
            expect(ratioToForceN(curve, r)).toBeCloseTo((ratioToForceN(P.force.curve, r) - 0.02) * 0.8097, 3)
        // the load cell: newtons = (counts - zeroCounts) / countsPerN, the same line
        const lc = (out.force as any).loadCell
        const cell = P.force.loadCell!
        for (const counts of [0, 100000, 900000]) {
            const pen = ((counts - cell.zeroCounts) / cell.countsPerN - 0.02) * 0.8097
            expect((counts - lc.zeroCounts) / lc.countsPerN).toBeCloseTo(pen, 4)
        }
        expect(lc.i2cAddress).toBe(cell.i2cAddress)
        // the export passes the profile check as devs.json
        const p = copyOf(P)
        p.force.curve = curve
        p.depth = { ...p.depth, ...out.depth }
        p.needle = { ...p.needle, ...out.needle }
        expect(checkLocally(p, profileCalibration(p))).toBe("")
        expect(calibratedCurve([[0.02, 0.1]], c)).toEqual([[0.02, 0.0648]])
    })

    test("H18 a calibration exported into devs.json changes the fingerprint of the conversion it went into, so the stored record is not applied twice; the other sensor's and other fields leave it", () => {
        expect(forceBasis(P)).toEqual({ fsr: FSR_BASIS, loadCell: LOADCELL_BASIS })
        const exported = (c: number[]) => calibrationExport(P, fromArray(c)).force as any
        // calibrations across the limits
        for (const c of [[0.8097, 0.02, 0.15, 0.18, 217], [1, 0.01, 0.15, 0.18, 217], [1.1, 0, 0.15, 0.18, 217], [0.75, -0.2, 0.15, 0.18, 217], [1.33, 0.2, 0.15, 0.18, 217]]) {
            const e = exported(c)
            // the FSR's curve alone: its fingerprint moves, the load cell's stays
            const fsr = copyOf(P)
            fsr.force.curve = e.curve
            expect(forceBasis(fsr).loadCell, `curve ${JSON.stringify(c)}`).toBe(LOADCELL_BASIS)
            expect(forceBasis(fsr).fsr, `curve ${JSON.stringify(c)}`).not.toBe(FSR_BASIS)
            // the load cell's alone: the other way round
            const cell = copyOf(P)
            cell.force.loadCell = e.loadCell
            expect(forceBasis(cell).loadCell, `load cell ${JSON.stringify(c)}`).not.toBe(LOADCELL_BASIS)
            expect(forceBasis(cell).fsr).toBe(FSR_BASIS)
        }
        // a profile without a load cell has a load-cell fingerprint of its own, not the FSR's
        const noCell = copyOf(P)
        delete noCell.force.loadCell
        expect(forceBasis(noCell).fsr).toBe(FSR_BASIS)
        expect(forceBasis(noCell).loadCell).not.toBe(FSR_BASIS)
        // the fields the record replaces outright, and the rest of the profile: the same record still applies
        const p = copyOf(P)
        p.depth.feedbackRatioPerMm = 0.2
        p.needle.noLoadHzPerDuty = 230
        p.force.overPressureN = 3.5
        expect(forceBasis(p)).toEqual({ fsr: FSR_BASIS, loadCell: LOADCELL_BASIS })
        for (const b of [FSR_BASIS, LOADCELL_BASIS]) {
            expect(b).toBeGreaterThanOrEqual(0)
            expect(b).toBeLessThan(1e6)
        }
        expect(FSR_BASIS).not.toBe(LOADCELL_BASIS)
    })
})

describe("the firmware's side (drivers/calibration.ts, core/validate.ts, core/records.ts)", () => {
    test("H10 H18 checkCalibration: the force scale 0.75..1.33 and at rest within ±0.2 N, edges included; NaN is no number", () => {
        expect(checkCalibration([0.75, -0.2, 0, 0, 217], 217)).toBe("")
        expect(checkCalibration([1.33, 0.2, 0, 0, 217], 217)).toBe("")
        expect(checkCalibration([0.74, 0, 0, 0, 217], 217)).toContain(
            `force scale 0.740 and at rest 0.000 N: the scale must be ${CAL_FORCE_SCALE_MIN}..${CAL_FORCE_SCALE_MAX} and at rest within ±${CAL_FORCE_ZERO_MAX_N} N`
        )
        // a mistaken calibration cannot move the 4.0 N cutoff past ~5.5 N of true force
        expect(4.0 / CAL_FORCE_SCALE_MIN + CAL_FORCE_ZERO_MAX_N).toBeLessThan(5.6)
        expect(checkCalibration([1.34, 0, 0, 0, 217], 217)).not.toBe("")
        expect(checkCalibration([1, 0.21, 0, 0, 217], 217)).not.toBe("")
        expect(checkCalibration([1, -0.21, 0, 0, 217], 217)).not.toBe("")
        expect(checkCalibration([NaN, 0, 0, 0, 217], 217)).not.toBe("")
    })

    test("H10 H18 tryCalibration: a check only leaves the profile and the force conversion as they were; a kept one is laid over; a refused one changes nothing", () => {
        const p = copyOf(P)
        const fc = [1, 0]
        const own = calibrationNow(p, fc)
        const c = [0.8, 0.02, 0.16, 0.17, 200]
        expect(tryCalibration(p, fc, c, false, 217)).toBe("")
        expect(calibrationNow(p, fc)).toEqual(own)
        expect(tryCalibration(p, fc, c, true, 217)).toBe("")
        expect(calibrationNow(p, fc)).toEqual(c)
        expect(p.depth.feedbackRatioAt0Mm).toBe(0.16)
        expect(p.needle.noLoadHzPerDuty).toBe(200)
        // refused: what is in use stays (the calibration above)
        expect(tryCalibration(p, fc, [0.8, 0.02, 0.16, 0.5, 200], true, 217)).toContain("depth.feedbackRatioPerMm 0.5")
        expect(tryCalibration(p, fc, [3, 0, 0.15, 0.18, 217], true, 217)).toContain("force scale 3.000")
        expect(calibrationNow(p, fc)).toEqual(c)
        layCalibration(p, fc, own)
        expect(JSON.stringify(p)).toBe(JSON.stringify(P))
    })

    test("H2 H18 the force calibration applies where a pressure sample becomes newtons: (the profile's curve - at rest) x scale", () => {
        const inp = { forceN: 0, forceRatio: 0, forceSampleMs: -1 } as PenInputs
        forceReport(inp, P.force.curve, [1, 0], 0.8, 5)
        expect(inp.forceN).toBe(ratioToForceN(P.force.curve, 0.8))
        forceReport(inp, P.force.curve, [0.8, 0.02], 0.8, 10)
        expect(inp.forceN).toBeCloseTo((ratioToForceN(P.force.curve, 0.8) - 0.02) * 0.8, 12)
        expect(inp).toMatchObject({ forceRatio: 0.8, forceSampleMs: 10 })
    })

    test("H10 the record: five whole numbers in wire units and the force conversion's fingerprint round-trip, a negative zero too; a changed digit, another version or a malformed record is refused", () => {
        const v = [833333, -20, 150000, 180000, 217000]
        const rec = encodeCalibrationRecord(v, FSR_BASIS)
        expect(rec.startsWith(`K2|833333,-20,150000,180000,217000,${FSR_BASIS}|`)).toBe(true)
        const d = decodeCalibrationRecord(rec, FSR_BASIS)
        expect(d.error).toBe("")
        expect(fromWire(d.values, 0)).toEqual([0.833333, -0.02, 0.15, 0.18, 217])
        expect(toWire(fromWire(d.values, 0))).toEqual(v)
        expect(decodeCalibrationRecord(rec.replace("833333", "833334"), FSR_BASIS).error).toBe("calibration record fails its checksum")
        expect(decodeCalibrationRecord(rec.replace("K2", "K1"), FSR_BASIS).error).toBe("calibration record fails its checksum")
        expect(decodeCalibrationRecord("K0|1|2", FSR_BASIS).error).toBe("calibration record fails its checksum")
        expect(decodeCalibrationRecord("", FSR_BASIS).error).toBe("calibration record is malformed")
        expect(decodeCalibrationRecord("K2|1,2|3|4", FSR_BASIS).error).toBe("calibration record is malformed")
        // a K2 record without its fingerprint (five numbers), checksum good: not for this conversion
        const five = `K2|${v.join(",")}`
        expect(decodeCalibrationRecord(`${five}|${checksum(five)}`, FSR_BASIS).error).toBe("calibration record was measured against another force curve: run bringup, or calibration clear")
        // a K1 record (before the fingerprint) with a good checksum: its version is said
        const k1 = `K1|${v.join(",")}`
        expect(decodeCalibrationRecord(`${k1}|${checksum(k1)}`, FSR_BASIS).error).toBe("calibration record has version K1, expected K2")
    })

    test("the wire: set_calibration's numbers, and the register's, decode to the calibration and the readings", () => {
        const c = fromArray([0.8097, -0.02, 0.1536, 0.1771, 205.5])
        expect(encodeCalibration(c)).toEqual([809700, -20, 153600, 177100, 205500])
        expect(encodeCalibration(undefined)).toEqual([0, 0, 0, 0, 0])
        const w = decodeCalibration([809700, -20, 153600, 177100, 205500, 812345, 4867, -1, 62992, 2, 3, "stored calibration not used: x"])
        expect(toArray(w.calibration)).toEqual([0.8097, -0.02, 0.1536, 0.1771, 205.5])
        expect(w).toMatchObject({ forceRatio: 0.812345, forceProfileN: 4.867, spinHz: 62.992, source: "fallback", trigger: true, area: true, message: "stored calibration not used: x" })
        expect(w.depthRatio).toBeNaN()
        expect(decodeCalibration([1000000, 0, 150000, 180000, 217000, 0, 0, 236389, 0, 1, 0, ""])).toMatchObject({ source: "stored", depthRatio: 0.236389, trigger: false, area: false })
    })
})
