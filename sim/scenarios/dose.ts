// Dose scenarios (issue 13): an operator treats an area with a clinical technique (sections, rows
// in two or three directions, lifts to reposition and reapply serum), or with a bad habit (a dwell,
// stamping). Judged on the area's true density map (sim/judge-dose.ts). Their expectations are
// what a dose rule must achieve; today's rule (a pass = a contact episode) locks the area after a
// few lifts and does not limit a dwell, so each is marked expectsDoseRule and the scenario tests
// list it as a todo until the rule exists.
import { AREA_SIZES } from "../plant/areas"
import { SIM_CARTRIDGE, depositTechnique, perPassDensityPerCm2 } from "../plant/dose"
import { createSkinMap, meanDensityPerCm2 } from "../plant/skin"
import { ClinicalOptions, ClinicalTechnique, Direction, clinicalTechnique } from "../plant/technique"
import { Scenario, ScenarioBuilder } from "../scenario"
import { FACTORY_PROFILE } from "../../src/profile.g"

/** the areas with a clinical scenario: the face, each at its factory preset */
export const DOSE_AREAS = ["periorbital", "forehead", "nose", "perioral", "cheeks"]

/** a dose rule may stop the last pass this far past the limit (a lock lands between strokes of a row) */
const OVERSHOOT_PASSES = 0.15

function preset(areaId: string) {
    const a = FACTORY_PROFILE.areas.find((x) => x.id === areaId)
    if (!a) throw new Error(`no area ${areaId} in the profile`)
    return a.preset
}

function technique(areaId: string, seed: number, extra: Partial<ClinicalOptions> = {}): ClinicalTechnique {
    const size = AREA_SIZES[areaId]
    return clinicalTechnique({
        widthMm: size.widthMm, heightMm: size.heightMm, footprintMm: SIM_CARTRIDGE.footprint.diameterMm, seed, ...extra,
    })
}

/** the mean dose (passes) the technique lays down if the pen runs whenever it touches (sim/plant/dose.ts) */
function idealPasses(areaId: string, tech: ClinicalTechnique): number {
    const size = AREA_SIZES[areaId]
    const map = createSkinMap(size.widthMm, size.heightMm, 2)
    const strokeHz = preset(areaId).strokeHz
    depositTechnique(map, tech, { needles: SIM_CARTRIDGE.needles, strokeHz, footprint: SIM_CARTRIDGE.footprint })
    return meanDensityPerCm2(map) / perPassDensityPerCm2(strokeHz)
}

function treat(name: string, description: string, areaId: string, seed: number, tech: ClinicalTechnique): ScenarioBuilder {
    const b = new ScenarioBuilder(name, seed, description)
    b.command({ kind: "select_area", areaId }).press("trigger", 120, "arm").wait(500)
    b.technique(areaId, tech, `${tech.sections.length} sections, ${tech.rowCount} rows, glide ~${tech.usualSpeedMmS.toFixed(0)} mm/s`)
    return b
}

/**
 * One area treated clinically, as many directions as the area's pass limit. With a dose rule the
 * skin gets what the technique lays down, or the limit's dose if that is less, and no finding.
 */
export function clinicalArea(areaId: string, seed = 13): Scenario {
    const limit = preset(areaId).passLimit
    const directions = (["horizontal", "vertical", "oblique"] as Direction[]).slice(0, Math.min(3, limit))
    const tech = technique(areaId, seed, { directions })
    const ideal = idealPasses(areaId, tech)
    const b = treat(`dose: clinical ${areaId}`,
        `${areaId} in sections, ${directions.join("/")} rows, lifts to reposition and for serum; judged on the true density map`,
        areaId, seed, tech)
    return b.build({
        faults: [],
        dose: { areaId, meanPassesAtLeast: 0.85 * Math.min(ideal, limit), meanPassesAtMost: limit + OVERSHOOT_PASSES, noFindings: true },
    }, 1000, true)
}

/** Bad habit: the operator stops mid-row and holds the pen on one spot of the cheek for dwellMs. */
export function dwellOnCheek(dwellMs = 8000, seed = 14): Scenario {
    const tech = technique("cheeks", seed, { directions: ["horizontal", "vertical"], dwell: { section: 0, durationMs: dwellMs } })
    const b = treat(`dose: dwell ${dwellMs / 1000} s on the cheek`,
        `cheek, clinical rows, but the pen held still on one spot for ${dwellMs / 1000} s in the first row`, "cheeks", seed, tech)
    return b.build({ faults: [], dose: { areaId: "cheeks", noFindings: true } }, 1000, true)
}

/**
 * Bad habit: stamping on one spot of the forehead, presses of 0.5 s lifted 0.25 s between them
 * (each press loses its first ~0.2 s to the touch-down and the needle's start).
 */
export function stampingForehead(presses = 40, seed = 15): Scenario {
    const tech = technique("forehead", seed, { directions: ["horizontal"], stamp: { section: 0, presses, onMs: 500, offMs: 250 } })
    const b = treat(`dose: stamping on the forehead`,
        `forehead: ${presses} stamps of 0.5 s on one spot, lifted 0.25 s between them, then clinical rows`, "forehead", seed, tech)
    return b.build({ faults: [], dose: { areaId: "forehead", noFindings: true } }, 1000, true)
}

export function doseScenarios(): Scenario[] {
    return [...DOSE_AREAS.map((a) => clinicalArea(a)), dwellOnCheek(), stampingForehead()]
}
