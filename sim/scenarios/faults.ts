// One scenario per injectable fault. Each: cheeks at 1.0 mm, a pass in progress when the fault
// comes on, the operator lifts, the fault is removed (repaired), the operator holds the trigger
// for control.clearHoldMs to clear it, arms again and finishes a pass.
import type { FaultCode } from "../../core/types"
import type { PlantFaults } from "../plant/pen"
import { createRng, rngUniform } from "../plant/rng"
import { Scenario, ScenarioBuilder, ScenarioExpect, ScenarioRole, needledPasses, passesOfNeedling } from "../scenario"

/**
 * The cheeks' dose after a pass the fault interrupts (glideMs) and the pass after the repair
 * (afterMs): at least half of what the second can deliver, at most the whole contact time at the
 * preset rate (+10 %; each pass's 200 ms touch-down included)
 */
export function faultCasePasses(glideMs: number, afterMs: number): [number, number] {
    return [0.5 * passesOfNeedling("cheeks", afterMs), 1.1 * passesOfNeedling("cheeks", glideMs + afterMs + 400)]
}

/** long enough for PressTracker's hold gesture (control.clearHoldMs = 2000 ms in devs.json) */
export const CLEAR_HOLD_MS = 2200

interface FaultCase {
    name: string
    description: string
    /** what to break and what to repair */
    fault?: keyof PlantFaults
    unplug?: ScenarioRole
    /** a plant fault that goes with the unplug (a device off the bus is unpowered too) */
    alsoFault?: keyof PlantFaults
    /** ms into the glide when it breaks */
    atMs: number
    /** glide length of the pass it breaks */
    glideMs: number
    expect: ScenarioExpect
}

function faultScenario(c: FaultCase, seed: number): Scenario {
    const b = new ScenarioBuilder(c.name, seed, c.description)
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.press("trigger", 120, "arm").wait(500)
    const start = b.now()
    b.pass(c.glideMs, 1.5, 1, "the pass the fault interrupts")
    const end = b.now()
    const breakAt = start + 200 + c.atMs
    b.wait(breakAt - end)
    if (c.fault) b.fault(c.fault, true, "break")
    if (c.alsoFault) b.fault(c.alsoFault, true)
    if (c.unplug) b.unplug(c.unplug, true, "off the bus")
    b.wait(end - breakAt).wait(300)
    if (c.fault) b.fault(c.fault, false, "repaired")
    if (c.alsoFault) b.fault(c.alsoFault, false)
    if (c.unplug) b.unplug(c.unplug, false, "back on the bus")
    b.wait(500)
    b.press("trigger", CLEAR_HOLD_MS, "hold the trigger: clear the fault").wait(300)
    b.press("trigger", 120, "arm again").wait(500)
    b.pass(3000, 1.5, 1, "a pass after the repair")
    return b.build({ passes: { cheeks: faultCasePasses(c.glideMs, 3000) }, ...c.expect })
}

const after = (code: FaultCode, extra: Partial<ScenarioExpect> = {}): ScenarioExpect => ({
    faults: [code],
    finalState: "armed",
    ...extra,
})

