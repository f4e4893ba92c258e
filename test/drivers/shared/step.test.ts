// The control step (drivers/step.ts), the code the firmware (src/main.ts) and the closed loop
// (sim/closedloop.ts) both run: button levels in, core commands and decisions, and what the writer
// then puts on the bus. Driven here as on the pen: the real core, the real writer and packet
// budget, each write recorded as the hardware would receive it. Runs in Node and in the
// DeviceScript VM (tools/vm-test.mjs).

import { describe, test } from "@devicescript/test"
import { SendBudget } from "../../../drivers/budget"
import { depthToAngleDeg } from "../../../drivers/depth"
import { RED } from "../../../drivers/led"
import { forceReport } from "../../../drivers/roles"
import { ControlStep } from "../../../drivers/step"
import { OP_COLOUR, OP_DEPTH, OP_ENABLED, OP_SPEED, passSync, Writer } from "../../../drivers/writer"
import { Pen } from "../../../core/pen"
import { SelfTest } from "../../../core/selftest"
import { DRIVE_MISMATCH_MS, SELFTEST_SPIN_DUTY } from "../../../core/limits"
import { PenInputs, PenOutputs } from "../../../core/types"
import { FACTORY_PROFILE } from "../../../src/profile.g"
import { ratioFor } from "../../core/penkit"
import { eq } from "../../kit/assert"
import { breathe } from "../../kit/breathe"

const P = FACTORY_PROFILE
const TICK_MS = P.control.tickMs

/** the pen's control loop without DeviceScript: a step every tick, writes recorded in order */
class Bench {
    /** virtual ms (from 1000: the packet budget starts full) */
    readonly clock = { ms: 1000 }
    readonly pen = new Pen(P, {})
    readonly inputs: PenInputs = {
        nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1,
        depthActualMm: NaN, needleBound: true, depthBound: true, pressureBound: true, strokeBound: true,
        needleSentDuty: -1, depthSentMm: NaN, storeError: "", forceConfigError: "",
    }
    readonly want: PenOutputs = { needleDuty: 0, depthTargetMm: NaN, indicator: "off", passesUsed: 0, needleEnabled: false }
    /** what reached the hardware: each write's op (drivers/writer.ts OP_*) and value */
    readonly ops: number[] = []
    readonly values: number[] = []
    readonly writer: Writer
    readonly step: ControlStep
    // the hand and the sensors
    trigger = false
    area = false
    /** the force sensor reports every tick; false: it has gone silent */
    forceLive = true
    /** newtons on the needle face */
    forceN = 0

    /** `lagged`: the writer runs every other tick, before the step: its writes land up to two ticks late, as the firmware's writer fiber's can (it awaits each bus write while decisions go on) */
    constructor(readonly lagged = false) {
        // DeviceScript closures cannot capture `this`: locals
        const clock = this.clock
        const ops = this.ops
        const values = this.values
        const writer = new Writer(P, { lightBound: () => true, sensorCount: () => 0, sensorBound: () => false, log: () => {} },
            new SendBudget(), this.inputs, this.want, () => clock.ms)
        this.writer = writer
        // as in the closed loop, each write reaches the hardware at once
        const perform = (op: number, v: number) => {
            ops.push(op)
            values.push(v)
        }
        this.perform = perform
        this.step = new ControlStep(P, this.inputs, this.want, writer, () => clock.ms, () => {
            if (!lagged) passSync(writer, perform)
        })
    }

    private perform: (op: number, v: number) => void
    private ticks = 0
    private stepsRun = 0

