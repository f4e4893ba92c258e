// The pen's own calibration (issue 14 part 3: measured by the console's `bringup`, stored on the
// pen as a checksummed record, core/records.ts): five numbers, [force scale, force at rest (N),
// depth feedback ratio at 0 mm, its change per mm, needle no-load strokes/s per duty].
// The force's two apply where a force sample becomes newtons (roles.ts forceReport, and the load
// cell's samples in hardware.ts): newtons = (the profile's conversion - at rest) x scale, kept in
// `fc` ([scale, at rest]). The other three replace the profile's depth.feedbackRatioAt0Mm,
// depth.feedbackRatioPerMm (depth.ts) and needle.noLoadHzPerDuty (the rate regulator's
// feed-forward, the self-test's expected spin rate) in place. The core's rules are untouched: they
// get calibrated newtons, millimetres and rates.
//
// Nothing is laid over before it passes checkCalibration (core/validate.ts: the force's limits)
// and the profile with it passes checkProfile (the fields' PROFILE_RANGES, the open-wiper rule).
// Pure: Node tests run it (test/drivers/calibration.test.ts).
import { Profile } from "../core/profile"
import { checkCalibration, checkProfile } from "../core/validate"

/** where the calibration in use came from (console wire: calibration.source) */
export const CAL_PROFILE = 0
export const CAL_STORED = 1
/** a calibration was stored but its record is bad or out of range: the profile's is in use */
export const CAL_FALLBACK = 2

/** wire and record units of the five numbers: millionths, mN, millionths, millionths, thousandths */
const UNITS = [1e6, 1000, 1e6, 1e6, 1000]

/** the calibration in use: the force conversion `fc` and the profile's three fields */
export function calibrationNow(p: Profile, fc: number[]): number[] {
    return [fc[0], fc[1], p.depth.feedbackRatioAt0Mm, p.depth.feedbackRatioPerMm, p.needle.noLoadHzPerDuty]
}

/** lays calibration `c` over the force conversion `fc` and the profile, unchecked (tryCalibration checks) */
export function layCalibration(p: Profile, fc: number[], c: number[]) {
    fc[0] = c[0]
    fc[1] = c[1]
    p.depth.feedbackRatioAt0Mm = c[2]
    p.depth.feedbackRatioPerMm = c[3]
    p.needle.noLoadHzPerDuty = c[4]
}

/**
 * Lays `c` over the force conversion `fc` and the profile if it passes the checks: its own limits
 * (checkCalibration, the strokes per duty against `ownHzPerDuty`, the profile's before any
 * calibration), and the profile with it laid over passes checkProfile. "" then, else why not, and
 * what was in use stays; `keep` false lays it back either way (a check only).
 */
export function tryCalibration(p: Profile, fc: number[], c: number[], keep: boolean, ownHzPerDuty: number): string {
    let why = checkCalibration(c, ownHzPerDuty)
    if (why !== "") return why
    const was = calibrationNow(p, fc)
    layCalibration(p, fc, c)
    why = checkProfile(p)
    if (why !== "" || !keep) layCalibration(p, fc, was)
    return why
}

/**
 * Between a calibration and its five whole numbers in wire units: `c` from `at` (a record's text,
 * or a set_calibration's payload from 1) divided by the units (`back` false), or a calibration
 * times the units, rounded (`back` true)
 */
export function wireUnits(c: any[], at: number, back: boolean): number[] {
    const v: number[] = []
    for (let i = 0; i < 5; i++) v.push(back ? Math.round(c[at + i] * UNITS[i]) : c[at + i] / UNITS[i])
    return v
}

/** five whole numbers in wire units (a record's text, or a set_calibration's payload from `at`) as a calibration */
export function fromWire(v: any[], at: number): number[] {
    return wireUnits(v, at, false)
}

/** a calibration as five whole numbers in wire units */
export function toWire(c: number[]): number[] {
    return wireUnits(c, 0, true)
}
