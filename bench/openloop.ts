// The open-loop pen against the closed loop (bench `npm run bench`, rate hold): the same hand,
// seed and depth, once with the firmware's rate regulation closed around the plant
// (sim/closedloop.ts) and once with a fixed drive, as the commercial pens run. Benchmark code: it
// measures, it decides nothing.
import { depthToAngleDeg } from "../drivers/depth"
import type { Profile } from "../core/profile"
import { PLANT_STEP_MS, runClosedLoop } from "../sim/closedloop"
import { createHand, handForceAt } from "../sim/plant/hand"
import type { HandSegment } from "../sim/plant/hand"
import { createPlant, stepPlant } from "../sim/plant/pen"
import { Scenario, handScriptMs } from "../sim/scenario"
/** How the true stroke rate answered a load step. Percentages are of the set point. */
export interface LoadResponse {
    /** mean true rate before the step, at the light touch (strokes/s) */
    beforeHz: number
    /** mean true rate over the last second of the load (strokes/s) */
    steadyHz: number
    /** (steady - set) / set, % (negative = sags) */
    steadyErrPct: number
    /** (set - lowest true rate under the load) / set, % (rates averaged over stroke.rateWindowMs) */
    worstDipPct: number
    /** ms after the step until the true rate stays within ±5% of the set point; null = never */
    recoveryMs: number | null
    /** drive at the end of the load */
    dutyEnd: number
}

export interface OpenVsClosed {
    strokeHz: number
    forceN: number
    depthMm: number
    /** the fixed drive of the open-loop pen: strokeHz / needle.noLoadHzPerDuty */
    openDuty: number
    closed: LoadResponse
    open: LoadResponse
    /** open.worstDipPct / closed.worstDipPct */
    dipRatio: number
}

export interface CompareOptions {
    seed?: number
    /** the light touch the pen runs at before the load step (N); default 0.7 */
    lightN?: number
    /** how long the load is held (ms); default 3000 */
    loadMs?: number
    /** how fast the load comes on (ms); default 100 */
    loadRampMs?: number
}

const LIGHT_MS = 1500
const TOUCH_AT_MS = 1000

function loadScript(lightN: number, forceN: number, loadMs: number, rampMs: number): HandSegment[] {
    return [
        { kind: "approach", durationMs: 200, forceN: lightN },
        { kind: "hold", durationMs: LIGHT_MS - 200, forceN: lightN },
        { kind: "hold", durationMs: loadMs, forceN, rampMs },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 600, forceN: 0 },
    ]
}

/**
 * The true rate averaged over the trailing `avgN` samples (the core's rateWindowMs), so a dip is
 * the load's, not one tremor wiggle of the rotor.
 */
function respond(tMs: ArrayLike<number>, hzRaw: ArrayLike<number>, n: number, avgN: number, setHz: number, stepMs: number, endMs: number, duty: number): LoadResponse {
    const hz = new Float64Array(n)
    let acc = 0
    for (let i = 0; i < n; i++) {
        acc += hzRaw[i]
        if (i >= avgN) acc -= hzRaw[i - avgN]
        hz[i] = acc / Math.min(i + 1, avgN)
    }
    let beforeSum = 0
    let beforeN = 0
    let steadySum = 0
    let steadyN = 0
    let minHz = Infinity
    let lastOut = -1
    for (let i = 0; i < n; i++) {
        const t = tMs[i]
        if (t >= stepMs - 500 && t < stepMs) {
            beforeSum += hz[i]
            beforeN++
        }
        if (t >= stepMs && t < endMs) {
            if (hz[i] < minHz) minHz = hz[i]
            if (Math.abs(hz[i] - setHz) > 0.05 * setHz) lastOut = t
            if (t >= endMs - 1000) {
                steadySum += hz[i]
                steadyN++
            }
        }
    }
    const steadyHz = steadySum / steadyN
    let recoveryMs: number | null = lastOut < 0 ? 0 : lastOut + PLANT_STEP_MS - stepMs
    if (lastOut >= endMs - 200) recoveryMs = null
    return {
        beforeHz: beforeSum / beforeN,
        steadyHz,
        steadyErrPct: (100 * (steadyHz - setHz)) / setHz,
        worstDipPct: (100 * (setHz - minHz)) / setHz,
        recoveryMs,
        dutyEnd: duty,
    }
}