    /** `ms` of control steps, one per tick, with the buttons as they are */
    async run(ms: number) {
        const inp = this.inputs
        const n = Math.round(ms / TICK_MS)
        for (let i = 0; i < n; i++) {
            // counted across calls: a test made of many short runs must breathe too (the VM's step limit)
            if (this.stepsRun++ % 20 === 19) await breathe()
            this.clock.ms += TICK_MS
            const now = this.clock.ms
            // a live sensor at rest never repeats exactly
            if (this.forceLive) forceReport(inp, P.force.curve, [1, 0], ratioFor(P, this.forceN) + (i % 2) * 0.0001, now)
            inp.strokes += (inp.needleSentDuty > 0 ? inp.needleSentDuty * P.needle.noLoadHzPerDuty * TICK_MS : 0) / 1000
            inp.strokeSampleMs = now
            // the depth actuator follows its command within a tick
            if (this.want.depthTargetMm === this.want.depthTargetMm) inp.depthActualMm = this.want.depthTargetMm
            if (this.lagged && this.ticks++ % 2 === 0) passSync(this.writer, this.perform)
            this.step.run(this.pen, now, this.trigger, this.area)
        }
    }

    /** hold a button for `ms`, let go, then `afterMs` more */
    async press(button: string, ms: number, afterMs: number) {
        if (button === "trigger") this.trigger = true
        else this.area = true
        await this.run(ms)
        this.trigger = false
        this.area = false
        await this.run(afterMs)
    }

    state(): string {
        return this.pen.status().state
    }

    /** the value of the last write of `op` (-1: none yet) */
    last(op: number): number {
        for (let i = this.ops.length - 1; i >= 0; i--) if (this.ops[i] === op) return this.values[i]
        return -1
    }

    /** whether `op` was written with `value` at or after write number `from` */
    wrote(op: number, value: number, from: number): boolean {
        for (let i = from; i < this.ops.length; i++) if (this.ops[i] === op && this.values[i] === value) return true
        return false
    }
}

