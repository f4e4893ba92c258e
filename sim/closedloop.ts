// Simulator run 1: the control core closed around the plant model in Node, on a virtual clock,
// stepped as fast as the machine allows. The firmware's drivers are modelled by what they do to
// values, with the drivers' own conversions (drivers/force.ts, drivers/depth.ts,
// drivers/buttons.ts) and the pacing of drivers/hardware.ts; the Jacdac transport is not.
//
//   const r = runClosedLoop(profile, scenario, { traceEveryMs: 5 })
//   r.summary.passes.cheeks, r.summary.faults, r.summary.maxOverPressureDriveMs, r.trace.strokeHzTrue
//   judge(r, scenario.expect)  -> [] when the outcome and the invariants hold, else what failed
//
// Timing (virtual, in plant steps of PLANT_STEP_MS = 0.5 ms; every period is a multiple of it):
//   plant       stepped every 0.5 ms (hand force taken at the start of each step)
//   force       sampled every forceSampleMs (5, as sim/devices.ts): forceRatio = plant.forceRatio,
//               forceN = ratioToForceN(curve, ratio), forceSampleMs = sample time; then a control
//               step at once (the firmware's over-pressure fast path, src/main.ts onForce)
//   stroke      count reported every strokeReportMs (10): strokes = count / countsPerStroke
//   depth       feedback pot (depthPos) every depthReportMs (20), as sim/devices.ts:
//               depthActualMm = feedbackRatioToDepthMm(plant.depthFeedbackRatio) (NaN for an open wiper)
//   control     a step every control.tickMs (5) and after every force sample: buttons
//               (PressTracker, as src/main.ts), console commands, core tick, outputs applied
//   needle      drivers/hardware.ts apply(): a stop goes out at once, any other change at most
//               every control.driveWriteMs; an unchanged drive is refreshed every 500 ms
//   depth cmd   depthToAngleDeg(target) sent when it changes (plant holds "no pulse" until then)
// A role taken off the bus: its reports stop at once; its *Bound input goes false only after
// DEVICE_LOST_MS, as a Jacdac client notices a device is gone only when its announces stop coming
// (then the firmware's binding callbacks run: depthActualMm = NaN, the cached writes are
// forgotten). So a sensor's own watchdog (stale, silent) usually trips first, as on the VM. A needle driver off the
// bus keeps the last drive it received (needleOffBus: "hold", as SimPen) or stops ("stop").
// Each sensor's phase against the control tick is an option: by default the force sample falls
// half way between two ticks, so the fast path is exercised apart from the periodic tick.
import { PressTracker } from "../drivers/buttons"
import { depthToAngleDeg, feedbackRatioToDepthMm } from "../drivers/depth"
import { ratioToForceN } from "../drivers/force"
import { Pen, PenOptions } from "../src/core/pen"
import type { Profile } from "../src/core/profile"
import type { FaultCode, LedgerEntry, PenCommand, PenEvent, PenInputs, PenState } from "../src/core/types"
import { Hand, createHand, handDurationMs, handForceAt } from "./plant/hand"
import { Plant, PlantOptions, createPlant, stepPlant } from "./plant/pen"
import type { HandSegment } from "./plant/hand"
import { DEFAULT_PRESS_MS, Scenario, ScenarioButton, ScenarioExpect, ScenarioRole, checkScenario, handScriptMs } from "./scenario"

export const PLANT_STEP_MS = 0.5
/** drivers/hardware.ts REFRESH_MS (not exported there: that module needs @devicescript/core) */
export const DRIVE_REFRESH_MS = 500
/** how long until a Jacdac client declares a silent device lost (approximate: announces every 500 ms, lost after a few missed) */
export const DEVICE_LOST_MS = 2000
/** PressTracker debounce used by src/main.ts */
export const BUTTON_DEBOUNCE_MS = 20
/** a pass counts as settled this long after the needle (re)starts, for the rate statistics */
export const RATE_SETTLE_MS = 300

export const STATES: PenState[] = ["idle", "armed", "treating", "paused", "locked", "fault"]
const S_TREATING = 2
const S_FAULT = 5

