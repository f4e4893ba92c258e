// Dose scenarios (issue 13): an operator treats an area with a clinical technique (sections, rows
// in the three directions, lifts to reposition and reapply serum) and keeps going until the pen
// locks the area, or does it with a bad habit (a dwell, stamping). Judged on the area's true
// density map (sim/judge-dose.ts): no premature lock, the firmware's dose estimate at the lock
// against the map's true mean, the warning before the lock, the needle stopped at it.
//
// The operator (docs/DOSE.md, "Technique"): one coverage of the area is a round of
// clinicalTechnique in one direction over all its sections (rows back and forth, lifts of
// 0.3-1.2 s between rows, 0.5-2 s between directions, 2-5 s between sections for serum); the
// rounds go horizontal, vertical, oblique, horizontal, ... Operators are taught to work to an
// end point, not a count of coverages, so the plan holds more rounds than the limit needs (its
// ideal dose reaches the limit + LIMIT_MARGIN_PASSES): the pen's lock ends the treatment, and
// whatever of the plan is left after the lock is the operator still gliding a pen that no longer
// needles (the hand does not react to the lock; the judge sees nothing delivered after it).
import { AREA_SIZES } from "../plant/areas"
import { SIM_CARTRIDGE, depositTechnique } from "../plant/dose"
import { createSkinMap, meanDensityPerCm2 } from "../plant/skin"
import { ClinicalOptions, ClinicalTechnique, Direction, clinicalTechnique } from "../plant/technique"
import { Scenario, ScenarioBuilder } from "../scenario"
import { FACTORY_PROFILE } from "../../src/profile.g"

/** the areas with a clinical scenario: the face, each at its factory preset */
export const DOSE_AREAS = ["periorbital", "forehead", "nose", "perioral", "cheeks"]

/** the firmware's estimate at the lock must agree with the true mean within this share (issue 13) */
export const LOCK_AGREEMENT = 0.15

/** the plan's ideal dose runs this far past the limit, so the pen (which needles a little less than the ideal) reaches it */
const LIMIT_MARGIN_PASSES = 0.6
/** the most rounds a plan has (a slow operator's round is ~2 passes, a fast one's ~0.5) */
const MAX_ROUNDS = 9

const ROUND_DIRECTIONS: Direction[] = ["horizontal", "vertical", "oblique"]

function area(areaId: string) {
    const a = FACTORY_PROFILE.areas.find((x) => x.id === areaId)
    if (!a) throw new Error(`no area ${areaId} in the profile`)
    return a
}

function technique(areaId: string, seed: number, extra: Partial<ClinicalOptions> = {}): ClinicalTechnique {
    const size = AREA_SIZES[areaId]
    return clinicalTechnique({
        widthMm: size.widthMm, heightMm: size.heightMm, radiusXMm: size.radiusXMm, radiusYMm: size.radiusYMm,
        footprintMm: SIM_CARTRIDGE.footprint.diameterMm, seed, ...extra,
    })
}

/** the mean dose (passes of the profile's per-pass density) a technique lays down if the pen runs whenever it touches */
export function idealPasses(areaId: string, tech: ClinicalTechnique, strokeHz = area(areaId).preset.strokeHz): number {
    const size = AREA_SIZES[areaId]
    const map = createSkinMap(size.widthMm, size.heightMm, 2)
    depositTechnique(map, tech, { needles: SIM_CARTRIDGE.needles, strokeHz, footprint: SIM_CARTRIDGE.footprint })
    return meanDensityPerCm2(map) / area(areaId).passDensityPerCm2
}

export interface TreatPlan {
    rounds: ClinicalTechnique[]
    /** the plan's ideal dose (passes) */
    idealPasses: number
    /** how long the plan plays (ms) */
    durationMs: number
}

/**
 * The operator's plan for an area up to its limit: rounds of one direction each over the whole
 * area, until their ideal dose reaches passLimit + LIMIT_MARGIN_PASSES (at most MAX_ROUNDS).
 * `extra` goes to every round (a firmer force, a faster glide, a bad habit in the first round).
 */
export function planUntilLimit(areaId: string, seed: number, passLimit: number, strokeHz: number, extra: Partial<ClinicalOptions> = {},
    firstRoundOnly: Partial<ClinicalOptions> = {}): TreatPlan {
    const rounds: ClinicalTechnique[] = []
    let ideal = 0
    let durationMs = 0
    for (let r = 0; r < MAX_ROUNDS && ideal < passLimit + LIMIT_MARGIN_PASSES; r++) {
        const tech = technique(areaId, seed * 101 + r, { ...extra, ...(r === 0 ? firstRoundOnly : {}), directions: [ROUND_DIRECTIONS[r % 3]] })
        rounds.push(tech)
        ideal += idealPasses(areaId, tech, strokeHz)
        durationMs += tech.durationMs
    }
    return { rounds, idealPasses: ideal, durationMs }
}

