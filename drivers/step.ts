// One control step, the same code on the pen (src/main.ts) and in the closed-loop simulator
// (sim/closedloop.ts): the buttons' gestures become core commands, the core decides on the
// inputs, its outputs go to the writer (drivers/writer.ts), and the writer is woken. Only how time
// and packets move differs: on the pen the writer runs in a fiber of its own and the clock is
// ds.millis(); in the closed loop its writes reach the plant at once and the clock is virtual.
// Pure: no DeviceScript import, so Node runs it too.
import { Profile } from "../core/profile"
import { SelfTest, ST_FAIL, ST_RUNNING } from "../core/selftest"
import { CommandResult, PenCommand, PenInputs, PenOutputs } from "../core/types"
import { PressTracker } from "./buttons"
import { Writer } from "./writer"

/**
 * a button press shorter than this is contact bounce, not a gesture. The level is read at each
 * decision (every control.tickMs, 10 ms, and on every force sample), so a press may measure up to a
 * tick longer than it was: 30 ms keeps a bounce of up to 20 ms from counting
 */
export const BUTTON_DEBOUNCE_MS = 30

/** what a step needs of the control core (core/pen.ts Pen) */
export interface StepCore {
    command(nowMs: number, cmd: PenCommand): CommandResult
    tick(inp: PenInputs): PenOutputs
}

/** what the step tells the core about the self-test (core/pen.ts Pen.selfTestVerdict) */
export interface SelfTestGate {
    selfTestVerdict(nowMs: number, state: string, why: string): void
}

export class ControlStep {
    /** since the start or the last newWindow(): steps, the longest gap between two steps, the longest step (ms) */
    steps = 0
    worstGapMs = 0
    worstStepMs = 0
    private lastStepMs = -1
    private readonly trigger: PressTracker
    private readonly area: PressTracker
    /** the power-on self-test (core/selftest.ts): while it runs it decides in place of the core (undefined: none started; no initialiser, it costs bytes) */
    private test: SelfTest
    private gate: SelfTestGate
    private brakeHoldMs: number
    /** the buttons' levels at the last step (the self-test checks they are released at some time) */
    private triggerDown = false
    private areaDown = false

    constructor(
        profile: Profile,
        /** the core's inputs, kept up to date by the role reports */
        private inputs: PenInputs,
        /** what the writer writes: the core's last outputs */
        private want: PenOutputs,
        private writer: Writer,
        /** read when the decision is handed to the writer */
        private clockMs: () => number,
        /** after each decision: resume the writer's fiber (pen) or perform its writes at once (closed loop) */
        private wake: () => void,
    ) {
        this.trigger = new PressTracker(profile.control.clearHoldMs, BUTTON_DEBOUNCE_MS)
        this.area = new PressTracker(profile.control.clearHoldMs, BUTTON_DEBOUNCE_MS)
        this.brakeHoldMs = profile.needle.brakeHoldMs
    }

    /**
     * Run the self-test from now: it decides the outputs (through the same writer) until its
     * verdict, which the core hears at once ("running": arming refused) and again at the end.
     */
    startSelfTest(test: SelfTest, gate: SelfTestGate, nowMs: number) {
        this.test = test
        this.gate = gate
        test.start(nowMs)
        gate.selfTestVerdict(nowMs, ST_RUNNING, test.gateText())
    }

    /** the self-test is deciding */
    selfTesting(): boolean {
        const t = this.test
        return t !== undefined && t.running
    }

    /** a whole step: the buttons, then the decision (the closed loop calls the two itself: its console commands go between) */
    run(core: StepCore, nowMs: number, triggerPressed: boolean, areaPressed: boolean): PenOutputs {
        this.buttons(core, nowMs, triggerPressed, areaPressed)
        return this.decide(core, nowMs)
    }

    /** a short press of the trigger arms or disarms, holding it clears a fault; the area button selects the next area */
    buttons(core: StepCore, nowMs: number, triggerPressed: boolean, areaPressed: boolean) {
        this.triggerDown = triggerPressed
        this.areaDown = areaPressed
        const g = this.trigger.update(nowMs, triggerPressed)
        if (g === "short") core.command(nowMs, { kind: "toggle_arm" })
        else if (g === "hold") core.command(nowMs, { kind: "clear_fault" })
        if (this.area.update(nowMs, areaPressed) === "short") core.command(nowMs, { kind: "next_area" })
    }

    /** the core decides on the inputs as of nowMs; the writer gets the outputs and is woken */
    decide(core: StepCore, nowMs: number): PenOutputs {
        this.inputs.nowMs = nowMs
        const t = this.test
        let out: PenOutputs
        if (t === undefined) out = core.tick(this.inputs)
        else if (t.running) {
            // the self-test decides; the core is not ticked (its fault timers restart at the verdict)
            out = t.tick(this.inputs, this.triggerDown, this.areaDown)
            if (!t.running) this.gate.selfTestVerdict(nowMs, t.verdict, t.gateText())
        } else {
            out = core.tick(this.inputs)
            this.afterTest(t, out, nowMs)
        }
        this.handOver(out)
        this.steps++
        const gap = this.lastStepMs < 0 ? 0 : nowMs - this.lastStepMs
        this.lastStepMs = nowMs
        if (gap > this.worstGapMs) this.worstGapMs = gap
        return out
    }

    /** after the self-test: its spin's brake hold keeps the bridge on; a failed test shows on the light while idle */
    private afterTest(t: SelfTest, out: PenOutputs, nowMs: number) {
        if (t.drivenAtMs >= 0) if (nowMs - t.drivenAtMs < this.brakeHoldMs) out.needleEnabled = true
        if (out.indicator === "off") if (t.verdict === ST_FAIL) out.indicator = "test_failed"
    }

    /** outputs to the writer: it writes the newest decision, and counts it fresh from now */
    handOver(out: PenOutputs) {
        this.writer.decided(this.clockMs())
        const w = this.want
        w.needleDuty = out.needleDuty
        w.depthTargetMm = out.depthTargetMm
        w.indicator = out.indicator
        w.passesUsed = out.passesUsed
        w.needleEnabled = out.needleEnabled
        this.wake()
    }

    /** the step that began at startMs is over (on the pen once its events are queued; src/main.ts prints them after the writer's pass) */
    ended(startMs: number, endMs: number) {
        const took = endMs - startMs
        if (took > this.worstStepMs) this.worstStepMs = took
    }

    /** a new health window (after each STATUS line) */
    newWindow() {
        this.steps = 0
        this.worstGapMs = 0
        this.worstStepMs = 0
    }
}