export interface ClosedLoopOptions {
    /** force sample period (ms); default 5 (sim/devices.ts) */
    forceSampleMs?: number
    /** stroke count report period (ms); default 10 */
    strokeReportMs?: number
    /** depth feedback period (ms); default 20 */
    depthReportMs?: number
    /** offset of the force samples from the control tick grid (ms); default tickMs / 2 */
    forcePhaseMs?: number
    strokePhaseMs?: number
    depthPhaseMs?: number
    /** trace row period (ms); 0 = no trace. Default control.tickMs */
    traceEveryMs?: number
    /** run this long instead of scenario.durationMs */
    durationMs?: number
    plant?: PlantOptions
    pen?: PenOptions
    /** run a control step right after each force sample, as the firmware does (default true) */
    fastPath?: boolean
    /** a needle driver taken off the bus keeps its last drive ("hold", default) or stops */
    needleOffBus?: "hold" | "stop"
}

/** One row per traceEveryMs, columns as typed arrays (length rows are valid). */
export interface Trace {
    length: number
    tMs: Float64Array
    /** the hand's true force (N) and the force the core last received (N) */
    forceTrueN: Float32Array
    forceMeasN: Float32Array
    /** true stroke rate (plant) and the core's measured rate (strokes/s) */
    strokeHzTrue: Float32Array
    strokeHzMeas: Float32Array
    /** set point: the area's preset rate while treating, else 0 */
    setHz: Float32Array
    /** the core's needle output and the drive the motor really applies */
    dutyCore: Float32Array
    dutyPlant: Float32Array
    /** core depth target, real protrusion, what the firmware last read back (mm) */
    depthTargetMm: Float32Array
    depthActualMm: Float32Array
    depthMeasMm: Float32Array
    /** index into STATES */
    state: Uint8Array
    /** index into profile.areas */
    area: Uint8Array
    /** passes used on that area */
    passes: Uint8Array
}

export interface FaultRecord {
    code: FaultCode
    atMs: number
    message: string
    /** ms from the fault until the motor's drive was 0 (-1: never) */
    driveCutAfterMs: number
    /** ms from the fault until the cam turned slower than 1 stroke/s (-1: never) */
    needleStoppedAfterMs: number
}

export interface CommandRecord {
    atMs: number
    kind: PenCommand["kind"]
    source: "console" | "trigger" | "area"
    ok: boolean
    message: string
}

export interface ClosedLoopSummary {
    scenario: string
    simulatedMs: number
    wallMs: number
    simSecondsPerWallSecond: number
    controlSteps: number
    passes: Record<string, number>
    overPressureCount: Record<string, number>
    treatedMs: Record<string, number>
    overPressureCutoffs: number
    riseCutoffs: number
    faults: FaultRecord[]
    faultsCleared: number
    refused: string[]
    finalState: PenState
    finalArea: string
    /** highest drive on the motor while the true force was above force.overPressureN */
    maxDutyWhileOverPressure: number
    /** longest stretch of drive on the motor while the true force was above force.overPressureN */
    maxOverPressureDriveMs: number
    /** total time with drive on the motor while the core was not treating */
    driveOutsideTreatingMs: number
    /** total time with drive on the motor while the core was in a fault */
    driveInFaultMs: number
    /** how far the real protrusion went past the area's cap while on the skin (mm, <= 0 is fine) */
    maxDepthOverCapMm: number
    /** largest |real depth - area preset| while the motor was driven (mm) */
    maxDepthErrWhileDrivenMm: number
    /** highest true stroke rate (strokes/s) */
    maxStrokeHzTrue: number
    /** highest true rate above the area's set point while driven (% of the set point) */
    maxOvershootPct: number
    /** total time the true rate was more than 20% above the set point while driven (ms) */
    over20PctMs: number
    /** longest such stretch (ms) */
    maxOver20PctRunMs: number
    /** time the core spent treating (ms) */
    treatingMs: number
    /** share of settled treating time with the true rate within ±5% of the set point */
    rateWithin5PctShare: number
    /** mean |true rate - set point| / set point over settled treating time (%) */
    rateMeanAbsErrPct: number
}

export interface ClosedLoopResult {
    summary: ClosedLoopSummary
    trace: Trace | undefined
    events: PenEvent[]
    commands: CommandRecord[]
    ledger: LedgerEntry[]
}