export const FAULT_CASES: FaultCase[] = [
    {
        name: "fault: force sensor open", fault: "forceOpen", atMs: 1500, glideMs: 4000,
        description: "the FSR cable comes off mid-pass: reads ~0 of full scale",
        expect: after("force_open"),
    },
    {
        name: "fault: force sensor stuck", fault: "forceStuck", atMs: 1000, glideMs: 5000,
        description: "the force reading freezes mid-pass while the needle runs",
        expect: after("force_stuck"),
    },
    {
        name: "fault: force sensor saturated", fault: "forceSaturated", atMs: 1500, glideMs: 4000,
        description: "the FSR shorts mid-pass: reads full scale",
        // the first saturated sample reads as a very hard press: the over-pressure cutoff stops
        // the needle (and records a too-hard press) before the range check trips
        expect: after("force_saturated", { overPressure: { cheeks: 1 }, overPressureCutoffsAtLeast: 1 }),
    },
    {
        name: "fault: force sensor noisy", fault: "forceNoisy", atMs: 1000, glideMs: 4000,
        description: "the FSR reading gets noisy (sigma 3% of full scale) for the rest of the pass",
        // no fault code of its own: while loaded the pass runs on; once lifted (~0 N) the noise
        // crosses openBelowRatio three samples in a row and force_open trips
        expect: after("force_open"),
    },
    {
        name: "fault: stroke sensor silent", fault: "strokeSilent", atMs: 1500, glideMs: 4000,
        description: "the stroke sensor stops counting mid-pass: the core sees no strokes at a high drive",
        expect: after("stroke_silent"),
    },
    {
        name: "fault: motor jammed", fault: "motorJammed", atMs: 1500, glideMs: 4000,
        description: "the cartridge jams mid-pass: the cam stops, so do the counts",
        expect: after("stroke_silent"),
    },
    {
        name: "fault: pressure sensor off the bus", unplug: "pressure", atMs: 1500, glideMs: 4000,
        description: "the pressure sensor leaves the bus mid-pass: its samples stop at once, the role unbinds ~2 s later, so the stale-sample watchdog trips first",
        expect: after("force_stale"),
    },
    {
        name: "fault: stroke sensor off the bus", unplug: "stroke", atMs: 1500, glideMs: 4000,
        description: "the stroke sensor leaves the bus mid-pass: its counts stop at once, the role unbinds ~2 s later, so the silent-sensor watchdog trips first",
        expect: after("stroke_silent"),
    },
    {
        name: "fault: depth actuator off the bus", unplug: "depth", alsoFault: "actuatorMissing", atMs: 1500, glideMs: 4000,
        description: "the depth actuator leaves the bus (and loses power) mid-pass",
        expect: after("depth_missing"),
    },
    {
        name: "fault: depth feedback open", fault: "depthWiperOpen", atMs: 1500, glideMs: 4000,
        description: "the depth feedback pot's wiper opens mid-pass: depthPos reads ~0, no position",
        expect: after("depth_missing"),
    },
    {
        name: "fault: needle motor off the bus", unplug: "needle", atMs: 1500, glideMs: 4000,
        description: "the needle motor driver leaves the bus mid-pass: it keeps the last drive it got",
        expect: after("role_lost", { hazard: "drive_held" }),
    },
]

export function faultScenarios(seed = 20): Scenario[] {
    return FAULT_CASES.map((c, i) => faultScenario(c, seed + i))
}

/**
 * The depth actuator sticks between two areas: the core commands the scalp's 0.6 mm, the
 * actuator stays at the cheeks' 1.0 mm. The operator touches the skin while it should move (no
 * drive: the depth is not there), the follow check trips, the actuator is freed, the fault
 * cleared, and a scalp pass runs at the right depth.
 */
export function actuatorStuck(seed = 40): Scenario {
    const b = new ScenarioBuilder("fault: depth actuator stuck", seed,
        "actuator sticks at 1.0 mm; the next area (scalp) needs 0.6 mm")
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.press("trigger", 120, "arm").wait(500)
    b.pass(3000, 1.5, 1, "a cheeks pass at 1.0 mm")
    b.fault("actuatorStuck", true, "the lead screw sticks")
    b.press("area", 120, "scalp: 0.6 mm").wait(300)
    b.hand([
        { kind: "approach", durationMs: 200, forceN: 1.5 },
        { kind: "glide", durationMs: 2000, forceN: 1.5 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 700, forceN: 0 },
    ], "touches the scalp at the wrong depth: no drive")
    b.fault("actuatorStuck", false, "freed").wait(300)
    b.press("trigger", CLEAR_HOLD_MS, "clear").wait(300)
    b.press("trigger", 120, "arm again").wait(800)
    b.pass(3000, 1.5, 1, "a scalp pass at 0.6 mm")
    return b.build({ faults: ["depth_not_following"], passes: { cheeks: needledPasses("cheeks", 3200), scalp: needledPasses("scalp", 3200) }, locked: [], finalState: "armed" })
}

/**
 * Areas changed in quick succession from the console (a fast thumb, a script): 40 select_area
 * commands, one every loMs..hiMs (random, the builder's command taking 20 ms of it), then 2 s of
 * rest. No fault is expected (the depth rules: docs/SAFETY.md H8); `lastAreaId` is where the
 * actuator must end. Played by test/sim/closedloop.test.ts and sim/depth-sweep.ts
 */
export function quickAreaChanges(areaIds: string[], seed: number, loMs: number, hiMs: number): { scenario: Scenario; lastAreaId: string } {
    const g = createRng(seed)
    const b = new ScenarioBuilder(`area changes every ${loMs}-${hiMs} ms`, seed)
    b.wait(500)
    let last = ""
    for (let i = 0; i < 40; i++) {
        last = areaIds[Math.floor(rngUniform(g) * areaIds.length)]
        b.command({ kind: "select_area", areaId: last }).wait(loMs - 20 + rngUniform(g) * (hiMs - loMs))
    }
    return { scenario: b.build({}, 2000), lastAreaId: last }
}