/** play a plan on the builder: each round a technique on the area (the map keeps what the earlier ones left) */
export function playPlan(b: ScenarioBuilder, areaId: string, plan: TreatPlan): void {
    plan.rounds.forEach((tech, i) => {
        b.technique(areaId, tech, `round ${i + 1} (${tech.segments.find((s) => s.direction !== "")?.direction ?? ""}): ` +
            `${tech.sections.length} sections, ${tech.rowCount} rows, glide ~${tech.usualSpeedMmS.toFixed(0)} mm/s`)
    })
}

export interface ClinicalAreaOptions {
    seed?: number
    /**
     * the pass limit set on the console before the treatment (a shorter run for the tests: the
     * rule is the same at every limit); default the factory preset's
     */
    passLimit?: number
}

/**
 * One area treated clinically until the pen locks it. Judged: it locks, not prematurely, the
 * firmware's estimate at the lock within LOCK_AGREEMENT of the true mean, the warning first, the
 * needle stopped at the lock; no over-treated cm².
 */
export function clinicalArea(areaId: string, o: ClinicalAreaOptions = {}): Scenario {
    const seed = o.seed ?? 13
    const a = area(areaId)
    const limit = o.passLimit ?? a.preset.passLimit
    const plan = planUntilLimit(areaId, seed, limit, a.preset.strokeHz)
    const b = new ScenarioBuilder(`dose: clinical ${areaId}${o.passLimit !== undefined ? ` to ${limit} pass${limit > 1 ? "es" : ""}` : ""}${o.seed !== undefined ? ` seed ${seed}` : ""}`, seed,
        `${areaId} in sections, rounds of horizontal/vertical/oblique rows with lifts to reposition and for serum, until the pen locks it (limit ${limit})`)
    if (limit !== a.preset.passLimit)
        b.command({ kind: "set_preset", areaId, depthMm: a.preset.depthMm, strokeHz: a.preset.strokeHz, passLimit: limit }, `limit ${limit} passes`)
    b.command({ kind: "select_area", areaId }).press("trigger", 120, "arm").wait(500)
    playPlan(b, areaId, plan)
    return b.build({
        faults: [],
        locked: [areaId],
        // over-treatment is judged at the factory limit only: a shortened run stops the operator in
        // the first round of rows (one direction), whose row ends and section seams leave one cm²
        // at up to ~2.6 x a 1-pass limit (cheeks); three directions even it out (docs/DOSE.md)
        dose: o.passLimit === undefined ? { areaId, noFindings: true, lockAgreesWithin: LOCK_AGREEMENT }
            : { areaId, noPrematureLock: true, lockAgreesWithin: LOCK_AGREEMENT },
    }, 1000, true)
}

/**
 * Bad habit: the operator stops mid-row and holds the pen on one spot of the cheek for dwellMs. With
 * the accelerometer on the bus the dwell rule stops the needle and the spot is not over-treated;
 * the report shows the worst cm² against the limit.
 */
export function dwellOnCheek(dwellMs = 8000, seed = 14): Scenario {
    const tech = technique("cheeks", seed, { directions: ["horizontal", "vertical"], dwell: { section: 0, durationMs: dwellMs } })
    const b = new ScenarioBuilder(`dose: dwell ${dwellMs / 1000} s on the cheek`, seed,
        `cheek, clinical rows, but the pen held still on one spot for ${dwellMs / 1000} s in the first row`)
    b.command({ kind: "select_area", areaId: "cheeks" }).press("trigger", 120, "arm").wait(500)
    b.technique("cheeks", tech, `${tech.sections.length} sections, ${tech.rowCount} rows, a ${dwellMs / 1000} s dwell`)
    return b.build({ faults: [], dose: { areaId: "cheeks", noFindings: true } }, 1000, true)
}

/**
 * Bad habit: stamping on one spot of the forehead, presses of 0.5 s lifted 0.25 s between them
 * (each press loses its first ~0.2 s to the touch-down and the needle's start). Each press is
 * shorter than the dwell stop: what limits stamping is the dose (the area's ledger) and the report's
 * densest cm², not the dwell rule.
 */
export function stampingForehead(presses = 40, seed = 15): Scenario {
    const tech = technique("forehead", seed, { directions: ["horizontal"], stamp: { section: 0, presses, onMs: 500, offMs: 250 } })
    const b = new ScenarioBuilder(`dose: stamping on the forehead`, seed,
        `forehead: ${presses} stamps of 0.5 s on one spot, lifted 0.25 s between them, then clinical rows`)
    b.command({ kind: "select_area", areaId: "forehead" }).press("trigger", 120, "arm").wait(500)
    b.technique("forehead", tech, `${presses} stamps, then ${tech.rowCount} rows`)
    return b.build({ faults: [], dose: { areaId: "forehead", noFindings: true } }, 1000, true)
}

export function doseScenarios(): Scenario[] {
    return [...DOSE_AREAS.map((a) => clinicalArea(a)), dwellOnCheek(), stampingForehead()]
}
