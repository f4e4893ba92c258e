// Range checks for presets and the profile, against the hard limits. Each check returns ""
// when the value is fine, or a sentence that says what is wrong and what is allowed.
import {
    AREA_ID_MAX_CHARS, AREA_MAX_COUNT, DEPTH_FEEDBACK_SLACK_MM, DEPTH_MAX_MM, DEPTH_MIN_MM, DEPTH_STEP_MM,
    PASS_LIMIT_MAX, PASS_LIMIT_MIN, STROKE_FOLD_GUARD_HZ, STROKE_FOLD_HZ, STROKE_MAX_HZ, STROKE_MIN_HZ, LOADCELL_HEADROOM, LOADCELL_MIN_COUNTS_PER_N,
    PROFILE_RANGES, AREA_MIN_CM2, AREA_MAX_CM2, PASS_DENSITY_MIN_PER_CM2, PASS_DENSITY_MAX_PER_CM2, CARTRIDGE_MAX_COUNT,
    NEEDLES_MIN, NEEDLES_MAX, FOOTPRINT_MIN_MM, FOOTPRINT_MAX_MM, CAL_FORCE_SCALE_MIN, CAL_FORCE_SCALE_MAX, CAL_FORCE_ZERO_MAX_N,
    STROKE_PASS_SHARE_MAX, SELFTEST_RATE_MIN_SHARE, SELFTEST_RATE_MAX_SHARE,
} from "./limits"
import { fixed } from "./format"
import { passPunctures } from "./ledger"
import { AreaCap, Cartridge, ForceProfile, Preset, Profile } from "./profile"
import { AreaPreset } from "./types"

function isNum(x: number): boolean {
    return typeof x === "number" && x === x && x !== Infinity && x !== -Infinity
}

/** a number from lo to hi */
function inRange(x: number, lo: number, hi: number): boolean {
    return isNum(x) && x >= lo && x <= hi
}

/** "<what> <x> is outside <lo>..<hi><tail>" (tail: a unit, " (whole)" or ""): a value out of its range, for messages */
function outsideText(what: string, x: number, lo: number, hi: number, tail: string): string {
    return `${what} ${x} is outside ${lo}..${hi}${tail}`
}

function isWhole(x: number): boolean {
    return isNum(x) && Math.floor(x) === x
}

/** true when x is a whole number of `step`s (within float noise) */
export function onStep(x: number, step: number): boolean {
    const n = x / step
    return Math.abs(n - Math.round(n)) < 1e-6
}

/**
 * The depth actuator's reported position, or NaN (no position) when it reads more than
 * DEPTH_FEEDBACK_SLACK_MM outside 0..DEPTH_MAX_MM: an open wiper (pulled to 0) or a short to 3V3.
 */
export function depthPositionMm(mm: number): number {
    return mm >= -DEPTH_FEEDBACK_SLACK_MM && mm <= DEPTH_MAX_MM + DEPTH_FEEDBACK_SLACK_MM ? mm : NaN
}

export function checkDepth(area: AreaCap, depthMm: number): string {
    if (!isNum(depthMm)) return `depth is not a number: give millimetres, e.g. 0.5`
    if (depthMm < DEPTH_MIN_MM) return `depth ${fixed(depthMm, 2)} mm is below ${fixed(DEPTH_MIN_MM, 2)} mm`
    if (depthMm > DEPTH_MAX_MM)
        return `depth ${fixed(depthMm, 2)} mm above the hard maximum of ${fixed(DEPTH_MAX_MM, 2)} mm`
    if (depthMm > area.depthCapMm + 1e-9)
        return `depth ${fixed(depthMm, 2)} mm above the ${area.id} cap of ${fixed(area.depthCapMm, 2)} mm`
    if (!onStep(depthMm, DEPTH_STEP_MM))
        return `depth ${fixed(depthMm, 3)} mm is not a multiple of ${fixed(DEPTH_STEP_MM, 2)} mm`
    return ""
}

