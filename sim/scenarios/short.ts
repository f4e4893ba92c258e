// Short variants of library scenarios, for the runs in real time (the firmware in the VM against
// the plant, sim/scenario-vm.ts): about ten seconds each, so that a test can play several both
// ways. Same shapes as their long originals (faults.ts, pressure.ts), shorter glides; only buttons
// and hand scripts (a console command other than select_area cannot reach the VM yet).
import type { PlantFaults } from "../plant/pen"
import { Scenario, ScenarioBuilder, ScenarioExpect } from "../scenario"
import { CLEAR_HOLD_MS, FAULT_CASES } from "./faults"

/**
 * faults.ts's shape, shortened: cheeks, arm, a pass that the fault interrupts atMs into its glide,
 * lift, repair, hold the trigger to clear, arm again, one more pass.
 */
export function shortFaultScenario(faultName: keyof PlantFaults, seed: number, glideMs = 1500, atMs = 800): Scenario {
    const c = FAULT_CASES.find((f) => f.fault === faultName && !f.unplug)
    if (!c) throw new Error(`no fault case for ${faultName}`)
    const b = new ScenarioBuilder(`short ${c.name}`, seed, `${c.description} (short variant)`)
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.press("trigger", 120, "arm").wait(500)
    const start = b.now()
    b.pass(glideMs, 1.5, 1, "the pass the fault interrupts")
    const end = b.now()
    const breakAt = start + 200 + atMs
    b.wait(breakAt - end)
    b.fault(faultName, true, "break")
    b.wait(end - breakAt).wait(300)
    b.fault(faultName, false, "repaired")
    b.wait(500)
    b.press("trigger", CLEAR_HOLD_MS, "hold the trigger: clear the fault").wait(300)
    b.press("trigger", 120, "arm again").wait(500)
    b.pass(glideMs, 1.5, 1, "a pass after the repair")
    return b.build(c.expect)
}

/**
 * pressure.ts's operator, shortened: a lean past force.overPressureN and a jab in one pass, then a
 * press held at 4.6 N in the next; disarm.
 */
export function shortPressingTooHard(seed = 13): Scenario {
    const b = new ScenarioBuilder("short operator pressing too hard", seed,
        "cheeks: lean in to 5.5 N mid-pass and a jab, then a press held at 4.6 N (short variant)")
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.press("trigger", 120, "arm").wait(500)
    b.hand([
        { kind: "approach", durationMs: 200, forceN: 1.5 },
        { kind: "glide", durationMs: 600, forceN: 1.5 },
        { kind: "press", durationMs: 600, forceN: 5.5, rampMs: 250 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "approach", durationMs: 250, forceN: 1.5 },
        { kind: "glide", durationMs: 600, forceN: 1.5 },
        { kind: "press", durationMs: 150, forceN: 3.2, rampMs: 25 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "approach", durationMs: 250, forceN: 1.5 },
        { kind: "glide", durationMs: 600, forceN: 1.5 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 700, forceN: 0 },
    ], "pass 1: lean in, jab")
    b.hand([
        { kind: "approach", durationMs: 200, forceN: 1.5 },
        { kind: "glide", durationMs: 600, forceN: 1.5 },
        { kind: "press", durationMs: 1200, forceN: 4.6, rampMs: 400 },
        { kind: "glide", durationMs: 800, forceN: 1.5, rampMs: 300 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 700, forceN: 0 },
    ], "pass 2: pressing at 4.6 N, then back to a normal glide without lifting")
    b.press("trigger", 120, "disarm")
    return b.build({
        passes: { cheeks: 2 },
        overPressure: { cheeks: 2 },
        faults: [],
        overPressureCutoffsAtLeast: 2,
        riseCutoffsAtLeast: 1,
        finalState: "idle",
    })
}

/**
 * Several passes with the buttons only: periorbital (the first area, 2 passes) to its limit, a
 * touch on the locked area (no pass), the area button to the forehead, one pass there, disarm.
 */
export function shortMultiPass(seed = 14): Scenario {
    const b = new ScenarioBuilder("short multi-pass, two areas", seed,
        "periorbital 2 passes then locked, a touch on the locked area, forehead 1 pass (short)")
    b.wait(100).press("trigger", 120, "arm on periorbital").wait(400)
    b.pass(800, 1.0, 1, "periorbital pass 1")
    b.pass(800, 1.0, 2, "periorbital pass 2, with a reposition")
    b.pass(600, 1.0, 1, "a third touch on the locked periorbital area: no drive")
    b.press("area", 120, "forehead").wait(400)
    b.pass(800, 1.3, 1, "forehead pass 1")
    b.press("trigger", 120, "disarm")
    return b.build({
        passes: { periorbital: 2, forehead: 1 },
        overPressure: {},
        faults: [],
        finalState: "idle",
    })
}

/** the short variants (for `npm run sim` and test/fil/agreement.test.ts) */
export function shortScenarios(): Scenario[] {
    return [
        shortPressingTooHard(),
        shortFaultScenario("forceOpen", 30),
        shortFaultScenario("strokeSilent", 31),
        shortMultiPass(),
    ]
}
