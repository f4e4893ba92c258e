// The power-on self-test (core/selftest.ts) on a small bench of its own: the needle's spin only
// off the skin and never past its bound, the verdicts a correct pen and a touched pen get, and the
// Pen's gate: arming refused until the test passes, with the reason in the status.

import { describe, test } from "@devicescript/test"
import { SELFTEST_ROLE_WAIT_MS, SELFTEST_SPIN_MAX_MS } from "../../core/limits"
import { Pen } from "../../core/pen"
import { Profile } from "../../core/profile"
import { SelfTest } from "../../core/selftest"
import { PenInputs } from "../../core/types"
import { contains, eq, isFalse, isTrue, atMost, atLeast } from "../kit/assert"
import { breathe } from "../kit/breathe"
import { copyProfile, ratioFor, Rig } from "./penkit"

const TICK = 5

/** a pen that does what it is told: force as set, strokes at the drive, the actuator slewing 4 mm/s to its target */
class Bench {
    p: Profile
    st: SelfTest
    inp: PenInputs
    now = 0
    forceN = 0
    /** the motor takes each drive (needleSentDuty follows); false: it never does */
    motorTakes = true
    /** the motor reports a drive taken only this long after it was first decided (a slow bus) */
    motorLateMs = 0
    private drivenSinceMs = -1
    /** the share of the cam's strokes the stroke sensor counts (below 1: counts lost) */
    countShare = 1
    /** the force sensor reports (false: its samples stop) */
    forceLive = true
    /** ms driven with the last force sample older than force.staleAfterMs; the longest continuous drive */
    drivenStaleMs = 0
    longestMs = 0
    private runMs = 0
    /** >= 0: the force pin reads this ADC ratio whatever the force (an FSR without its live zero reads ~0) */
    ratio = -1
    duty = 0
    depthMm = 0
    targetMm = NaN
    /** ms the needle was driven, and driven while the force read at least force.releaseN */
    drivenMs = 0
    drivenTouchedMs = 0
    /** the depth target was ever set */
    depthMoved = false
    /** the feedback pot's outer wires swapped: it reads 1 - the true ratio */
    feedbackReversed = false
    /** the trigger's level as the step hands it over (pressed; undefined: not reported yet) */
    triggerPressed: boolean = false

    constructor() {
        this.p = copyProfile()
        this.st = new SelfTest(this.p)
        this.inp = {
            nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1, depthActualMm: NaN,
            needleBound: true, depthBound: true, pressureBound: true, strokeBound: true, needleSentDuty: -1,
        }
        this.st.start(0)
    }

    tick() {
        const inp = this.inp
        inp.nowMs = this.now
        inp.forceN = this.forceN
        inp.forceRatio = ratioFor(this.p, this.forceN) + (this.now % 10 === 0 ? 0.0001 : 0)
        if (this.ratio >= 0) inp.forceRatio = this.ratio
        if (this.forceLive) inp.forceSampleMs = this.now
        // ~95 % of the no-load rate at this duty (friction)
        inp.strokes += (this.countShare * this.duty * this.p.needle.noLoadHzPerDuty * 0.95 * TICK) / 1000
        inp.strokeSampleMs = this.now
        const t = this.targetMm
        if (t === t) {
            const stepMm = (4 * TICK) / 1000
            if (Math.abs(t - this.depthMm) <= stepMm) this.depthMm = t
            else this.depthMm += t > this.depthMm ? stepMm : -stepMm
        }
        inp.depthActualMm = this.depthMm
        if (this.feedbackReversed) {
            const cal = this.p.depth
            inp.depthActualMm = (1 - 2 * cal.feedbackRatioAt0Mm) / cal.feedbackRatioPerMm - this.depthMm
        }
        if (this.duty > 0) {
            if (this.drivenSinceMs < 0) this.drivenSinceMs = this.now
        } else this.drivenSinceMs = -1
        inp.needleSentDuty = this.motorTakes ? this.duty : 0
        if (this.drivenSinceMs >= 0) if (this.now - this.drivenSinceMs < this.motorLateMs) inp.needleSentDuty = 0
        const out = this.st.tick(inp, this.triggerPressed, false)
        this.duty = out.needleDuty
        if (this.duty > 0) {
            this.drivenMs += TICK
            if (this.forceN >= this.p.force.releaseN) this.drivenTouchedMs += TICK
            if (this.now - inp.forceSampleMs > this.p.force.staleAfterMs) this.drivenStaleMs += TICK
            this.runMs += TICK
            if (this.runMs > this.longestMs) this.longestMs = this.runMs
        } else this.runMs = 0
        if (out.depthTargetMm === out.depthTargetMm) {
            this.targetMm = out.depthTargetMm
            this.depthMoved = true
        }
        this.now += TICK
    }

