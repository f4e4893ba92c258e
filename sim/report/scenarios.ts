// The scenarios `npm run sim` knows, by the name a command line gives: the library of
// sim/scenarios plus the short ones, each found by its slug or a unique part of one.
import type { Scenario } from "../scenario"
import { allScenarios } from "../scenarios"
import { shortScenarios } from "../scenarios/short"

/** a scenario's name as a file and command-line word: "fault: force sensor open" -> "fault-force-sensor-open" */
export function slug(name: string): string {
    return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
}

export function scenarioLibrary(): Scenario[] {
    return [...allScenarios(), ...shortScenarios()]
}

/** the scenario a command-line word names: its slug, its name, or a part of one slug */
export function findScenario(word: string, all = scenarioLibrary()): Scenario | string {
    const w = slug(word)
    const exact = all.find((s) => slug(s.name) === w)
    if (exact) return exact
    const some = all.filter((s) => slug(s.name).includes(w))
    if (some.length === 1) return some[0]
    if (some.length === 0) return `no scenario matches "${word}"`
    return `"${word}" matches ${some.length} scenarios: ${some.map((s) => slug(s.name)).join(", ")}`
}
