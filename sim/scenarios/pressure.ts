// An operator who presses too hard: a slow lean past force.overPressureN, a fast jab, and a
// long press held above the limit.
import { ScenarioBuilder, Scenario, needledPasses } from "../scenario"

export function pressingTooHard(seed = 13): Scenario {
    const b = new ScenarioBuilder("operator pressing too hard", seed,
        "cheeks: lean in to 5.5 N mid-pass, a jab, then a press held at 4.6 N for 2 s")
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.press("trigger", 120, "arm").wait(500)
    b.pass(5000, 1.5, 1, "pass 1: normal")
    b.hand([
        { kind: "approach", durationMs: 200, forceN: 1.5 },
        { kind: "glide", durationMs: 2000, forceN: 1.5 },
        // leaning in over a quarter second: slower than a jab, so over-pressure is what stops it
        { kind: "press", durationMs: 600, forceN: 5.5, rampMs: 250 },
        // lifts off briefly (under releaseDebounceMs) and carries on: the same pass
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "approach", durationMs: 250, forceN: 1.5 },
        { kind: "glide", durationMs: 2000, forceN: 1.5 },
        // a jab: 1.5 -> 3.5 N in 40 ms (50 N/s: below the over-pressure limit, above the rise
        // limit of 40 N/s). 40 ms holds at least three whole 10 ms force samples, so the rise rule
        // (3 samples in a row) sees it whatever the sampling phase; a 25 ms jab was a coin toss
        // between the closed loop and the VM (test/fil/agreement.test.ts)
        { kind: "press", durationMs: 150, forceN: 3.5, rampMs: 40 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "approach", durationMs: 250, forceN: 1.5 },
        { kind: "glide", durationMs: 2000, forceN: 1.5 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 700, forceN: 0 },
    ], "pass 2: lean in, jab")
    b.hand([
        { kind: "approach", durationMs: 200, forceN: 1.5 },
        { kind: "glide", durationMs: 1500, forceN: 1.5 },
        { kind: "press", durationMs: 2000, forceN: 4.6, rampMs: 400 },
        { kind: "glide", durationMs: 1500, forceN: 1.5, rampMs: 300 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 700, forceN: 0 },
    ], "pass 3: pressing at 4.6 N for 2 s, then back to a normal glide without lifting")
    b.press("trigger", 120, "disarm")
    return b.build({
        // on the skin ~17.9 s in all; the cutoffs keep the needle still for much of the presses
        passes: { cheeks: needledPasses("cheeks", 17900, 0.4) },
        locked: [],
        overPressure: { cheeks: 2 },
        faults: [],
        overPressureCutoffsAtLeast: 2,
        riseCutoffsAtLeast: 1,
        finalState: "idle",
    })
}