describe("control step (drivers/step.ts), as the firmware runs it", () => {
    test("H17 a self-test run on a running pen (the console's selftest): its spin (about DRIVE_MISMATCH_MS) is no drive_mismatch when it ends, though the stop lands a tick later", async () => {
        const b = new Bench(true)
        await b.run(500)
        eq(b.state(), "idle", "idle before")
        const test = new SelfTest(P)
        b.step.startSelfTest(test, b.pen, b.clock.ms)
        const from = b.ops.length
        const t0 = b.clock.ms
        while (b.step.selfTesting() && b.clock.ms - t0 < 5000) await b.run(TICK_MS)
        const spinMs = b.clock.ms - t0
        await b.run(400)
        eq(test.verdict, "pass", `the self-test's verdict: ${test.lines().join(" | ")}`)
        eq(b.wrote(OP_SPEED, SELFTEST_SPIN_DUTY, from), true, "the spin reached the motor")
        // the core was last ticked when the test began: at its first tick after the verdict the
        // motor may still hold the spin's drive (the stop lands a tick later), DRIVE_MISMATCH_MS after it
        eq(spinMs + TICK_MS > DRIVE_MISMATCH_MS, true, `the test ran ${spinMs} ms`)
        eq(b.last(OP_SPEED), 0, "stopped")
        const st = b.pen.status()
        eq(st.fault ? st.fault.code : "none", "none", "no fault latched")
        eq(st.state, "idle", "idle after")
    })

    test("a short trigger press arms and the motor bridge is enabled; a bounce does nothing; another press disarms", async () => {
        const b = new Bench()
        await b.run(200)
        eq(b.state(), "idle", "at start")
        eq(b.last(OP_ENABLED), -1, "the bridge was never enabled")
        // a 10 ms contact bounce is no press
        await b.press("trigger", 10, 100)
        eq(b.state(), "idle", "after a bounce")
        await b.press("trigger", 100, 50)
        eq(b.state(), "armed", "after a short press")
        eq(b.last(OP_ENABLED), 1, "the bridge is on")
        await b.press("trigger", 100, 100 + P.needle.brakeHoldMs)
        eq(b.state(), "idle", "after a second press")
        eq(b.last(OP_ENABLED), 0, "the bridge is off once disarmed")
    })

    test("disarmed while the needle runs: speed 0 at once, the bridge held on for the brake hold, then off", async () => {
        const b = new Bench()
        await b.run(100)
        await b.press("trigger", 100, 50)
        b.forceN = 1.5
        await b.run(500)
        eq(b.last(OP_SPEED) > 0, true, "the motor runs")
        b.trigger = true
        await b.run(100)
        b.trigger = false
        const stopAt = b.ops.length
        await b.run(TICK_MS)
        eq(b.state(), "idle", "disarmed")
        eq(b.wrote(OP_SPEED, 0, 0), true, "the motor was told to stop")
        eq(b.last(OP_ENABLED), 1, "the bridge stays on: the motor brakes")
        await b.run(P.needle.brakeHoldMs - 4 * TICK_MS)
        eq(b.wrote(OP_ENABLED, 0, stopAt), false, "not off before the brake hold")
        await b.run(8 * TICK_MS)
        eq(b.last(OP_ENABLED), 0, "off after the brake hold")
    })

    test("armed, a touch runs the needle: the drive reaches the motor while the decisions come; a lift stops it", async () => {
        const b = new Bench()
        await b.run(100)
        await b.press("trigger", 100, 50)
        b.forceN = 1.5
        await b.run(500)
        eq(b.state(), "treating", "on the skin")
        eq(b.last(OP_SPEED) > 0, true, "the motor runs")
        b.forceN = 0
        await b.run(P.force.releaseDebounceMs + 100)
        eq(b.state(), "armed", "lifted")
        eq(b.last(OP_SPEED), 0, "the motor was stopped")
    })

    test("holding the trigger clears a latched fault once its cause is gone; a short press does not, and letting go does not arm", async () => {
        const b = new Bench()
        await b.run(100)
        await b.press("trigger", 100, 50)
        eq(b.state(), "armed", "armed")
        const before = b.ops.length
        // the force sensor goes silent while armed: force_stale latches, the light turns red
        b.forceLive = false
        await b.run(300)
        eq(b.state(), "fault", "a silent force sensor")
        eq(b.wrote(OP_COLOUR, RED, before), true, "the status light showed red")
        b.forceLive = true
        await b.run(100)
        await b.press("trigger", 100, 100)
        eq(b.state(), "fault", "a short press clears nothing")
        await b.press("trigger", P.control.clearHoldMs + 100, 100)
        eq(b.state(), "idle", "after holding the trigger for clearHoldMs, and letting go")
    })

    test("the area button selects the next area and the depth actuator goes to its preset; the trigger does not change the area", async () => {
        const b = new Bench()
        await b.run(200)
        eq(b.pen.status().areaId, P.areas[0].id, "first area at start")
        await b.press("trigger", 100, 50)
        await b.press("trigger", 100, 50)
        eq(b.pen.status().areaId, P.areas[0].id, "the trigger keeps the area")
        await b.press("area", 100, 100)
        eq(b.pen.status().areaId, P.areas[1].id, "next area")
        eq(b.last(OP_DEPTH), depthToAngleDeg(P.depth, P.areas[1].preset.depthMm), "the depth servo's angle")
        eq(b.pen.status().depthTargetMm, P.areas[1].preset.depthMm, "the status shows its depth")
    })

    test("loop health: steps, the longest gap between two and the longest step, per window", async () => {
        const b = new Bench()
        await b.run(100)
        eq(b.step.steps, 100 / TICK_MS, "one step per tick")
        eq(b.step.worstGapMs, TICK_MS, "every tick on time")
        // a stall of 40 ms between two steps, and one step that took 3 ms
        b.clock.ms += 40
        await b.run(TICK_MS)
        b.step.ended(b.clock.ms, b.clock.ms + 3)
        eq(b.step.worstGapMs, 40 + TICK_MS, "the stall")
        eq(b.step.worstStepMs, 3, "the slow step")
        b.step.newWindow()
        eq(b.step.steps + b.step.worstGapMs + b.step.worstStepMs, 0, "a new window starts empty")
        await b.run(2 * TICK_MS)
        eq(b.step.steps, 2, "steps in the new window")
        eq(b.step.worstGapMs, TICK_MS, "its worst gap")
    })
})
