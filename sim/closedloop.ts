// Simulator run 1: the control core closed around the plant model in Node, on a virtual clock,
// stepped as fast as the machine allows. The firmware's drivers run as they do on the pen where
// they are pure: the control step (drivers/step.ts: buttons, core tick, hand-over to the writer),
// the reports and binding changes (drivers/roles.ts, with the conversions drivers/force.ts,
// drivers/depth.ts) and the writer with its pacing, brake hold and packet budget
// (drivers/writer.ts, on a SendBudget in virtual time); the Jacdac transport is not modelled.
//
//   const r = runClosedLoop(profile, scenario, { traceEveryMs: 5 })
//   r.summary.passes.cheeks, r.summary.faults, r.summary.maxOverPressureDriveMs, r.trace.strokeHzTrue
//   judge(profile, r, scenario.expect)  (sim/judge.ts) -> [] when the outcome and the invariants hold
//
// Timing (virtual, in plant steps of PLANT_STEP_MS = 0.5 ms; every period is a multiple of it):
//   plant       stepped every 0.5 ms (hand force taken at the start of each step)
//   force       sampled every forceSampleMs (5, as sim/devices.ts): forceRatio = plant.forceRatio,
//               forceN = ratioToForceN(curve, ratio), forceSampleMs = sample time; then a control
//               step at once (the firmware's over-pressure fast path, src/main.ts onForce)
//   stroke      count reported every strokeReportMs (10): strokes = count / countsPerStroke
//   depth       feedback pot (depthPos) every depthReportMs (20), as sim/devices.ts:
//               depthActualMm = depthReport(plant.depthFeedbackRatio) (drivers/roles.ts)
//   motion      with `accelerometer` (or the scenario's): the chip's latest output read every 15.5 ms
//               (sim/accel-feed.ts, the chip stepped with the plant) and streamed at the interval
//               the firmware wrote, 100 ms until it does (sim/sensor-stream.ts), as a board's server
//   control     a step every control.tickMs (10) and after every force sample (drivers/step.ts, as
//               src/main.ts): buttons, console commands, core tick, outputs to the writer
//   writes      drivers/writer.ts after every control step, each write reaching the plant at once:
//               a stop at once, other drive changes at most every control.driveWriteMs, the
//               bridge's enable (coast when off), the depth angle on change; budgeted packets
// A role taken off the bus: its reports stop at once; its *Bound input goes false only after
// DEVICE_LOST_MS, as a Jacdac client notices a device is gone only when its announces stop coming
// (then the firmware's binding callbacks run, drivers/roles.ts: depthActualMm = NaN, the cached
// writes are forgotten). So a sensor's own watchdog (stale, silent) usually trips first, as on the VM. A needle driver off the
// bus keeps the last drive it received (needleOffBus: "hold", as SimPen) or stops ("stop").
// Each sensor's phase against the control tick is an option: by default the force sample falls
// half way between two ticks, so the fast path is exercised apart from the periodic tick.
// What a run returns is in sim/closedloop-result.ts, judging it in sim/judge.ts. runClosedLoop stays
// one function of ~330 lines on purpose: one pass over virtual time steps the plant, the drivers,
// the core and the measurements together, sharing a few dozen locals that a split would pass around.
import { SendBudget } from "../drivers/budget"
import { accelReport, depthReport, forceReport, roleBound, strokeReport } from "../drivers/roles"
import { ControlStep, StepCore } from "../drivers/step"
import { ITV_STROKE, KEEPALIVE_MS, OP_DEPTH, OP_ENABLED, OP_MOTION_ITV, OP_SPEED, passSync, Writer } from "../drivers/writer"
import { faultDetail } from "../core/events"
import { Pen, PenOptions } from "../core/pen"
import { SelfTest } from "../core/selftest"
import type { Profile } from "../core/profile"
import type { PenCommand, PenEvent, PenInputs, PenOutputs, PenState } from "../core/types"
import { Hand, HandSegment, createHand, handDurationMs, handForceAt } from "./plant/hand"
import { Plant, PlantOptions, createPlant, stepPlant } from "./plant/pen"
import { triggerPinPressed } from "./plant/wiring"
import { FORCE_NOISE_STREAM, surelyReadsN } from "./plant/forceSensor"
import { forkRng } from "./plant/rng"
import { SkinDose } from "./skin-dose"
import { ACCEL_READ_MS, AccelFeed } from "./accel-feed"
import { SensorStream, boardStreamMs } from "./sensor-stream"
import type { ImuParams } from "./plant/imu"
import { ClosedLoopResult, CommandRecord, FaultRecord, LockRecord, SelfTestRun, newTrace } from "./closedloop-result"
import { DEFAULT_PRESS_MS, Scenario, ScenarioButton, ScenarioRole, checkScenario } from "./scenario"