export function checkStrokeHz(strokeHz: number): string {
    if (!isWhole(strokeHz)) return `stroke rate must be a whole number of strokes/s from ${STROKE_MIN_HZ} to ${STROKE_MAX_HZ}`
    if (strokeHz < STROKE_MIN_HZ || strokeHz > STROKE_MAX_HZ)
        return `stroke rate ${strokeHz} strokes/s is outside ${STROKE_MIN_HZ}..${STROKE_MAX_HZ}`
    const k = Math.round(strokeHz / STROKE_FOLD_HZ) * STROKE_FOLD_HZ
    if (Math.abs(strokeHz - k) <= STROKE_FOLD_GUARD_HZ)
        return `stroke rate ${strokeHz} strokes/s is within ${STROKE_FOLD_GUARD_HZ} of ${k} (a multiple of the accelerometer's rate)`
    return ""
}

export function checkPassLimit(passLimit: number): string {
    if (!isWhole(passLimit)) return `pass limit must be a whole number from ${PASS_LIMIT_MIN} to ${PASS_LIMIT_MAX}`
    if (passLimit < PASS_LIMIT_MIN || passLimit > PASS_LIMIT_MAX)
        return outsideText("pass limit", passLimit, PASS_LIMIT_MIN, PASS_LIMIT_MAX, "")
    return ""
}

export function checkPreset(area: AreaCap, p: Preset): string {
    let why = checkDepth(area, p.depthMm)
    if (why === "") why = checkStrokeHz(p.strokeHz)
    if (why === "") why = checkPassLimit(p.passLimit)
    return why
}

/** "a, b, c": the ids (of areas, of cartridges), for messages */
export function areaIdList(areas: { id: string }[]): string {
    let s = ""
    for (const a of areas) s += (s === "" ? "" : ", ") + a.id
    return s
}

/**
 * Several presets at once (an import): "" when every entry names a known area once and is in
 * range for it, else the first problem, naming the area. Nothing is used unless all pass.
 */
export function checkPresetList(areas: AreaCap[], list: AreaPreset[]): string {
    if (!list || list.length === 0) return "no presets given"
    const seen: string[] = []
    for (const e of list) {
        const id = e.areaId
        let area: AreaCap = undefined
        for (const a of areas) if (a.id === id) area = a
        if (!area) return `unknown area ${id}: known areas are ${areaIdList(areas)}`
        if (seen.indexOf(id) >= 0) return `area ${id} is given twice`
        seen.push(id)
        const why = checkPreset(area, { depthMm: e.depthMm, strokeHz: e.strokeHz, passLimit: e.passLimit })
        if (why !== "") return `${id}: ${why}`
    }
    return ""
}

/** NAU7802 output: 24-bit two's complement, -2^23 .. 2^23 - 1 counts */
const LOADCELL_HALF_SCALE = 8388608

/**
 * Load-cell counts as a 0..1 ratio of the ADC range, (counts + 2^23) / 2^24, for the force range
 * checks: a bridge wire that breaks drives the input to a rail, which reads ~0 (below
 * force.openBelowRatio: force_open) or ~1 (above force.saturatedAboveRatio: force_saturated),
 * exactly like an unplugged or shorted FSR. A working cell reads near the middle (0.5 at 0 N).
 * Noise keeps a live reading from repeating exactly, so the stuck check applies as well. The
 * load-cell driver (drivers/nau7802.ts) feeds the core this ratio; checkLoadCell judges a
 * calibration by it.
 */
export function loadCellRatio(counts: number): number {
    return (counts + LOADCELL_HALF_SCALE) / (2 * LOADCELL_HALF_SCALE)
}

/**
 * force.loadCell: "" or what is wrong with it. Checked by the load-cell build before it feeds
 * force (drivers/loadcell.ts), not by checkProfile: the FSR firmware never uses it, and its
 * bytecode budget is tight (BENCHMARKS.md, footprint).
 */
