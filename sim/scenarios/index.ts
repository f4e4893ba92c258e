// Every scenario, for the closed loop (sim/closedloop.ts) and the real-time rig.
import type { Scenario } from "../scenario"
import { doseScenarios } from "./dose"
import { actuatorStuck, faultScenarios } from "./faults"
import { pressingTooHard } from "./pressure"
import { acneScarCheeks, fullFaceSession } from "./session"

export { actuatorStuck, faultScenarios, quickAreaChanges, FAULT_CASES, CLEAR_HOLD_MS } from "./faults"
export { pressingTooHard } from "./pressure"
export { DOSE_AREAS, clinicalArea, doseScenarios, dwellOnCheek, stampingForehead } from "./dose"
export { acneScarCheeks, fullFaceSession } from "./session"

/** all scenarios, built with their default seeds */
export function allScenarios(): Scenario[] {
    return [fullFaceSession(), acneScarCheeks(), pressingTooHard(), ...faultScenarios(), actuatorStuck(), ...doseScenarios()]
}
