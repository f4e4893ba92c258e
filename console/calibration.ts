// The console's side of the pen's own calibration (drivers/calibration.ts on the pen): the
// arithmetic of a commissioning (console/bringup.ts) from what the pen read against what the
// builder measured, the check before anything is sent (the core's own functions on a copy of the
// profile with the calibration laid over, as the firmware runs them), and the export as the
// devs.json fields it overrides. Pure: test/console/calibration.test.ts.
//
// A calibration is [force scale, force at rest (N), depth feedback ratio at 0 mm, its change per
// mm, needle no-load strokes/s per duty]; the pen's force in newtons is (the profile's conversion
// - at rest) x scale.
import { Profile } from "../core/profile"
import { SELFTEST_SPIN_DUTY } from "../core/limits"
import { calibrationNow, tryCalibration } from "../drivers/calibration"

/** grams on a scale to newtons (standard gravity) */
export const N_PER_GRAM = 0.00980665

export interface Calibration {
    forceScale: number
    forceZeroN: number
    feedbackRatioAt0Mm: number
    feedbackRatioPerMm: number
    noLoadHzPerDuty: number
}

export function toArray(c: Calibration): number[] {
    return [c.forceScale, c.forceZeroN, c.feedbackRatioAt0Mm, c.feedbackRatioPerMm, c.noLoadHzPerDuty]
}

export function fromArray(v: number[]): Calibration {
    return { forceScale: v[0], forceZeroN: v[1], feedbackRatioAt0Mm: v[2], feedbackRatioPerMm: v[3], noLoadHzPerDuty: v[4] }
}

/** the profile's own calibration (no calibration of the pen's own: scale 1, nothing at rest) */
export function profileCalibration(p: Profile): Calibration {
    return fromArray(calibrationNow(p, [1, 0]))
}

export function mean(xs: number[]): number {
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN
}

/**
 * A reading held still, sampled n times: its drift (the mean of the second half against the
 * first's) may be at most the larger of STEADY_DRIFT_N and STEADY_DRIFT_SHARE of the reading, and
 * its spread (max - min) at most the larger of STEADY_SPREAD_N and STEADY_SPREAD_SHARE. The drift
 * is what a weight still settling or a hand easing off puts into a calibration; single readings
 * also carry the ADC's noise, magnified by the FSR curve's slope (1 LSB is ~0.008 N near 4.8 N),
 * which the mean of eight mostly averages out, so the spread's allowance is the looser one.
 */
export const STEADY_DRIFT_N = 0.05
export const STEADY_DRIFT_SHARE = 0.02
export const STEADY_SPREAD_N = 0.1
export const STEADY_SPREAD_SHARE = 0.1

/** "" when readings `xs` (N, the sensor's own by the profile's curve) held still, else why not */
export function steadyReading(xs: number[], what: string): string {
    const half = Math.floor(xs.length / 2)
    const level = Math.abs(mean(xs))
    const drift = Math.abs(mean(xs.slice(xs.length - half)) - mean(xs.slice(0, half)))
    const spread = Math.max(...xs) - Math.min(...xs)
    const driftMax = Math.max(STEADY_DRIFT_N, STEADY_DRIFT_SHARE * level)
    const spreadMax = Math.max(STEADY_SPREAD_N, STEADY_SPREAD_SHARE * level)
    if (drift > driftMax) return `the force drifted ${drift.toFixed(3)} N ${what} (at most ${driftMax.toFixed(3)} N): let it settle, hold it still and run bringup again`
    if (spread > spreadMax) return `the force swung ${spread.toFixed(3)} N ${what} (at most ${spreadMax.toFixed(3)} N): hold it still and run bringup again`
    return ""
}

/**
 * The force's scale and reading at rest from two readings by the profile's conversion: at rest
 * (`restN`) and with a known weight on the face (`loadedN`, `weightN` true). Undefined, with the
 * reason, when the weight did not read above rest.
 */
export function forceCalibration(restN: number, loadedN: number, weightN: number): { scale: number; zeroN: number } | string {
    if (!(weightN > 0)) return `the weight must be above 0 N (got ${weightN})`
    const rise = loadedN - restN
    if (!(rise > 0.05)) return `the force reading rose only ${rise.toFixed(3)} N under ${weightN.toFixed(2)} N: is the weight on the face, the sensor wired?`
    return { scale: weightN / rise, zeroN: restN }
}

/**
 * The depth feedback's ratio at 0 mm and per mm from two positions: the pot's ratio at each and
 * the protrusion measured there (mm). A string says why not (the same place twice, or a slope
 * that is not positive: the pot's ends reversed).
 */