export function checkLoadCell(f: ForceProfile): string {
    const c = f.loadCell
    if (!isWhole(c.i2cAddress) || c.i2cAddress < 0x08 || c.i2cAddress > 0x77)
        return "force.loadCell.i2cAddress must be a whole number from 8 to 119 (0x08..0x77); a NAU7802 answers at 42 (0x2a)"
    if (!isWhole(c.countsPerN) || c.countsPerN < LOADCELL_MIN_COUNTS_PER_N)
        return `force.loadCell.countsPerN must be a whole number of at least ${fixed(LOADCELL_MIN_COUNTS_PER_N, 0)} counts per newton`
    if (!isWhole(c.zeroCounts) || c.zeroCounts < -LOADCELL_HALF_SCALE || c.zeroCounts >= LOADCELL_HALF_SCALE)
        return `force.loadCell.zeroCounts must be a whole number of counts from ${fixed(-LOADCELL_HALF_SCALE, 0)} to ${fixed(LOADCELL_HALF_SCALE - 1, 0)}`
    const zero = loadCellRatio(c.zeroCounts)
    if (!(zero > f.openBelowRatio))
        return `force.loadCell: 0 N reads ratio ${fixed(zero, 3)}, not above force.openBelowRatio ${fixed(f.openBelowRatio, 3)}: an unloaded cell would read as an open circuit`
    const top = loadCellRatio(c.zeroCounts + LOADCELL_HEADROOM * f.overPressureN * c.countsPerN)
    if (!(top < f.saturatedAboveRatio))
        return `force.loadCell: ${LOADCELL_HEADROOM} x force.overPressureN (${fixed(LOADCELL_HEADROOM * f.overPressureN, 2)} N) reads ratio ${fixed(top, 3)}, not below force.saturatedAboveRatio ${fixed(f.saturatedAboveRatio, 3)}: an over-pressure must read as force, well inside the ADC range`
    return ""
}

/**
 * every row of PROFILE_RANGES as [section, field, min, max, whole (1) or not (0)], for tests and
 * tools (the firmware's checkRanges reads the text in place); indexOf and slice, not split, so that
 * it runs in the VM's step budget too
 */
export function rangeRows(): any[][] {
    const out: any[][] = []
    const T = PROFILE_RANGES
    for (let at = 1; at < T.length; ) {
        const r: any[] = []
        for (let i = 0; i < 5; i++) {
            const end = T.indexOf(i < 4 ? " " : "\n", at)
            r.push(i < 2 ? T.slice(at, end) : +T.slice(at, end))
            at = end + 1
        }
        out.push(r)
    }
    return out
}

/**
 * Every PROFILE_RANGES field: "" or the first one out of its range, with the value and the range.
 * The table is read in place with indexOf and slice: they are native in DeviceScript, where split
 * walks the string in bytecode a character at a time (~1,500 VM steps a row: a boot's two profile
 * checks ran past the 128K steps the VM allows between two waits), and no row becomes an array.
 */
export function checkRanges(p: Profile): string {
    const T = PROFILE_RANGES
    for (let at = 1; at < T.length; ) {
        // "section field min max whole\n"
        const a = T.indexOf(" ", at)
        const b = T.indexOf(" ", a + 1)
        const c = T.indexOf(" ", b + 1)
        const d = T.indexOf(" ", c + 1)
        const row = at
        at = T.indexOf("\n", d) + 1
        const section: any = (p as any)[T.slice(row, a)]
        const x: number = section ? section[T.slice(a + 1, b)] : undefined
        const lo = +T.slice(b + 1, c)
        const hi = +T.slice(c + 1, d)
        const whole = T.charCodeAt(d + 1) === 49
        // in range: on to the next (NaN fails the first comparison); the message only for a field that fails
        if (typeof x === "number") if (x >= lo) if (x <= hi) if (!whole || Math.floor(x) === x) continue
        const what = `${T.slice(row, a)}.${T.slice(a + 1, b)}`
        if (!isNum(x)) return `${what} must be a number from ${lo} to ${hi}`
        return outsideText(what, x, lo, hi, whole ? " (whole)" : "")
    }
    return ""
}

/** a-z, 0-9, _ and -: an area id is one word in EVENT/LEDGER lines and console commands */
function idChars(id: string): boolean {
    for (let i = 0; i < id.length; i++) {
        const c = id.charCodeAt(i)
        if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45)) return false
    }
    return true
}

