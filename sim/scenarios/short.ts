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
        { kind: "press", durationMs: 150, forceN: 3.7, rampMs: 40 },
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

/**
 * Presets from the console (set_preset, new_session reach the firmware through its console
 * service): cheeks to 1.50 mm at 130/s with 1 pass, a refused 2.50 mm (above the cheeks cap), one
 * pass with a too-hard press that locks cheeks, a touch on the locked area, a new session (which
 * clears the too-hard press), one pass that locks cheeks again and a touch. Final counts tell
 * whether each console command arrived: no new session leaves the too-hard press, no preset
 * (3 passes) makes the last touch a second pass.
 */
export function shortConsole(seed = 15): Scenario {
    const b = new ScenarioBuilder("short console session", seed,
        "console presets: cheeks 1.50 mm, 130/s, 1 pass; 2.50 mm refused; a pass with a too-hard press locks cheeks; a new session; one pass locks it again (short)")
    b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 1.5, strokeHz: 130, passLimit: 1 }, "cheeks 1.50 mm, 130/s, 1 pass")
    b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 2.5, strokeHz: 130, passLimit: 1 }, "refused: above the cheeks cap of 2.00 mm")
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.wait(300).press("trigger", 120, "arm on cheeks").wait(700)
    b.hand([
        { kind: "approach", durationMs: 200, forceN: 1.2 },
        { kind: "glide", durationMs: 500, forceN: 1.2 },
        { kind: "press", durationMs: 700, forceN: 4.6, rampMs: 300 },
        { kind: "glide", durationMs: 500, forceN: 1.2, rampMs: 200 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 700, forceN: 0 },
    ], "cheeks pass 1 of 1, with a too-hard press")
    b.pass(500, 1.2, 1, "a touch on the locked area: no drive")
    b.press("trigger", 120, "disarm").wait(300)
    // the new session clears the ledger, the too-hard press with it: the final counts show it arrived
    b.command({ kind: "new_session" }, "a new session: every area has its passes again")
    b.wait(300).press("trigger", 120, "arm").wait(400)
    b.pass(800, 1.2, 1, "cheeks pass 1 of the new session")
    // the preset's 1 pass holds: with the factory 3 this would be a second pass
    b.pass(500, 1.2, 1, "a touch on the locked area again: no drive")
    b.press("trigger", 120, "disarm")
    return b.build({ passes: { cheeks: 1 }, overPressure: {}, faults: [], overPressureCutoffsAtLeast: 1, finalState: "idle" })
}

/** the short variants (for `npm run sim` and test/fil/agreement.test.ts) */
export function shortScenarios(): Scenario[] {
    return [
        shortPressingTooHard(),
        shortFaultScenario("forceOpen", 30),
        shortFaultScenario("strokeSilent", 31),
        shortMultiPass(),
        shortConsole(),
    ]
}