export type { ClosedLoopResult, ClosedLoopSummary, CommandRecord, FaultRecord, LockRecord, SelfTestRun, Trace } from "./closedloop-result"

export const PLANT_STEP_MS = 0.5
/** how long until a Jacdac client declares a silent device lost (approximate: announces every 500 ms, lost after a few missed) */
export const DEVICE_LOST_MS = 2000
/** a pass counts as settled this long after the needle (re)starts, for the rate statistics */
export const RATE_SETTLE_MS = 300
/** the self-test is bounded well below this (core/limits.ts SELFTEST_*): a run that never gets a verdict is a bug */
export const SELFTEST_VERDICT_LIMIT_MS = 10000

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
    /** offset of the force samples from the control tick grid (ms); default half the shorter of the tick and the sample period, so no sample falls on a tick */
    forcePhaseMs?: number
    strokePhaseMs?: number
    depthPhaseMs?: number
    /** trace row period (ms); 0 = no trace. Default control.tickMs */
    traceEveryMs?: number
    /** run this long instead of scenario.durationMs */
    durationMs?: number
    /** the plant's parts, and the wiring mistakes it was built with (`plant.wiring`, sim/plant/wiring.ts) */
    plant?: PlantOptions
    pen?: PenOptions
    /** run a control step right after each force sample, as the firmware does (default true) */
    fastPath?: boolean
    /** a needle driver taken off the bus keeps its last drive ("hold", default) or stops */
    needleOffBus?: "hold" | "stop"
    /** the firmware's packet budget (drivers/budget.ts); default the runtime's throttle */
    budget?: SendBudget
    /** called after every control step (e.g. to sample the pass ledger: bench/flashwear.ts) */
    onControl?: (nowMs: number, pen: Pen) => void
    /**
     * the power-on self-test before the scenario (default true, as the firmware): the scenario's
     * clock starts at its verdict, whatever the verdict (the runner waits on it, no fixed delay)
     */
    selfTest?: boolean
    /** a hand script played from power-on, during the self-test (e.g. a pen held on the skin at boot) */
    bootHand?: HandSegment[]
    /** a write the bus loses on its way (the device never gets it): op (drivers/writer.ts OP_*), on the scenario's clock (NaN during the power-on self-test, before it starts) */
    loseWrite?: (op: number, nowMs: number) => boolean
    /**
     * the handpiece accelerometer (role `motion`) on the bus, read every ACCEL_READ_MS (sim/accel-feed.ts);
     * default the scenario's `accelerometer`. An object: on, with these chip settings
     */
    accelerometer?: boolean | Partial<ImuParams>
}

function multipleOf(what: string, ms: number): number {
    const n = Math.round(ms / PLANT_STEP_MS)
    if (!(ms >= 0) || Math.abs(n * PLANT_STEP_MS - ms) > 1e-9)
        throw new Error(`closed loop: ${what} (${ms} ms) must be a multiple of ${PLANT_STEP_MS} ms`)
    return n
}