/** the cartridge list and the default one: "" or the first problem */
export function checkCartridges(p: Profile): string {
    const list = p.cartridges
    if (!list || list.length === 0) return "profile has no cartridges: the dose rule needs each cartridge's needle count"
    if (list.length > CARTRIDGE_MAX_COUNT) return `profile has ${list.length} cartridges; at most ${CARTRIDGE_MAX_COUNT}`
    for (let i = 0; i < list.length; i++) {
        const c = list[i]
        if (!c || !c.id || c.id.length > AREA_ID_MAX_CHARS || !idChars(c.id))
            return `cartridge ${i}: id must be 1..${AREA_ID_MAX_CHARS} characters of a-z, 0-9, _ and -`
        for (let j = 0; j < i; j++) if (list[j].id === c.id) return `cartridge id ${c.id} appears twice`
        if (!isWhole(c.needles) || c.needles < NEEDLES_MIN || c.needles > NEEDLES_MAX)
            return outsideText(`cartridge ${c.id}: needles`, c.needles, NEEDLES_MIN, NEEDLES_MAX, " (whole)")
        if (!inRange(c.footprintMm, FOOTPRINT_MIN_MM, FOOTPRINT_MAX_MM))
            return outsideText(`cartridge ${c.id}: footprintMm`, c.footprintMm, FOOTPRINT_MIN_MM, FOOTPRINT_MAX_MM, " mm")
    }
    if (!p.dose || cartridgeIndex(list, p.dose.cartridge) < 0) return `dose.cartridge must name one of the cartridges: ${areaIdList(list)}`
    return ""
}

/**
 * The dose numbers against each other: "" or the first area and cartridge where one stroke is more
 * than STROKE_PASS_SHARE_MAX of the area's pass. Checked at build (tools/check-profile.ts): the
 * dose numbers come only from devs.json, and the firmware does not carry this check.
 */
export function checkDoseScale(p: Profile): string {
    for (const a of p.areas) {
        for (const c of p.cartridges) {
            const share = c.needles / passPunctures(a)
            if (share > STROKE_PASS_SHARE_MAX)
                return `area ${a.id} with cartridge ${c.id}: one stroke of ${c.needles} needles is ${fixed(share, 3)} of a pass (${a.areaCm2} cm² at ${a.passDensityPerCm2} punctures/cm²), at most ${STROKE_PASS_SHARE_MAX}: the lock and the store's reservation would lag the dose; raise areaCm2 or passDensityPerCm2, or use fewer needles`
        }
    }
    return ""
}

/** the cartridge's index in the list, -1 for an unknown id */
export function cartridgeIndex(list: Cartridge[], id: string): number {
    for (let i = 0; i < list.length; i++) if (list[i].id === id) return i
    return -1
}