function multipleOf(what: string, ms: number): number {
    const n = Math.round(ms / PLANT_STEP_MS)
    if (!(ms >= 0) || Math.abs(n * PLANT_STEP_MS - ms) > 1e-9)
        throw new Error(`closed loop: ${what} (${ms} ms) must be a multiple of ${PLANT_STEP_MS} ms`)
    return n
}

function newTrace(rows: number): Trace {
    const f = () => new Float32Array(rows)
    return {
        length: 0,
        tMs: new Float64Array(rows),
        forceTrueN: f(), forceMeasN: f(), strokeHzTrue: f(), strokeHzMeas: f(), setHz: f(),
        dutyCore: f(), dutyPlant: f(), depthTargetMm: f(), depthActualMm: f(), depthMeasMm: f(),
        state: new Uint8Array(rows), area: new Uint8Array(rows), passes: new Uint8Array(rows),
    }
}

/** Run a scenario with the control core closed around the plant. Deterministic for a seed. */
export function runClosedLoop(profile: Profile, scenario: Scenario, opts: ClosedLoopOptions = {}): ClosedLoopResult {
    const why = checkScenario(scenario)
    if (why !== "") throw new Error(why)
    const wall0 = performance.now()
    const ctl = profile.control
    const durationMs = opts.durationMs ?? scenario.durationMs
    const nSteps = multipleOf("durationMs", Math.ceil(durationMs / PLANT_STEP_MS) * PLANT_STEP_MS)
    const tickEvery = multipleOf("control.tickMs", ctl.tickMs)
    const forceEvery = multipleOf("forceSampleMs", opts.forceSampleMs ?? 5)
    const strokeEvery = multipleOf("strokeReportMs", opts.strokeReportMs ?? 10)
    const depthEvery = multipleOf("depthReportMs", opts.depthReportMs ?? 20)
    const forcePhase = multipleOf("forcePhaseMs", opts.forcePhaseMs ?? Math.floor(ctl.tickMs / 2 / PLANT_STEP_MS) * PLANT_STEP_MS)
    const strokePhase = multipleOf("strokePhaseMs", opts.strokePhaseMs ?? 1)
    const depthPhase = multipleOf("depthPhaseMs", opts.depthPhaseMs ?? 1.5)
    const traceEveryMs = opts.traceEveryMs ?? ctl.tickMs
    const traceEvery = traceEveryMs > 0 ? multipleOf("traceEveryMs", traceEveryMs) : 0
    for (const [w, n] of [["control.tickMs", tickEvery], ["forceSampleMs", forceEvery], ["strokeReportMs", strokeEvery], ["depthReportMs", depthEvery]] as [string, number][])
        if (n < 1) throw new Error(`closed loop: ${w} must be > 0`)
    const needleHolds = (opts.needleOffBus ?? "hold") === "hold"
    const fastPath = opts.fastPath ?? true

    const plant: Plant = createPlant(profile, scenario.seed, opts.plant)
    const pen = new Pen(profile, opts.pen)
    const areaIndex = new Map<string, number>()
    profile.areas.forEach((a, i) => areaIndex.set(a.id, i))
    const caps = profile.areas.map((a) => a.depthCapMm)
    const curve = profile.force.curve
    const perStroke = profile.stroke.countsPerStroke
    const overN = profile.force.overPressureN

    // ---- the firmware's driver state (drivers/hardware.ts) ----
    const inp: PenInputs = {
        nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1,
        depthActualMm: NaN, needleBound: true, depthBound: true, pressureBound: true, strokeBound: true,
    }
    let sentDuty = -1
    let sentDutyMs = 0
    let sentAngle = NaN
    const trigger = new PressTracker(ctl.clearHoldMs, BUTTON_DEBOUNCE_MS)
    const areaBtn = new PressTracker(ctl.clearHoldMs, BUTTON_DEBOUNCE_MS)
    const buttonDown: Record<ScenarioButton, boolean> = { trigger: false, area: false }
    const buttonUpAt: Record<ScenarioButton, number> = { trigger: -1, area: -1 }
    const pendingConsole: PenCommand[] = []

    // ---- what the plant receives ----
    let plantDuty = 0
    let plantAngle = NaN
    let hand: Hand | undefined = undefined
    let handStartMs = 0
    let handEndMs = 0
    let handForceN = 0

    // ---- cached core view (refreshed after every control step) ----
    let coreDuty = 0
    let coreDepthTarget = 0
    let stateIdx = 0
    let areaIdx = 0
    let presetDepth = 0
    let presetHz = 0
    let passesUsed = 0
    let measHz = 0
    let treatingSinceMs = -1

    // ---- results ----
    const events: PenEvent[] = []
    const commands: CommandRecord[] = []
    const faults: FaultRecord[] = []
    const pendingFaults: FaultRecord[] = []
    let faultsCleared = 0
    let opCut = 0
    let riseCut = 0
    let maxDutyOP = 0
    let opRunMs = 0
    let maxOpRunMs = 0
    let outsideMs = 0
    let inFaultMs = 0
    let maxOverCap = -Infinity
    let maxDepthErr = 0
    let maxHz = 0
    let maxOvershoot = 0
    let over20Ms = 0
    let over20Run = 0
    let maxOver20Run = 0
    let treatingSteps = 0
    let settledSteps = 0
    let within5Steps = 0
    let absErrSum = 0
    let controlSteps = 0
    const trace = traceEvery > 0 ? newTrace(Math.floor(nSteps / traceEvery) + 1) : undefined

    const steps = scenario.steps
    let nextStep = 0

    const run = (now: number, cmd: PenCommand, source: CommandRecord["source"]) => {
        const r = pen.command(now, cmd)
        commands.push({ atMs: now, kind: cmd.kind, source, ok: r.ok, message: r.message })
    }

    const apply = (now: number) => {
        // drivers/hardware.ts apply(): pacing of the motor writes, depth angle on change
        const duty = coreDuty
        const due = duty === 0
            ? sentDuty !== 0
            : Math.abs(duty - sentDuty) > 0.002 && now - sentDutyMs >= ctl.driveWriteMs
        if (inp.needleBound && (due || now - sentDutyMs >= DRIVE_REFRESH_MS)) {
            sentDuty = duty
            sentDutyMs = now
            // a write to a device that has left the bus (not yet declared lost) goes nowhere
            if (!offBus.needle) plantDuty = duty
        }
        const angle = depthToAngleDeg(profile.depth, coreDepthTarget)
        if (inp.depthBound && angle !== sentAngle) {
            sentAngle = angle
            if (!offBus.depth) plantAngle = angle
        }
    }

    const control = (now: number) => {
        controlSteps++
        inp.nowMs = now
        const g = trigger.update(now, buttonDown.trigger)
        if (g === "short") run(now, { kind: "toggle_arm" }, "trigger")
        else if (g === "hold") run(now, { kind: "clear_fault" }, "trigger")
        if (areaBtn.update(now, buttonDown.area) === "short") run(now, { kind: "next_area" }, "area")
        while (pendingConsole.length > 0) run(now, pendingConsole.shift()!, "console")
        const out = pen.tick(inp)
        coreDuty = out.needleDuty
        coreDepthTarget = out.depthTargetMm
        apply(now)
        const evs = pen.takeEvents()
        for (const e of evs) {
            events.push(e)
            if (e.kind === "over_pressure") opCut++
            else if (e.kind === "rise_cutoff") riseCut++
            else if (e.kind === "fault_cleared") faultsCleared++
            else if (e.kind === "fault") {
                const colon = e.message.indexOf(":")
                const rec: FaultRecord = {
                    code: e.message.slice(0, colon) as FaultCode,
                    atMs: e.atMs,
                    message: e.message.slice(colon + 2),
                    driveCutAfterMs: -1,
                    needleStoppedAfterMs: -1,
                }
                faults.push(rec)
                pendingFaults.push(rec)
            }
        }
        const st = pen.status()
        const s = STATES.indexOf(st.state)
        if (s === S_TREATING && stateIdx !== S_TREATING) treatingSinceMs = now
        stateIdx = s
        areaIdx = areaIndex.get(st.areaId) ?? 0
        presetDepth = st.depthTargetMm
        presetHz = st.strokeSetHz
        passesUsed = st.passesUsed
        measHz = st.strokeMeasuredHz
    }

    // devices off the bus: reports stop now, the binding goes when the device is declared lost
    const offBus: Record<string, boolean> = {}
    const unbindAt: Record<string, number> = {}
    const unplug = (role: ScenarioRole, off: boolean, now: number) => {
        offBus[role] = off
        if (off) unbindAt[role] = now + DEVICE_LOST_MS
        else {
            delete unbindAt[role]
            bind(role, true)
        }
    }
    const bind = (role: ScenarioRole, bound: boolean) => {
        const off = !bound
        // the firmware's binding callbacks (drivers/hardware.ts)
        if (role === "needle") {
            inp.needleBound = !off
            sentDuty = -1
            if (off && !needleHolds) plantDuty = 0
        } else if (role === "depth") {
            inp.depthBound = !off
            if (off) inp.depthActualMm = NaN
            sentAngle = NaN
        } else if (role === "pressure") inp.pressureBound = !off
        else inp.strokeBound = !off
    }

    for (let k = 0; k < nSteps; k++) {
        const now = k * PLANT_STEP_MS
        // scenario actions
        while (nextStep < steps.length && steps[nextStep].atMs <= now) {
            const st = steps[nextStep++]
            if (st.unplug) unplug(st.unplug.role, st.unplug.off, now)
            if (st.fault) plant.faults[st.fault.name] = st.fault.on
            if (st.command) pendingConsole.push(st.command)
            if (st.press) {
                buttonDown[st.press] = true
                buttonUpAt[st.press] = now + (st.holdMs ?? DEFAULT_PRESS_MS)
            }
            if (st.hand) {
                hand = createHand(st.hand, scenario.seed)
                handStartMs = now
                handEndMs = now + handDurationMs(hand)
            }
        }
        if (buttonDown.trigger && now >= buttonUpAt.trigger) buttonDown.trigger = false
        if (buttonDown.area && now >= buttonUpAt.area) buttonDown.area = false
        if (hand) {
            if (now >= handEndMs) hand = undefined
            else handForceN = handForceAt(hand, now - handStartMs)
        }

        for (const role of Object.keys(unbindAt) as ScenarioRole[])
            if (now >= unbindAt[role]) {
                delete unbindAt[role]
                bind(role, false)
            }

        // sensor reports (the plant's state at `now`)
        let fresh = false
        if (k % forceEvery === forcePhase % forceEvery && inp.pressureBound && !offBus.pressure) {
            inp.forceRatio = plant.forceRatio
            inp.forceN = ratioToForceN(curve, plant.forceRatio)
            inp.forceSampleMs = now
            fresh = true
        }
        if (k % strokeEvery === strokePhase % strokeEvery && inp.strokeBound && !offBus.stroke) {
            inp.strokes = plant.strokeCount / perStroke
            inp.strokeSampleMs = now
        }
        // the feedback pot is its own device (depthPos), on the bus whether or not the servo is
        if (k % depthEvery === depthPhase % depthEvery)
            inp.depthActualMm = feedbackRatioToDepthMm(profile.depth, plant.depthFeedbackRatio)

        if ((fresh && fastPath) || k % tickEvery === 0) control(now)

        if (trace && k % traceEvery === 0) {
            const i = trace.length++
            trace.tMs[i] = now
            trace.forceTrueN[i] = handForceN
            trace.forceMeasN[i] = inp.forceN
            trace.strokeHzTrue[i] = plant.strokeHz
            trace.strokeHzMeas[i] = measHz
            trace.setHz[i] = stateIdx === S_TREATING ? presetHz : 0
            trace.dutyCore[i] = coreDuty
            trace.dutyPlant[i] = plantDuty
            trace.depthTargetMm[i] = coreDepthTarget
            trace.depthActualMm[i] = plant.depthActualMm
            trace.depthMeasMm[i] = inp.depthActualMm
            trace.state[i] = stateIdx
            trace.area[i] = areaIdx
            trace.passes[i] = passesUsed
        }

        stepPlant(plant, { dutyCmd: plantDuty, depthAngleCmdDeg: plantAngle, handForceN }, PLANT_STEP_MS)

        // what the hardware did during this step, judged against the true state
        const duty = plant.dutyApplied
        const driven = duty > 0
        if (plant.forceTrueN > overN && driven) {
            opRunMs += PLANT_STEP_MS
            if (opRunMs > maxOpRunMs) maxOpRunMs = opRunMs
            if (duty > maxDutyOP) maxDutyOP = duty
        } else opRunMs = 0
        if (driven && stateIdx !== S_TREATING) outsideMs += PLANT_STEP_MS
        if (driven && stateIdx === S_FAULT) inFaultMs += PLANT_STEP_MS
        if (plant.strokeHz > maxHz) maxHz = plant.strokeHz
        if (driven && presetHz > 0) {
            const o = (plant.strokeHz - presetHz) / presetHz
            if (o > maxOvershoot) maxOvershoot = o
            if (o > 0.2) {
                over20Ms += PLANT_STEP_MS
                over20Run += PLANT_STEP_MS
                if (over20Run > maxOver20Run) maxOver20Run = over20Run
            } else over20Run = 0
        } else over20Run = 0
        if (plant.forceTrueN > 0) {
            const over = plant.depthActualMm - caps[areaIdx]
            if (over > maxOverCap) maxOverCap = over
        }
        if (driven) {
            const err = Math.abs(plant.depthActualMm - presetDepth)
            if (err > maxDepthErr) maxDepthErr = err
        }
        if (stateIdx === S_TREATING) {
            treatingSteps++
            if (now - treatingSinceMs >= RATE_SETTLE_MS && presetHz > 0) {
                settledSteps++
                const e = Math.abs(plant.strokeHz - presetHz) / presetHz
                absErrSum += e
                if (e <= 0.05) within5Steps++
            }
        }
        if (pendingFaults.length > 0) {
            const tEnd = now + PLANT_STEP_MS
            for (let i = pendingFaults.length - 1; i >= 0; i--) {
                const f = pendingFaults[i]
                if (f.driveCutAfterMs < 0 && !driven) f.driveCutAfterMs = Math.max(0, now - f.atMs)
                if (f.needleStoppedAfterMs < 0 && plant.strokeHz < 1) f.needleStoppedAfterMs = tEnd - f.atMs
                if (f.driveCutAfterMs >= 0 && f.needleStoppedAfterMs >= 0) pendingFaults.splice(i, 1)
            }
        }
    }

    const wallMs = performance.now() - wall0
    const ledger = pen.ledgerEntries().map((e) => ({ ...e }))
    const passes: Record<string, number> = {}
    const overPressureCount: Record<string, number> = {}
    const treatedMs: Record<string, number> = {}
    for (const e of ledger) {
        passes[e.areaId] = e.passes
        overPressureCount[e.areaId] = e.overPressureCount
        treatedMs[e.areaId] = e.treatedMs
    }
    const st = pen.status()
    const simulatedMs = nSteps * PLANT_STEP_MS
    return {
        summary: {
            scenario: scenario.name,
            simulatedMs,
            wallMs,
            simSecondsPerWallSecond: simulatedMs / Math.max(wallMs, 1e-3),
            controlSteps,
            passes,
            overPressureCount,
            treatedMs,
            overPressureCutoffs: opCut,
            riseCutoffs: riseCut,
            faults,
            faultsCleared,
            refused: commands.filter((c) => !c.ok).map((c) => `${c.atMs} ms ${c.kind}: ${c.message}`),
            finalState: st.state,
            finalArea: st.areaId,
            maxDutyWhileOverPressure: maxDutyOP,
            maxOverPressureDriveMs: maxOpRunMs,
            driveOutsideTreatingMs: outsideMs,
            driveInFaultMs: inFaultMs,
            maxDepthOverCapMm: maxOverCap === -Infinity ? 0 : maxOverCap,
            maxDepthErrWhileDrivenMm: maxDepthErr,
            maxStrokeHzTrue: maxHz,
            maxOvershootPct: 100 * maxOvershoot,
            over20PctMs: over20Ms,
            maxOver20PctRunMs: maxOver20Run,
            treatingMs: treatingSteps * PLANT_STEP_MS,
            rateWithin5PctShare: settledSteps > 0 ? within5Steps / settledSteps : NaN,
            rateMeanAbsErrPct: settledSteps > 0 ? (100 * absErrSum) / settledSteps : NaN,
        },
        trace,
        events,
        commands,
        ledger,
    }
}

