// Short variants of library scenarios, for the runs in real time (the firmware in the VM against
// the plant, sim/scenario-vm.ts): about ten seconds each, so that a test can play several both
// ways. Same shapes as their long originals (faults.ts, pressure.ts), shorter glides; only buttons
// and hand scripts (a console command other than select_area cannot reach the VM yet).
import type { PlantFaults } from "../plant/pen"
import { Scenario, ScenarioBuilder, ScenarioExpect, needledPasses } from "../scenario"
import { CLEAR_HOLD_MS, FAULT_CASES, faultCasePasses } from "./faults"

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
    return b.build({ ...c.expect, passes: { cheeks: faultCasePasses(glideMs, glideMs) } })
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
        // on the skin ~6 s in all; the cutoffs keep the needle still for much of the presses
        passes: { cheeks: needledPasses("cheeks", 6050, 0.3) },
        locked: [],
        overPressure: { cheeks: 2 },
        faults: [],
        overPressureCutoffsAtLeast: 2,
        riseCutoffsAtLeast: 1,
        finalState: "idle",
    })
}

/**
 * Buttons only, lifts that no longer count: periorbital glided in four strokes with lifts of
 * 0.4-1.5 s between them (the old rule, a pass per contact episode, locked it after the second),
 * the area button to the forehead, one glide there, disarm. The dose is what the needle put in:
 * a small share of a pass on each area, no lock.
 */
export function shortMultiPass(seed = 14): Scenario {
    const b = new ScenarioBuilder("short multi-glide, two areas", seed,
        "periorbital: four glides with lifts of 0.4-1.5 s between them, no lock; forehead one glide (short)")
    b.wait(100).press("trigger", 120, "arm on periorbital").wait(400)
    b.pass(800, 1.0, 1, "periorbital glide 1")
    b.wait(400)
    b.pass(800, 1.0, 2, "periorbital glide 2, with a quick reposition")
    b.wait(1500)
    b.pass(600, 1.0, 1, "periorbital glide 3 after a 2 s lift for serum")
    b.press("area", 120, "forehead").wait(400)
    b.pass(800, 1.3, 1, "forehead glide 1")
    b.press("trigger", 120, "disarm")
    return b.build({
        // contact: 200 ms touch-downs + glides; periorbital 3 touch-downs + 1 re-approach
        passes: { periorbital: needledPasses("periorbital", 3000), forehead: needledPasses("forehead", 1000) },
        locked: [],
        overPressure: {},
        faults: [],
        finalState: "idle",
    })
}

/** the fastest lock the console can set: periorbital (9.6 cm², 1600/cm² a pass) at 150 strokes/s, 1 pass: ~8.5 s of needling */
const FAST_LOCK = { areaId: "periorbital", depthMm: 0.5, strokeHz: 150, passLimit: 1 }

/**
 * Presets from the console (set_preset, new_session reach the firmware through its console
 * service): periorbital to 0.50 mm at 150/s with 1 pass, a refused 0.75 mm (above its cap), a
 * treatment with a too-hard press that reaches the 1-pass dose and locks periorbital, a touch on
 * the locked area, a new session (which clears the dose and the too-hard press), one short glide.
 * Final counts tell whether each console command arrived: no preset (factory 2 passes at 100/s)
 * and nothing locks; no new session leaves a whole pass and the too-hard press.
 */
export function shortConsole(seed = 15): Scenario {
    const b = new ScenarioBuilder("short console session", seed,
        "console presets: periorbital 0.50 mm, 150/s, 1 pass; 0.75 mm refused; glides with a too-hard press lock periorbital; a new session; one glide (short)")
    const f = FAST_LOCK
    b.command({ kind: "set_preset", ...f }, "periorbital 0.50 mm, 150/s, 1 pass")
    b.command({ kind: "set_preset", ...f, depthMm: 0.75 }, "refused: above the periorbital cap of 0.50 mm")
    b.command({ kind: "select_area", areaId: f.areaId })
    b.wait(300).press("trigger", 120, "arm on periorbital").wait(700)
    b.hand([
        { kind: "approach", durationMs: 200, forceN: 1.2 },
        { kind: "glide", durationMs: 2500, forceN: 1.2 },
        { kind: "press", durationMs: 700, forceN: 4.6, rampMs: 300 },
        { kind: "glide", durationMs: 2500, forceN: 1.2, rampMs: 200 },
        { kind: "lift", durationMs: 600, forceN: 0 },
        { kind: "approach", durationMs: 200, forceN: 1.2 },
        { kind: "glide", durationMs: 8000, forceN: 1.2 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 700, forceN: 0 },
    ], "periorbital to its 1-pass dose, with a too-hard press: locks")
    b.pass(500, 1.2, 1, "a touch on the locked area: no drive")
    b.press("trigger", 120, "disarm").wait(300)
    // the new session clears the ledger, the too-hard press with it: the final counts show it arrived
    b.command({ kind: "new_session" }, "a new session: every area has its dose again")
    b.wait(300).press("trigger", 120, "arm").wait(400)
    b.pass(800, 1.2, 1, "one glide of the new session")
    b.press("trigger", 120, "disarm")
    return b.build({
        passes: { periorbital: needledPasses("periorbital", 1000, 0.5, f.strokeHz) }, locked: [f.areaId], overPressure: {}, faults: [],
        overPressureCutoffsAtLeast: 1, finalState: "idle",
    })
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