    /** ticks until the verdict; `forceAt(ms)`, if given, sets the force before each tick */
    async runToVerdict(maxMs: number, forceAt?: (nowMs: number) => number) {
        while (this.st.running && this.now < maxMs) {
            if (forceAt) this.forceN = forceAt(this.now)
            this.tick()
            if (this.now % 100 === 0) await breathe()
        }
    }
}

describe("self-test", () => {
    test("H17 a correctly wired pen passes; the needle runs only in the test spin, and at most its bound", async () => {
        const b = new Bench()
        await b.runToVerdict(3000)
        eq(b.st.verdict, "pass", "verdict: " + b.st.lines().join(" | "))
        atLeast(b.drivenMs, 100, "the spin ran")
        atMost(b.drivenMs, SELFTEST_SPIN_MAX_MS, "the spin's bound")
        isTrue(b.depthMoved, "the depth stepped")
        eq(b.st.gateText(), "", "nothing holds arming")
    })

    test("H7 H17 a stroke sensor that loses over a quarter of its counts from power-on fails the spin (stroke_slow): the run-time check, against the profile's rate, would not see a constant loss under ~30-45 %", async () => {
        const b = new Bench()
        b.countShare = 0.7
        await b.runToVerdict(3000)
        eq(b.st.verdict, "fail", "30 % lost: " + b.st.lines().join(" | "))
        eq(b.st.firstFailure().id, "stroke_slow")
        const c = new Bench()
        c.countShare = 0.8
        await c.runToVerdict(3000)
        eq(c.st.verdict, "pass", "20 % lost (0.76 of the expected rate): " + c.st.lines().join(" | "))
    })

    test("H17 a touch during the test spin: the drive is 0 in the tick that sees the force, and the test fails asking for a rerun", async () => {
        const b = new Bench()
        while (b.st.running && b.drivenMs < 60) b.tick()
        atLeast(b.drivenMs, 60, "the spin started")
        b.forceN = 1
        await b.runToVerdict(3000)
        eq(b.drivenTouchedMs, 0, "driven while touched")
        eq(b.st.verdict, "fail", "verdict")
        eq(b.st.firstFailure().id, "spin_contact", "the failure")
        contains(b.st.gateText(), "lift the pen", "what to do")
    })

    test("H17 a pen pressed from power-on: no spin, no depth step, the force check says so", async () => {
        const b = new Bench()
        b.forceN = 1.5
        await b.runToVerdict(3000)
        eq(b.drivenMs, 0, "never driven")
        isFalse(b.depthMoved, "the depth never commanded")
        eq(b.st.firstFailure().id, "force_not_zero", "the failure")
    })

    test("H17 a pen held on the skin that never reads steady (tremor): the force check says lift it, not check the wiring", async () => {
        const b = new Bench()
        await b.runToVerdict(3000, (ms) => ((ms / TICK) % 2 === 0 ? 1.2 : 1.8))
        eq(b.drivenMs, 0, "never driven")
        eq(b.st.firstFailure().id, "force_not_zero", "the failure")
    })

    test("H17 a force input that jumps and reads zero at times (a loose contact): force_unsteady, check the wiring", async () => {
        const b = new Bench()
        await b.runToVerdict(3000, (ms) => ((ms / TICK) % 3 === 0 ? 0 : 0.8))
        eq(b.drivenMs, 0, "never driven")
        eq(b.st.firstFailure().id, "force_unsteady", "the failure")
    })

    test("H17 a motor that never takes the drive: the drive is cut at the bound all the same", async () => {
        const b = new Bench()
        b.motorTakes = false
        await b.runToVerdict(3000)
        atMost(b.drivenMs, SELFTEST_SPIN_MAX_MS, "the spin's bound")
        eq(b.st.firstFailure().id, "motor_no_drive", "the failure")
    })

    test("H17 a motor that takes the drive late: the spin still ends at its bound from the first decision", async () => {
        const b = new Bench()
        b.motorLateMs = 200
        await b.runToVerdict(3000)
        atLeast(b.drivenMs, 200, "the spin ran")
        atMost(b.drivenMs, SELFTEST_SPIN_MAX_MS, "the spin's bound")
    })

    test("H17 a force sensor that reads open (no live zero): no spin, though it reads no force", async () => {
        const b = new Bench()
        b.ratio = 0
        await b.runToVerdict(3000)
        eq(b.drivenMs, 0, "never driven")
        eq(b.st.firstFailure().id, "force_open", "the failure")
    })

    test("H17 force samples that stop during the spin: the needle stops; it spins again once they are back, each run within its bound", async () => {
        const b = new Bench()
        while (b.st.running && b.drivenMs < 60) b.tick()
        b.forceLive = false
        for (let i = 0; i < 40; i++) b.tick()
        b.forceLive = true
        await b.runToVerdict(3000)
        eq(b.drivenStaleMs, 0, "driven on a stale force reading")
        atMost(b.longestMs, SELFTEST_SPIN_MAX_MS, "each run's bound")
        eq(b.st.verdict, "pass", "a second spin passes: " + b.st.lines().join(" | "))
        const c = new Bench()
        while (c.st.running && c.drivenMs < 60) c.tick()
        c.forceLive = false
        await c.runToVerdict(3000)
        eq(c.drivenStaleMs, 0, "driven on a stale force reading")
        eq(c.st.firstFailure().id, "spin_no_force", "the failure")
    })

    test("H17 a button counts as released only from its reports: a stuck trigger first heard 100 ms in fails all the same", async () => {
        // the power-on test starts before the roles bind: until its first report the trigger reads released
        const b = new Bench()
        b.triggerPressed = undefined
        while (b.now < 100) b.tick()
        b.triggerPressed = true
        await b.runToVerdict(3000)
        eq(b.st.firstFailure().id, "trigger_pressed", "the failure: " + b.st.lines().join(" | "))
        // never heard from: the verdict waits for a report as long as for the roles, then says so
        const c = new Bench()
        c.triggerPressed = undefined
        await c.runToVerdict(SELFTEST_ROLE_WAIT_MS + 500)
        eq(c.st.firstFailure().id, "trigger_pressed", "never heard: the failure")
        contains(c.st.lines().join(" | "), "never reported released", "what was measured")
        atLeast(c.now, SELFTEST_ROLE_WAIT_MS, "it waited for a report")
        // heard from only after the other checks are over: the verdict waits for it, and passes
        const d = new Bench()
        d.triggerPressed = undefined
        while (d.now < 400) d.tick()
        isTrue(d.st.running, "no verdict before the trigger's report")
        d.triggerPressed = false
        await d.runToVerdict(3000)
        eq(d.st.verdict, "pass", "verdict: " + d.st.lines().join(" | "))
    })

    test("H17 a reversed feedback pot: named, with what to do", async () => {
        const b = new Bench()
        b.feedbackReversed = true
        await b.runToVerdict(3000)
        eq(b.st.firstFailure().id, "depth_feedback_reversed", "the failure: " + b.st.lines().join(" | "))
        contains(b.st.gateText(), "swap the pot's outer wires", "what to do")
    })
})

describe("self-test gate in the Pen", () => {
    test("H17 arming is refused while the self-test runs and after it fails, with its reason in the status; allowed once it passes", async () => {
        const r = new Rig({ selfTest: true })
        await r.run(50)
        let res = r.cmd({ kind: "toggle_arm" })
        isFalse(res.ok, "refused while running")
        contains(res.message, "self-test running")
        eq(r.pen.status().selfTest, "running", "status")
        r.pen.selfTestVerdict(r.now, "fail", "self-test failed: stroke_none: 0.0/s")
        res = r.cmd({ kind: "toggle_arm" })
        isFalse(res.ok, "refused after a failure")
        contains(res.message, "stroke_none")
        contains(r.pen.status().holdReason, "self-test failed: stroke_none", "the reason in the status")
        eq(r.pen.status().selfTest, "fail", "status")
        await r.run(50)
        eq(r.state(), "idle", "still idle")
        r.pen.selfTestVerdict(r.now, "pass", "")
        res = r.cmd({ kind: "toggle_arm" })
        isTrue(res.ok, "armed after a pass: " + res.message)
        eq(r.pen.status().selfTest, "pass", "status")
    })
})