// ---- judging an outcome --------------------------------------------------------------------

export interface JudgeOptions {
    /** force sample period the run used (ms); default 5 */
    forceSampleMs?: number
    /** actuator deadband: how far the real depth may sit from its target (mm); default 0.02 */
    depthSlackMm?: number
}

/**
 * What failed, judged from the plant (empty = all held): the scenario's expectations, and the
 * invariants every run must keep. A `hazard: "drive_held"` scenario skips the drive invariants
 * (the needle driver is off the bus; nothing the firmware does reaches it).
 */
export function judge(profile: Profile, r: ClosedLoopResult, expect: ScenarioExpect, o: JudgeOptions = {}): string[] {
    const s = r.summary
    const bad: string[] = []
    const sampleMs = o.forceSampleMs ?? 5
    const slack = o.depthSlackMm ?? 0.02
    if (s.maxOverPressureDriveMs > sampleMs + PLANT_STEP_MS)
        bad.push(`drive ${s.maxOverPressureDriveMs} ms with the true force above ${profile.force.overPressureN} N (limit one sample, ${sampleMs} ms)`)
    if (expect.hazard !== "drive_held") {
        if (s.driveOutsideTreatingMs > 0) bad.push(`drive ${s.driveOutsideTreatingMs} ms outside a pass`)
        if (s.driveInFaultMs > 0) bad.push(`drive ${s.driveInFaultMs} ms in a fault`)
        for (const f of s.faults)
            if (f.driveCutAfterMs !== 0) bad.push(`${f.code} at ${f.atMs} ms: drive cut after ${f.driveCutAfterMs} ms (want at once)`)
    }
    if (s.maxDepthOverCapMm > slack + 1e-9) bad.push(`real depth ${s.maxDepthOverCapMm.toFixed(3)} mm past the area cap on the skin`)
    if (s.maxDepthErrWhileDrivenMm > profile.depth.toleranceMm + 1e-9)
        bad.push(`needle driven ${s.maxDepthErrWhileDrivenMm.toFixed(3)} mm away from the preset depth (tolerance ${profile.depth.toleranceMm} mm)`)
    if (expect.passes) {
        for (const a of profile.areas) {
            const want = expect.passes[a.id] ?? 0
            if (s.passes[a.id] !== want) bad.push(`passes on ${a.id}: ${s.passes[a.id]}, want ${want}`)
        }
    }
    if (expect.overPressure) {
        for (const a of profile.areas) {
            const want = expect.overPressure[a.id] ?? 0
            if (s.overPressureCount[a.id] !== want) bad.push(`too-hard presses on ${a.id}: ${s.overPressureCount[a.id]}, want ${want}`)
        }
    }
    if (expect.faults) {
        const got = s.faults.map((f) => f.code).join(",")
        if (got !== expect.faults.join(",")) bad.push(`faults [${got}], want [${expect.faults.join(",")}]`)
    }
    if (expect.overPressureCutoffsAtLeast !== undefined && s.overPressureCutoffs < expect.overPressureCutoffsAtLeast)
        bad.push(`over-pressure cutoffs ${s.overPressureCutoffs}, want >= ${expect.overPressureCutoffsAtLeast}`)
    if (expect.riseCutoffsAtLeast !== undefined && s.riseCutoffs < expect.riseCutoffsAtLeast)
        bad.push(`rise cutoffs ${s.riseCutoffs}, want >= ${expect.riseCutoffsAtLeast}`)
    if (expect.refusedAtLeast !== undefined && s.refused.length < expect.refusedAtLeast)
        bad.push(`refused commands ${s.refused.length}, want >= ${expect.refusedAtLeast}`)
    if (expect.finalState !== undefined && s.finalState !== expect.finalState)
        bad.push(`final state ${s.finalState}, want ${expect.finalState}`)
    return bad
}

// ---- open loop vs closed loop ----------------------------------------------------------------

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