/** Run a scenario with the control core closed around the plant. Deterministic for a seed. */
export function runClosedLoop(profile: Profile, scenario: Scenario, opts: ClosedLoopOptions = {}): ClosedLoopResult {
    const why = checkScenario(scenario)
    if (why !== "") throw new Error(why)
    const wall0 = performance.now()
    const ctl = profile.control
    const durationMs = opts.durationMs ?? scenario.durationMs
    const nSteps = multipleOf("durationMs", Math.ceil(durationMs / PLANT_STEP_MS) * PLANT_STEP_MS)
    const withSelfTest = opts.selfTest ?? true
    const tickEvery = multipleOf("control.tickMs", ctl.tickMs)
    const forceEvery = multipleOf("forceSampleMs", opts.forceSampleMs ?? 5)
    const strokeEvery = multipleOf("strokeReportMs", opts.strokeReportMs ?? 10)
    const depthEvery = multipleOf("depthReportMs", opts.depthReportMs ?? 20)
    const forcePhase = multipleOf("forcePhaseMs", opts.forcePhaseMs ?? Math.floor(Math.min(ctl.tickMs, opts.forceSampleMs ?? 5) / 2 / PLANT_STEP_MS) * PLANT_STEP_MS)
    const strokePhase = multipleOf("strokePhaseMs", opts.strokePhaseMs ?? 1)
    const depthPhase = multipleOf("depthPhaseMs", opts.depthPhaseMs ?? 1.5)
    const traceEveryMs = opts.traceEveryMs ?? ctl.tickMs
    const traceEvery = traceEveryMs > 0 ? multipleOf("traceEveryMs", traceEveryMs) : 0
    for (const [w, n] of [["control.tickMs", tickEvery], ["forceSampleMs", forceEvery], ["strokeReportMs", strokeEvery], ["depthReportMs", depthEvery]] as [string, number][])
        if (n < 1) throw new Error(`closed loop: ${w} must be > 0`)
    const needleHolds = (opts.needleOffBus ?? "hold") === "hold"
    const fastPath = opts.fastPath ?? true

    const plant: Plant = createPlant(profile, scenario.seed, opts.plant)
    const pen = new Pen(profile, { ...opts.pen, selfTest: withSelfTest })
    const areaIndex = new Map<string, number>()
    profile.areas.forEach((a, i) => areaIndex.set(a.id, i))
    const caps = profile.areas.map((a) => a.depthCapMm)
    const curve = profile.force.curve
    // the closed loop plays a pen without a calibration of its own (drivers/calibration.ts)
    const NO_FORCE_CAL = [1, 0]
    const perStroke = profile.stroke.countsPerStroke
    // the cut can only follow what the sensor reads: the plant's "drive above the cutoff" counts
    // from the true force the sensor, as it is at that step, surely reads as the cutoff (~4.15 N
    // while loading, less while unloading or creeping: plant/forceSensor.ts surelyReadsN)
    const overN = profile.force.overPressureN

    // ---- the firmware's driver state (drivers/hardware.ts) ----
    const inp: PenInputs = {
        nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1,
        depthActualMm: NaN, needleBound: true, depthBound: true, pressureBound: true, strokeBound: true,
    }
    inp.needleSentDuty = -1
    inp.depthSentMm = NaN
    const want: PenOutputs = { needleDuty: 0, depthTargetMm: NaN, indicator: "off", passesUsed: 0, needleEnabled: false }
    let virtualNow = 0
    const writer = new Writer(profile, { lightBound: () => false, sensorCount: () => 0, sensorBound: () => false, log: () => {} },
        opts.budget ?? new SendBudget(), inp, want, () => virtualNow)
    writer.streamRebound(ITV_STROKE, true)
    // the handpiece accelerometer, if on the bus: bound from the start, as the firmware finds it
    const accelOpt = opts.accelerometer ?? scenario.accelerometer ?? false
    const accel = accelOpt ? new AccelFeed(scenario.seed, accelOpt === true ? {} : accelOpt) : undefined
    const accelEvery = multipleOf("ACCEL_READ_MS", ACCEL_READ_MS)
    // read every poll, streamed as a board's server does at the interval the firmware wrote
    const accelStream = new SensorStream()
    let accelWrittenMs: number | undefined = undefined
    let accelKeepAliveMs = KEEPALIVE_MS
    if (accel) roleBound("motion", true, inp, writer)
    // the writer's writes reach the plant at once, in the step that decided them
    const step = new ControlStep(profile, inp, want, writer, () => virtualNow, () => passSync(writer, perform))
    const selfTest = new SelfTest(profile)
    if (withSelfTest) step.startSelfTest(selfTest, pen, 0)
    // the scenario's clock starts at the self-test's verdict: t0 on the plant's (and the core's) clock
    let booted = !withSelfTest
    let t0 = 0
    let k0 = 0
    /** the verdict came: the scenario starts at the next boundary of the sampling grid (-1: not yet) */
    let startK = -1
    // so that every sensor and the tick keep the phase to the scenario they have without a self-test
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
    let grid = 1
    for (const n of [tickEvery, forceEvery, strokeEvery, depthEvery]) grid = (grid * n) / gcd(grid, n)
    const stRun: SelfTestRun = {
        verdict: "", failId: "", checks: [], lines: [], tookMs: 0, drivenMs: 0, longestDriveMs: 0, drivenWhileContactMs: 0,
        drivenWhileTouchedMs: 0,
    }
    let stRunMs = 0
    const buttonDown: Record<ScenarioButton, boolean> = { trigger: false, area: false }
    const buttonUpAt: Record<ScenarioButton, number> = { trigger: -1, area: -1 }
    const pendingConsole: PenCommand[] = []

    // ---- what the plant receives ----
    let plantDuty = 0
    let plantBridgeOn = false
    let plantAngle = NaN
    let hand: Hand | undefined = undefined
    let handStartMs = 0
    let handEndMs = 0
    let handForceN = 0
    // the true dose, only once a technique step plays (sim/skin-dose.ts)
    let skin: SkinDose | undefined = undefined

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
    const locks: LockRecord[] = []
    const pendingLocks: LockRecord[] = []
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
    const trace = traceEvery > 0 ? newTrace(Math.floor(nSteps / traceEvery) + 1) : undefined

    const steps = scenario.steps
    let nextStep = 0

    // each area's pass limit in force, from the operator's side: the preset, then every set_preset
    // the pen accepted (the dose judge reads it, never the limit the pen's own events print)
    const passLimits: Record<string, number> = {}
    for (const a of profile.areas) passLimits[a.id] = a.preset.passLimit
    const run = (now: number, cmd: PenCommand, source: CommandRecord["source"]) => {
        const r = pen.command(now, cmd)
        commands.push({ atMs: now - t0, kind: cmd.kind, source, ok: r.ok, message: r.message })
        if (r.ok && cmd.kind === "set_preset") passLimits[cmd.areaId] = cmd.passLimit
        return r
    }
    // the core as the step sees it: every command a button issues is recorded
    const core: StepCore = {
        command: (now, cmd) => run(now, cmd, cmd.kind === "next_area" ? "area" : "trigger"),
        tick: (i) => pen.tick(i),
    }

    // the writer's writes reach the plant at once; a write to a device that has left the bus (not
    // yet declared lost), or one the bus loses, goes nowhere
    const perform = (op: number, v: number) => {
        if (opts.loseWrite?.(op, startK < 0 ? NaN : virtualNow - t0)) return
        if (op === OP_SPEED && !offBus.needle) plantDuty = v
        else if (op === OP_ENABLED && !offBus.needle) plantBridgeOn = v === 1
        else if (op === OP_DEPTH && !offBus.depth) plantAngle = v
        else if (op === OP_MOTION_ITV) accelWrittenMs = v
    }

    const control = (now: number) => {
        virtualNow = now
        step.buttons(core, now, triggerPinPressed(plant.wiring, buttonDown.trigger), buttonDown.area)
        while (pendingConsole.length > 0) run(now, pendingConsole.shift()!, "console")
        const out = step.decide(core, now)
        opts.onControl?.(now, pen)
        coreDuty = out.needleDuty
        coreDepthTarget = out.depthTargetMm
        const evs = pen.takeEvents()
        for (const e0 of evs) {
            // on the scenario's clock
            const e: PenEvent = t0 === 0 ? e0 : { ...e0, atMs: e0.atMs - t0 }
            events.push(e)
            if (e.kind === "over_pressure") opCut++
            else if (e.kind === "rise_cutoff") riseCut++
            else if (e.kind === "fault_cleared") faultsCleared++
            else if (e.kind === "area_locked" && !locks.some((l) => l.areaId === e.areaId)) {
                const rec: LockRecord = {
                    areaId: e.areaId!, atMs: e.atMs, passes: +(e.pass ?? NaN).toFixed(2), passLimit: e.passLimit ?? NaN,
                    driveCutAfterMs: -1, needleStoppedAfterMs: -1,
                }
                locks.push(rec)
                pendingLocks.push(rec)
            }
            else if (e.kind === "fault") {
                const rec: FaultRecord = {
                    code: e.fault!,
                    atMs: e.atMs,
                    message: faultDetail(e),
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
        // the firmware's binding callbacks (drivers/hardware.ts)
        roleBound(role, bound, inp, writer)
        if (role === "needle" && !bound && !needleHolds) plantDuty = 0
    }

    if (opts.bootHand) {
        hand = createHand(opts.bootHand, scenario.seed)
        handStartMs = 0
        handEndMs = handDurationMs(hand)
    }
    for (let k = 0; k - k0 < nSteps; k++) {
        const now = k * PLANT_STEP_MS
        if (!booted) {
            if (startK >= 0 && k >= startK) {
                booted = true
                // the force sensor's noise starts from the scenario's seed when the scenario does, so a
                // scenario plays the same noise with the boot self-test as without it
                plant.force.rng = forkRng(scenario.seed, FORCE_NOISE_STREAM)
            } else k0 = k + 1
            if (now > SELFTEST_VERDICT_LIMIT_MS) throw new Error(`closed loop: no self-test verdict after ${SELFTEST_VERDICT_LIMIT_MS} ms`)
        }
        /** the scenario's clock */
        const sNow = now - t0
        // scenario actions (once the self-test has given its verdict)
        while (booted && nextStep < steps.length && steps[nextStep].atMs <= sNow) {
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
            if (st.technique) {
                if (!skin) skin = new SkinDose()
                skin.start(st.technique.areaId, st.technique.tech, now, plant)
                accel?.play(st.technique.tech, now)
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
            forceReport(inp, curve, NO_FORCE_CAL, plant.forceRatio, now)
            fresh = true
        }
        if (k % strokeEvery === strokePhase % strokeEvery && inp.strokeBound && !offBus.stroke)
            strokeReport(inp, perStroke, plant.strokeCount, now)
        // the feedback pot is its own device (depthPos), on the bus whether or not the servo is
        if (k % depthEvery === depthPhase % depthEvery)
            depthReport(inp, profile.depth, plant.depthFeedbackRatio, now)
        // the firmware's streaming keep-alive restarts the board's stream once a second (this
        // writer sends none: its sensors are read here)
        if (accel && now >= accelKeepAliveMs) {
            accelStream.restart(now)
            accelKeepAliveMs += KEEPALIVE_MS
        }
        if (accel && k % accelEvery === 0 && accelStream.due(now, boardStreamMs(accelWrittenMs)))
            accelReport(inp, accel.imu.xG, accel.imu.yG, accel.imu.zG, now)

        if ((fresh && fastPath) || k % tickEvery === 0) control(now)
        const testing = !booted
        if (testing && startK < 0 && !step.selfTesting()) {
            // the verdict: the scenario starts at the next grid boundary
            startK = Math.ceil((k + 1) / grid) * grid
            // from now on the core's events are on the scenario's clock (those before its start negative)
            t0 = startK * PLANT_STEP_MS
            stRun.verdict = selfTest.verdict
            const f = selfTest.firstFailure()
            stRun.failId = f ? f.id : ""
            stRun.checks = selfTest.checks.map((c) => ({ ...c }))
            stRun.lines = selfTest.lines()
            stRun.tookMs = now
        }

        if (trace && !testing && (k - k0) % traceEvery === 0) {
            const i = trace.length++
            trace.tMs[i] = sNow
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

        stepPlant(plant, { dutyCmd: plantDuty, depthAngleCmdDeg: plantAngle, handForceN, bridgeOff: !plantBridgeOn }, PLANT_STEP_MS)
        if (skin) skin.step(now + PLANT_STEP_MS, plant)
        if (accel) accel.step(PLANT_STEP_MS, now + PLANT_STEP_MS, plant.strokeHz, plant.forceTrueN > 0)

        // what the hardware did during this step, judged against the true state
        const duty = plant.dutyApplied
        const driven = duty > 0
        if (testing) {
            // the self-test's needle, at the motor (a duty the open bridge cannot apply turns nothing)
            const turning = driven && plantBridgeOn
            if (turning) {
                stRun.drivenMs += PLANT_STEP_MS
                stRunMs += PLANT_STEP_MS
                if (stRunMs > stRun.longestDriveMs) stRun.longestDriveMs = stRunMs
                if (inp.forceN >= profile.force.contactN) stRun.drivenWhileContactMs += PLANT_STEP_MS
                if (plant.forceTrueN >= profile.force.releaseN) stRun.drivenWhileTouchedMs += PLANT_STEP_MS
            } else stRunMs = 0
            continue
        }
        if (plant.forceTrueN > surelyReadsN(plant.force, plant.forceParams, overN) && driven) {
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
        // faults and locks alike: when the drive went to 0 and when the cam stopped after them
        // (their times are on the scenario's clock, from the self-test's verdict)
        if (pendingFaults.length > 0) settleStops(pendingFaults, driven, sNow, now + PLANT_STEP_MS - t0, plant.strokeHz)
        if (pendingLocks.length > 0) settleStops(pendingLocks, driven, sNow, now + PLANT_STEP_MS - t0, plant.strokeHz)
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
            controlSteps: step.steps,
            passes,
            overPressureCount,
            treatedMs,
            overPressureCutoffs: opCut,
            riseCutoffs: riseCut,
            faults,
            locks,
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
        passLimits,
        ledger,
        ...(skin ? { skin: skin.result() } : {}),
        ...(withSelfTest ? { selfTest: stRun } : {}),
    }
}

/** a fault or lock waiting to see the drive cut and the cam stop (ms after its atMs); done ones leave the list */
function settleStops(
    pending: { atMs: number; driveCutAfterMs: number; needleStoppedAfterMs: number }[],
    driven: boolean, sNowMs: number, stepEndMs: number, strokeHz: number,
) {
    for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i]
        if (p.driveCutAfterMs < 0 && !driven) p.driveCutAfterMs = Math.max(0, sNowMs - p.atMs)
        if (p.needleStoppedAfterMs < 0 && strokeHz < 1) p.needleStoppedAfterMs = stepEndMs - p.atMs
        if (p.driveCutAfterMs >= 0 && p.needleStoppedAfterMs >= 0) pending.splice(i, 1)
    }
}
