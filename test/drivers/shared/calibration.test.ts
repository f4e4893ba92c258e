// The pen's own calibration on the firmware's side (drivers/calibration.ts, core/records.ts,
// core/validate.ts), run by vitest and inside the DeviceScript VM (npm run test:vm), where the
// record's numbers are text divided into numbers and the checks run as on the pen.

import { describe, test } from "@devicescript/test"
import { decodeCalibrationRecord, encodeCalibrationRecord } from "../../../core/records"
import { calibrationNow, fromWire, layCalibration, toWire, tryCalibration } from "../../../drivers/calibration"
import { contains, eq, eqNums, near } from "../../kit/assert"
import { copyProfile } from "../../core/penkit"

describe("the pen's own calibration", () => {
    test("H10 H18 a record round-trips through its text to the five numbers, a negative zero too; a changed digit, or another force conversion, is refused", () => {
        const v = [833333, -20, 150000, 180000, 217000]
        const rec = encodeCalibrationRecord(v, 604231)
        const d = decodeCalibrationRecord(rec, 604231)
        eq(d.error, "", "decodes")
        const c = fromWire(d.values, 0)
        near(c[0], 0.833333, 1e-12, "scale")
        near(c[1], -0.02, 1e-12, "at rest")
        near(c[2], 0.15, 1e-12, "feedback at 0 mm")
        near(c[3], 0.18, 1e-12, "feedback per mm")
        near(c[4], 217, 1e-9, "strokes/s per duty")
        eqNums(toWire(c), v, "back to whole numbers")
        eq(decodeCalibrationRecord(rec.slice(0, 3) + "9" + rec.slice(4), 604231).error, "calibration record fails its checksum", "a changed digit")
        contains(decodeCalibrationRecord(rec, 604232).error, "measured against another force curve: run bringup", "another force conversion")
    })

    test("H7 H18 a commissioned strokes per duty outside 0.74..1.4 of the profile's is refused: a stroke counter losing counts at the commissioning cannot calibrate its loss away", () => {
        const p = copyProfile()
        const fc = [1, 0]
        const own = calibrationNow(p, fc)
        // 30 % of the counts lost: the spins read 0.7 of the rate, under the self-test's band
        contains(tryCalibration(p, fc, [1, 0, 0.15, 0.18, 0.7 * 217], true, 217), "strokes per duty 151.9: must be 0.74..1.4 of the profile's 217.0", "30 % low")
        contains(tryCalibration(p, fc, [1, 0, 0.15, 0.18, 1.41 * 217], true, 217), "must be 0.74..1.4", "41 % high")
        eqNums(calibrationNow(p, fc), own, "nothing changed")
        eq(tryCalibration(p, fc, [1, 0, 0.15, 0.18, 0.74 * 217], true, 217), "", "at the band's floor")
        eq(p.needle.noLoadHzPerDuty, 0.74 * 217, "in use")
        // against the profile's own, not the calibration in use: a second commissioning cannot step it lower
        contains(tryCalibration(p, fc, [1, 0, 0.15, 0.18, 0.74 * 0.74 * 217], true, 217), "must be 0.74..1.4", "a second step down")
    })

    test("H10 H18 laid over only when it passes: a check leaves the profile as it was, a refused one changes nothing and says why", () => {
        const p = copyProfile()
        const fc = [1, 0]
        const own = calibrationNow(p, fc)
        const c = [0.8, 0.02, 0.16, 0.17, 200]
        eq(tryCalibration(p, fc, c, false, 217), "", "passes")
        eqNums(calibrationNow(p, fc), own, "a check only")
        eq(tryCalibration(p, fc, c, true, 217), "", "kept")
        eqNums(calibrationNow(p, fc), c, "in use")
        eq(p.needle.noLoadHzPerDuty, 200, "the regulator's feed-forward")
        contains(tryCalibration(p, fc, [0.8, 0.02, 0.16, 0.5, 200], true, 217), "depth.feedbackRatioPerMm 0.5 is outside 0.01..0.33", "out of its range")
        contains(tryCalibration(p, fc, [0.8, 0.02, 0.02, 0.17, 200], true, 217), "so an open wiper reads as no position", "the open-wiper rule")
        contains(tryCalibration(p, fc, [3, 0, 0.15, 0.18, 217], true, 217), "force scale 3.000", "the force's limits")
        eqNums(calibrationNow(p, fc), c, "what was in use stays")
        layCalibration(p, fc, own)
        eq(p.depth.feedbackRatioAt0Mm, 0.15, "back to the profile's")
    })
})