/** Whole-profile check, run before the core uses a profile. */
export function checkProfile(p: Profile): string {
    if (!p || !p.areas || p.areas.length === 0) return "profile has no treatment areas"
    if (p.areas.length > AREA_MAX_COUNT) return `profile has ${p.areas.length} areas; at most ${AREA_MAX_COUNT}`
    for (let i = 0; i < p.areas.length; i++) {
        const a = p.areas[i]
        if (!a.id || a.id.length > AREA_ID_MAX_CHARS) return `area ${i}: id must be 1..${AREA_ID_MAX_CHARS} characters`
        if (!idChars(a.id)) return `area ${i}: id ${a.id} may use only a-z, 0-9, _ and - (it is a word in log lines and console commands)`
        for (let j = 0; j < i; j++) if (p.areas[j].id === a.id) return `area id ${a.id} appears twice`
        if (!isNum(a.depthCapMm) || a.depthCapMm <= 0 || a.depthCapMm > DEPTH_MAX_MM)
            return `area ${a.id}: depth cap must be above 0 and at most ${fixed(DEPTH_MAX_MM, 2)} mm`
        if (!inRange(a.areaCm2, AREA_MIN_CM2, AREA_MAX_CM2))
            return outsideText(`area ${a.id}: areaCm2`, a.areaCm2, AREA_MIN_CM2, AREA_MAX_CM2, " cm²")
        if (!inRange(a.passDensityPerCm2, PASS_DENSITY_MIN_PER_CM2, PASS_DENSITY_MAX_PER_CM2))
            return outsideText(`area ${a.id}: passDensityPerCm2`, a.passDensityPerCm2, PASS_DENSITY_MIN_PER_CM2, PASS_DENSITY_MAX_PER_CM2, " punctures/cm²")
        const why = checkPreset(a, a.preset)
        if (why !== "") return `area ${a.id} preset: ${why}`
    }
    let why = checkCartridges(p)
    if (why !== "") return why
    why = checkRanges(p)
    if (why !== "") return why
    const f = p.force
    if (!(f.releaseN < f.contactN)) return "force.releaseN must be below force.contactN (hysteresis)"
    if (!(f.contactN < f.overPressureN)) return "force.overPressureN must be above force.contactN"
    if (!f.curve || f.curve.length < 2) return "force.curve needs at least two points"
    for (let i = 1; i < f.curve.length; i++)
        if (!(f.curve[i][0] > f.curve[i - 1][0]) || f.curve[i][1] < f.curve[i - 1][1])
            return "force.curve must rise: ratios strictly ascending, newtons not falling"
    const d = p.depth
    if (!(d.angleAtZeroDeg + DEPTH_MAX_MM * d.degPerMm <= 90)) return `depth: ${fixed(DEPTH_MAX_MM, 2)} mm must be at most a 90 degree servo angle`
    if (!(d.feedbackRatioAt0Mm - DEPTH_FEEDBACK_SLACK_MM * d.feedbackRatioPerMm > 0 &&
        d.feedbackRatioAt0Mm + (DEPTH_MAX_MM + DEPTH_FEEDBACK_SLACK_MM) * d.feedbackRatioPerMm < 1))
        return "depth feedback: 0..3 mm (with the slack) must read inside ratio 0..1, so an open wiper reads as no position"
    // the watchdogs must see a gap before the needle could run unsupervised for long
    if (!(p.control.overrunAfterMs >= 2 * p.control.tickMs)) return "control.overrunAfterMs must be at least twice control.tickMs"
    if (!(f.staleAfterMs > p.control.tickMs)) return "force.staleAfterMs must exceed control.tickMs"
    const m = p.motion
    if (!(m.warnAfterMs < m.stopAfterMs)) return "motion.warnAfterMs must be below motion.stopAfterMs (the warning comes first)"
    if (!(m.highPassHz < m.lowPassHz)) return "motion.highPassHz must be below motion.lowPassHz (the band must be open)"
    // a sample gap the filters restart on must be longer than one chip sample
    if (!(m.staleAfterMs > 1000 / m.odrHz)) return "motion.staleAfterMs must exceed one sample of motion.odrHz"
    // the stroke rates refused near the chip's rate (checkStrokeHz) are those near multiples of
    // STROKE_FOLD_HZ: they cover every fold only if the chip's rate is one of those multiples, and
    // the chip has only STROKE_FOLD_HZ x 2^k among them (drivers/lsm6ds.ts writes its code)
    const k = m.odrHz / STROKE_FOLD_HZ
    if (!isWhole(k) || (k & (k - 1)) !== 0) return `motion.odrHz must be ${STROKE_FOLD_HZ} x 1, 2, 4, 8, 16 or 32 (the accelerometer's rates the refused stroke rates cover)`
    return ""
}

/**
 * The pen's own calibration (drivers/calibration.ts: [force scale, force at rest (N), depth
 * feedback ratio at 0 mm, per mm, needle strokes/s per duty]): "" or what is wrong with its force
 * numbers, which have limits of their own (CAL_FORCE_*), or with its strokes per duty, which must
 * lie in the self-test's band of the profile's own (`ownHzPerDuty`): the console's bringup measures
 * it with the stroke counter, and a counter losing counts then would set it low and hide the loss
 * from stroke_undercount. The others replace profile fields: the profile with them laid over must
 * pass checkProfile (their PROFILE_RANGES, the feedback's open-wiper rule) before it is used.
 */
export function checkCalibration(c: number[], ownHzPerDuty: number): string {
    const hz = c[4]
    if (!(hz >= SELFTEST_RATE_MIN_SHARE * ownHzPerDuty && hz <= SELFTEST_RATE_MAX_SHARE * ownHzPerDuty))
        return `strokes per duty ${fixed(hz, 1)}: must be 0.74..1.4 of the profile's ${fixed(ownHzPerDuty, 1)}`
    if (c[0] >= CAL_FORCE_SCALE_MIN && c[0] <= CAL_FORCE_SCALE_MAX) if (c[1] >= -CAL_FORCE_ZERO_MAX_N && c[1] <= CAL_FORCE_ZERO_MAX_N) return ""
    // the limits as text (CAL_FORCE_*: test/console/calibration.test.ts checks they agree)
    return `force scale ${fixed(c[0], 3)} and at rest ${fixed(c[1], 3)} N: the scale must be 0.75..1.33 and at rest within ±0.2 N (else the wrong part, a broken divider, or something pressing the face)`
}
