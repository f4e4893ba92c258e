// Depth: time for the simulated actuator to reach a new depth, and where it ends up.
//   closed loop  (virtual clock) the core asks for a series of depths on the body area (cap
//                2.5 mm: set_preset from the console), each held 1.5 s, pen off the skin; the
//                plant's real protrusion is traced every 0.5 ms
//   VM           the firmware in the VM steps through areas with the area button on the way to
//                the cheeks (bench/cutoff.ts): from the depth write on the bus to the plant's
//                real protrusion (measured while the cutoff rigs select their area)
// reach  = until |real - target| <= depth.toleranceMm (when the firmware lets the needle run)
// settle = until the actuator stops (it stops inside its deadband, ~0.02 mm)
// error  = |real - target| once stopped
import type { Profile } from "../core/profile"
import { PLANT_STEP_MS, runClosedLoop } from "../sim/closedloop"
import { ScenarioBuilder } from "../sim/scenario"
import { BenchRig, firstAfter } from "./vmrig"
import { Row, Section, dist, f, progress, verdict } from "./lib"

export interface DepthStep {
    fromMm: number
    toMm: number
    reachMs: number
    settleMs: number
    errorMm: number
}

const SERIES_MM = [1.5, 0.5, 2.5, 1.0, 0.05, 2.0, 0.25, 1.25]
const HOLD_MS = 1500

/** the closed-loop series; deterministic */
export function closedLoopDepthSteps(profile: Profile): DepthStep[] {
    const b = new ScenarioBuilder("depth steps", 1)
    b.wait(HOLD_MS)
    b.command({ kind: "select_area", areaId: "body" })
    for (const d of SERIES_MM.slice(1)) {
        b.wait(HOLD_MS)
        b.command({ kind: "set_preset", areaId: "body", depthMm: d, strokeHz: 120, passLimit: 3 })
    }
    b.wait(HOLD_MS)
    const r = runClosedLoop(profile, b.build({}), { traceEveryMs: PLANT_STEP_MS })
    const tr = r.trace!
    const tol = profile.depth.toleranceMm
    // step boundaries: where the core's target changes (the boot target from 0 mm counts too)
    const starts: number[] = [0]
    for (let i = 1; i < tr.length; i++) if (tr.depthTargetMm[i] !== tr.depthTargetMm[i - 1]) starts.push(i)
    const steps: DepthStep[] = []
    for (let s = 0; s < starts.length; s++) {
        const i0 = starts[s]
        const i1 = s + 1 < starts.length ? starts[s + 1] : tr.length
        const target = tr.depthTargetMm[i0]
        const from = tr.depthActualMm[i0]
        let reach = NaN
        let lastMove = i0
        for (let i = i0; i < i1; i++) {
            if (Number.isNaN(reach) && Math.abs(tr.depthActualMm[i] - target) <= tol + 1e-6) reach = tr.tMs[i] - tr.tMs[i0]
            if (i > i0 && tr.depthActualMm[i] !== tr.depthActualMm[i - 1]) lastMove = i
        }
        steps.push({
            fromMm: from,
            toMm: target,
            reachMs: reach,
            settleMs: tr.tMs[lastMove] - tr.tMs[i0] + PLANT_STEP_MS,
            errorMm: Math.abs(tr.depthActualMm[i1 - 1] - target),
        })
    }
    return steps
}

/**
 * One depth step on the VM rig: call right after an area press that changed the area. Waits for
 * the firmware's depth write and the actuator to stop; undefined if the depth did not change.
 */
export async function vmDepthStep(br: BenchRig, prevTargetMm: number, toMm: number, fromMm: number, tPress: number): Promise<DepthStep | undefined> {
    if (Math.abs(toMm - prevTargetMm) < 1e-9) return undefined
    const pen = br.pen
    const tol = br.profile.depth.toleranceMm
    await pen.until(() => firstAfter(br.depthFrames, tPress) !== undefined, 3000, "the firmware's depth write")
    const t0 = firstAfter(br.depthFrames, tPress)!.tMs
    let reached = NaN
    let lastPos = pen.plant.depthActualMm
    let lastMoveMs = performance.now()
    await pen.until(
        () => {
            const now = performance.now()
            const pos = pen.plant.depthActualMm
            if (Number.isNaN(reached) && Math.abs(pos - toMm) <= tol + 1e-6) reached = now
            if (pos !== lastPos) {
                lastPos = pos
                lastMoveMs = now
            }
            // stopped: inside the tolerance and no movement for 100 ms
            return !Number.isNaN(reached) && now - lastMoveMs >= 100
        },
        5000,
        `the actuator to reach ${toMm} mm`
    )
    return { fromMm, toMm, reachMs: reached - t0, settleMs: lastMoveMs - t0, errorMm: Math.abs(pen.plant.depthActualMm - toMm) }
}

export function depthSection(profile: Profile, vmSteps: DepthStep[], quiet = false): Section {
    const t0 = performance.now()
    const cl = closedLoopDepthSteps(profile)
    progress(quiet, `depth: ${cl.length} closed-loop steps, ${vmSteps.length} in the VM`)
    const tol = profile.depth.toleranceMm
    const follow = profile.depth.followTimeoutMs
    const row = (id: string, what: string, steps: DepthStep[]): Row => {
        const reach = dist(steps.map((s) => s.reachMs))
        const settle = dist(steps.map((s) => s.settleMs))
        const err = dist(steps.map((s) => s.errorMm))
        const travel = dist(steps.map((s) => Math.abs(s.toMm - s.fromMm)))
        return {
            id,
            what,
            figure: `reach ±${tol} mm: median ${f(reach.median, 0)} / max ${f(reach.max, 0)} ms; stopped: max ${f(settle.max, 0)} ms; ` +
                `final error median ${f(err.median, 3)} / max ${f(err.max, 3)} mm (n=${steps.length} steps, ${f(travel.min, 2)}–${f(travel.max, 2)} mm)`,
            goal: `reach < ${follow} ms (depth.followTimeoutMs); error ≤ ${tol} mm (depth.toleranceMm)`,
            verdict: verdict(steps.length > 0 && reach.max < follow && err.max <= tol),
            values: { n: steps.length, reachMedian: reach.median, reachMax: reach.max, settleMax: settle.max, errMedian: err.median, errMax: err.max },
        }
    }
    const rows = [
        row("depth.closed", "Depth: time to a new depth and final error, simulated actuator (closed loop)", cl),
        row("depth.vm", "… firmware in the VM: area changes on the way to the cheeks (from the depth write on the bus)", vmSteps),
    ]
    const stepLine = (s: DepthStep) => `${f(s.fromMm, 2)}→${f(s.toMm, 2)} mm: ${f(s.reachMs, 0)} ms / ${f(s.settleMs, 0)} ms / ${f(s.errorMm, 3)} mm`
    const notes = [
        `Closed loop: the core commands ${SERIES_MM.join(", ")} mm on the body area (and 0.25 mm at boot from 0 mm), ${HOLD_MS} ms ` +
            `each, pen off the skin; reach / stopped / error per step: ${cl.map(stepLine).join("; ")}.`,
        `VM: ${vmSteps.length ? vmSteps.map(stepLine).join("; ") : "no steps"}. The simulated actuator slews at ~4 mm/s and stops ` +
            `inside a ~0.02 mm deadband (sim/plant/depthActuator.ts, assumed for a PQ12-class actuator): the time is mostly travel.`,
    ]
    return { title: "Depth (simulated actuator)", rows, notes, wallMs: performance.now() - t0 }
}
