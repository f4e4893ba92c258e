// Treatment sessions as an operator would run them: each area in sections and rounds of the three
// directions, lifts to reposition and reapply serum (sim/scenarios/dose.ts planUntilLimit), until
// the pen locks the area; the area button to the next one.
import { FACTORY_PROFILE } from "../../src/profile.g"
import { ScenarioBuilder, Scenario } from "../scenario"
import { LOCK_AGREEMENT, planUntilLimit, playPlan } from "./dose"

/** a locked area's final dose: its limit, and the strokes of the needle's stop after the lock */
const LOCKED_OVERSHOOT_PASSES = 0.02

function preset(areaId: string) {
    const a = FACTORY_PROFILE.areas.find((x) => x.id === areaId)
    if (!a) throw new Error(`no area ${areaId} in the profile`)
    return a.preset
}

/**
 * A full-face session (~25 minutes): periorbital (2 passes, its limit, then a touch on the locked
 * area), forehead, nose (pass limit raised to 3 on the console), perioral and one cheek, each
 * treated clinically until the pen locks it, areas chosen with the area button; one console
 * request for a depth above the cheeks' cap (refused).
 */
export function fullFaceSession(seed = 11, o: { onePass?: boolean } = {}): Scenario {
    const b = new ScenarioBuilder(o.onePass ? "full-face session, one pass an area" : "full-face session", seed,
        o.onePass ? "~9 min: the full-face session with every area's limit set to 1 pass on the console (for the tests)"
            : "~25 min: periorbital, forehead, nose (limit raised to 3), perioral, cheeks, each treated clinically until the pen locks it; depth caps per area")
    const limits: Record<string, number> = o.onePass ? { periorbital: 1, forehead: 1, nose: 1, perioral: 1, cheeks: 1 }
        : { periorbital: 2, forehead: 3, nose: 3, perioral: 3, cheeks: 3 }
    if (o.onePass)
        for (const id of ["periorbital", "forehead", "perioral", "cheeks"]) {
            const p = preset(id)
            b.command({ kind: "set_preset", areaId: id, depthMm: p.depthMm, strokeHz: p.strokeHz, passLimit: 1 }, `${id}: 1 pass`)
        }
    const treat = (areaId: string, k: number) => playPlan(b, areaId, planUntilLimit(areaId, seed + k, limits[areaId], preset(areaId).strokeHz))
    b.wait(300).press("trigger", 120, "arm on periorbital").wait(400)
    treat("periorbital", 0)
    b.pass(3000, 1.0, 1, "a touch on the locked periorbital area: no drive")
    b.press("area", 120, "forehead").wait(400)
    treat("forehead", 1)
    b.press("area", 120, "nose").wait(400)
    b.command({ kind: "set_preset", areaId: "nose", depthMm: 0.25, strokeHz: 100, passLimit: limits.nose }, `nose: ${limits.nose} passes`)
    treat("nose", 2)
    b.press("area", 120, "perioral").wait(400)
    treat("perioral", 3)
    b.press("area", 120, "cheeks").wait(100)
    b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 2.5, strokeHz: 120, passLimit: limits.cheeks }, "above the 2.0 mm cap: refused")
    b.wait(500)
    treat("cheeks", 4)
    b.press("trigger", 120, "disarm")
    const passes: Record<string, [number, number]> = {}
    for (const id of Object.keys(limits)) passes[id] = [limits[id], limits[id] + LOCKED_OVERSHOOT_PASSES]
    return b.build({
        passes,
        locked: Object.keys(limits),
        overPressure: {},
        faults: [],
        refusedAtLeast: 1,
        finalState: "idle",
        // over-treatment is reported, not judged: at seed 11 the periorbital operator's slow rows
        // leave one cm² at ~4.1 passes (2 x its limit) where their ends and the sections' seams
        // meet, while the mean is at the limit; the dose rule limits the mean (docs/DOSE.md)
        dose: { areaId: "cheeks", noPrematureLock: true, lockAgreesWithin: LOCK_AGREEMENT },
    })
}

/**
 * Acne scars on the cheeks at depth: 1.5 mm at 120 strokes/s set on the console (a request for
 * 2.25 mm, above the 2.0 mm cap, is refused), a firmer hand (1.6-2.0 N), treated clinically until
 * the pen locks the cheek, a touch on the locked area, disarm. The tests play it to a 1-pass limit.
 */
export function acneScarCheeks(seed = 12, passLimit = 3): Scenario {
    const b = new ScenarioBuilder(passLimit === 3 ? "acne-scar cheeks at 1.5 mm" : `acne-scar cheeks at 1.5 mm, ${passLimit} pass${passLimit > 1 ? "es" : ""}`, seed,
        `cheeks at 1.5 mm, 120 strokes/s, treated clinically at 1.6-2.0 N until locked at ${passLimit} passes`)
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 2.25, strokeHz: 120, passLimit }, "above the cap: refused")
    b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 1.5, strokeHz: 120, passLimit })
    b.press("trigger", 120, "arm").wait(500)
    playPlan(b, "cheeks", planUntilLimit("cheeks", seed, passLimit, 120, { forceN: [1.6, 2.0] }))
    b.pass(3000, 1.8, 1, "a touch on the locked area: no drive")
    b.press("trigger", 120, "disarm")
    return b.build({
        passes: { cheeks: [passLimit, passLimit + LOCKED_OVERSHOOT_PASSES] }, locked: ["cheeks"], overPressure: {}, faults: [], refusedAtLeast: 1, finalState: "idle",
        // over-treatment judged at the 3-pass limit only (a 1-pass run: see sim/scenarios/dose.ts clinicalArea)
        dose: passLimit === 3 ? { areaId: "cheeks", noFindings: true, lockAgreesWithin: LOCK_AGREEMENT }
            : { areaId: "cheeks", noPrematureLock: true, lockAgreesWithin: LOCK_AGREEMENT },
    })
}