export function feedbackCalibration(ratioLow: number, mmLow: number, ratioHigh: number, mmHigh: number): { at0: number; perMm: number } | string {
    if (!(Math.abs(mmHigh - mmLow) >= 0.5)) return `the two positions must be at least 0.5 mm apart (measured ${mmLow} and ${mmHigh} mm)`
    const perMm = (ratioHigh - ratioLow) / (mmHigh - mmLow)
    if (!(perMm > 0))
        return `the feedback ratio falls as the needle goes out (${ratioLow.toFixed(4)} at ${mmLow} mm, ${ratioHigh.toFixed(4)} at ${mmHigh} mm): swap the pot's outer wires (3V3 and GND)`
    return { at0: ratioLow - mmLow * perMm, perMm }
}

/** the middle value (the mean of the two middle ones for an even count); NaN for none */
export function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b)
    const n = s.length
    return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

/**
 * No-load strokes/s per duty from the self-test's spin rates at SELFTEST_SPIN_DUTY (0: a run
 * without a spin, left out): the median, since one spin counts ~8 strokes over ~130 ms of report
 * arrival times, and a busy bus that bunches the reports makes one read far off.
 */
export function hzPerDuty(spinHz: number[]): number {
    return median(spinHz.filter((x) => x > 0)) / SELFTEST_SPIN_DUTY
}

/** a deep copy of a profile (its numbers and lists; it has no functions) */
export function copyOf(p: Profile): Profile {
    return JSON.parse(JSON.stringify(p))
}

/**
 * "" when the pen would take `c`, else its reason: the core's checks, on a copy of `profile` with
 * `c` laid over, as the firmware runs them before it stores a calibration (set_calibration). The
 * pen checks again against its own profile.
 */
export function checkLocally(profile: Profile, c: Calibration): string {
    return tryCalibration(copyOf(profile), [1, 0], toArray(c), false, profile.needle.noLoadHzPerDuty)
}

/** the force curve with the calibration's force laid over: [ratio, (newtons - at rest) x scale] */
export function calibratedCurve(curve: number[][], c: Calibration): number[][] {
    return curve.map(([r, n]) => [r, round((n - c.forceZeroN) * c.forceScale, 4)])
}

function round(x: number, decimals: number): number {
    const k = 10 ** decimals
    return Math.round(x * k) / k
}

/**
 * The devs.json fields a calibration overrides, as they would read with it (paste them into
 * devs.json and rebuild: the pen's record then no longer matches the force conversion it was measured
 * against and is not applied a second time; `calibration clear` drops it and the fallback flag): the force
 * curve's newtons (FSR builds) and the load cell's zero and counts per newton (load-cell builds),
 * both computed here from this console's devs.json; the depth feedback's two numbers; the needle's
 * no-load strokes/s per duty.
 */
export function calibrationExport(profile: Profile, c: Calibration) {
    const force: Record<string, unknown> = { curve: calibratedCurve(profile.force.curve, c) }
    const lc = profile.force.loadCell
    if (lc)
        force.loadCell = {
            ...lc,
            zeroCounts: Math.round(lc.zeroCounts + c.forceZeroN * lc.countsPerN),
            countsPerN: Math.round(lc.countsPerN / c.forceScale),
        }
    return {
        profileVersion: profile.profileVersion,
        name: profile.name,
        force,
        depth: { feedbackRatioAt0Mm: round(c.feedbackRatioAt0Mm, 6), feedbackRatioPerMm: round(c.feedbackRatioPerMm, 6) },
        needle: { noLoadHzPerDuty: round(c.noLoadHzPerDuty, 3) },
    }
}

/** one line: the calibration's numbers as a person reads them */
export function calibrationText(c: Calibration): string {
    return (
        `force x${c.forceScale.toFixed(4)} after ${c.forceZeroN.toFixed(3)} N at rest, ` +
        `depth feedback ${c.feedbackRatioAt0Mm.toFixed(4)} at 0 mm + ${c.feedbackRatioPerMm.toFixed(4)}/mm, ` +
        `needle ${c.noLoadHzPerDuty.toFixed(1)} strokes/s per duty`
    )
}

/**
 * The true force (N) at which the over-pressure cutoff fires with calibration `c` in use, for a
 * sensor whose reading by the profile's conversion is restN + readsPerN x the true force (the line
 * through a commissioning's rest and weight readings): what to expect, not a measurement.
 */
export function cutoffTrueN(overPressureN: number, c: Calibration, restN: number, readsPerN: number): number {
    return (overPressureN / c.forceScale + c.forceZeroN - restN) / readsPerN
}