/**
 * The same contact load with the core's closed-loop regulator and with an open-loop drive (a
 * fixed duty for the rate, what commercial pens do). The pen runs at a light touch, then the hand
 * loads it to forceN (over loadRampMs) and holds; the true rate (plant) is compared with strokeHz.
 * The closed run is the whole core (a preset set on an area whose cap allows depthMm); the open
 * run is the plant alone with the same hand, seed and depth, the drive on from the first touch.
 */
export function compareOpenLoop(profile: Profile, strokeHz: number, forceN: number, depthMm: number, o: CompareOptions = {}): OpenVsClosed {
    const seed = o.seed ?? 1
    const lightN = o.lightN ?? 0.7
    const loadMs = o.loadMs ?? 3000
    const rampMs = o.loadRampMs ?? 100
    const area = profile.areas.find((a) => a.depthCapMm >= depthMm)
    if (!area) throw new Error(`no area allows ${depthMm} mm`)
    const script = loadScript(lightN, forceN, loadMs, rampMs)
    const stepMs = TOUCH_AT_MS + LIGHT_MS
    const endMs = stepMs + loadMs

    const scenario: Scenario = {
        name: `load step ${forceN} N at ${depthMm} mm, ${strokeHz} strokes/s`,
        description: "closed loop side of compareOpenLoop",
        seed,
        durationMs: TOUCH_AT_MS + handScriptMs(script),
        steps: [
            { atMs: 0, command: { kind: "set_preset", areaId: area.id, depthMm, strokeHz, passLimit: 3 } },
            { atMs: 10, command: { kind: "select_area", areaId: area.id } },
            { atMs: 20, press: "trigger" },
            { atMs: TOUCH_AT_MS, hand: script },
        ],
        expect: {},
    }
    const r = runClosedLoop(profile, scenario, { traceEveryMs: PLANT_STEP_MS })
    const tr = r.trace!
    const endIdx = Math.min(tr.length - 1, Math.round(endMs / PLANT_STEP_MS) - 1)
    const avgN = Math.max(1, Math.round(profile.stroke.rateWindowMs / PLANT_STEP_MS))
    const closed = respond(tr.tMs, tr.strokeHzTrue, tr.length, avgN, strokeHz, stepMs, endMs, tr.dutyPlant[endIdx])
    if (r.summary.faults.length > 0 || r.summary.overPressureCutoffs + r.summary.riseCutoffs > 0)
        throw new Error(`compareOpenLoop: the closed run was interrupted: ${r.events.map((e) => e.kind + " " + e.message).join("; ")}`)

    // open loop: plant only, same hand and seed, fixed duty from the first touch
    const openDuty = strokeHz / profile.needle.noLoadHzPerDuty
    const plant = createPlant(profile, seed)
    const hand = createHand(script, seed)
    const angle = depthToAngleDeg(profile.depth, depthMm)
    const n = Math.round(endMs / PLANT_STEP_MS)
    const tMs = new Float64Array(n)
    const hz = new Float32Array(n)
    for (let k = 0; k < n; k++) {
        const now = k * PLANT_STEP_MS
        tMs[k] = now
        hz[k] = plant.strokeHz
        const f = now >= TOUCH_AT_MS ? handForceAt(hand, now - TOUCH_AT_MS) : 0
        stepPlant(plant, { dutyCmd: now >= TOUCH_AT_MS ? openDuty : 0, depthAngleCmdDeg: angle, handForceN: f }, PLANT_STEP_MS)
    }
    const open = respond(tMs, hz, n, avgN, strokeHz, stepMs, endMs, openDuty)
    return { strokeHz, forceN, depthMm, openDuty, closed, open, dipRatio: open.worstDipPct / closed.worstDipPct }
}
