// Treatment sessions as an operator would run them.
import { ScenarioBuilder, Scenario } from "../scenario"

/** a reposition (off the skin ~0.1 s, well under releaseDebounceMs) every this many ms of glide */
const PIECE_MS = 8000

function pieces(glideMs: number): number {
    return Math.max(1, Math.round(glideMs / PIECE_MS))
}

/**
 * A 30-minute full-face session: periorbital (2 passes, its limit, then a touch on the locked
 * area), forehead, nose (pass limit raised to 3 on the console), perioral and both cheeks, three
 * passes each, areas chosen with the area button; one console request for a depth above the
 * cheeks' cap (refused). Every pass has repositions that stay within one pass.
 */
export function fullFaceSession(seed = 11): Scenario {
    const b = new ScenarioBuilder("full-face session", seed,
        "30 min: periorbital 2 passes then locked, forehead, nose, perioral, cheeks 3 passes each, depth caps per area")
    const passes = (n: number, glideMs: number, forceN: number) => {
        for (let i = 0; i < n; i++) b.pass(glideMs, forceN, pieces(glideMs), `pass ${i + 1}`)
    }
    b.wait(300).press("trigger", 120, "arm on periorbital").wait(400)
    passes(2, 60000, 1.0)
    b.pass(3000, 1.0, 1, "a third touch on the locked periorbital area: no drive")
    b.press("area", 120, "forehead").wait(400)
    passes(3, 130000, 1.3)
    b.press("area", 120, "nose").wait(400)
    b.command({ kind: "set_preset", areaId: "nose", depthMm: 0.25, strokeHz: 100, passLimit: 3 }, "nose: 3 passes")
    passes(3, 50000, 1.0)
    b.press("area", 120, "perioral").wait(400)
    passes(3, 90000, 1.2)
    b.press("area", 120, "cheeks").wait(100)
    b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 2.5, strokeHz: 120, passLimit: 3 }, "above the 2.0 mm cap: refused")
    b.wait(500)
    passes(3, 290000, 1.5)
    b.press("trigger", 120, "disarm")
    return b.build({
        passes: { periorbital: 2, forehead: 3, nose: 3, perioral: 3, cheeks: 3 },
        overPressure: {},
        faults: [],
        refusedAtLeast: 1,
        finalState: "idle",
    })
}

/**
 * Acne scars on the cheeks at depth: 1.5 mm at 120 strokes/s set on the console (a request for
 * 2.25 mm, above the 2.0 mm cap, is refused), three firmer passes, a fourth touch on the locked
 * area, disarm.
 */
export function acneScarCheeks(seed = 12): Scenario {
    const b = new ScenarioBuilder("acne-scar cheeks at 1.5 mm", seed,
        "cheeks at 1.5 mm, 120 strokes/s, 3 passes at 1.8 N, locked after the third")
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 2.25, strokeHz: 120, passLimit: 3 }, "above the cap: refused")
    b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 1.5, strokeHz: 120, passLimit: 3 })
    b.press("trigger", 120, "arm").wait(500)
    for (let i = 0; i < 3; i++) b.pass(40000, 1.8, 5, `pass ${i + 1}`)
    b.pass(3000, 1.8, 1, "a fourth touch: locked, no drive")
    b.press("trigger", 120, "disarm")
    return b.build({ passes: { cheeks: 3 }, overPressure: {}, faults: [], refusedAtLeast: 1, finalState: "idle" })
}
