// The power-on self-test (issue 14, bring-up): before the pen may be armed, check that the pen in
// front of the firmware is wired the way the firmware believes. Pure, like the rest of the core: it
// takes the inputs and the time as values and decides outputs (needle drive, depth target, light),
// which drivers/step.ts hands to the writer in place of the Pen's while the test runs. The Pen is
// not ticked meanwhile; it only hears the verdict (Pen.selfTestVerdict), which gates arming.
//
// Checks, each with a time bound, a verdict, the measured value and what to do:
//   roles    the four required roles bound and each sensor reporting (SELFTEST_ROLE_WAIT_MS)
//   force    the force reading steady at its live zero: not open (no R_bias, cut cable), not full
//            scale (no R_m, short), not pressed (SELFTEST_FORCE_SETTLE_MS)
//   depth    off the skin only: a step of SELFTEST_DEPTH_STEP_MM; the feedback must follow in the
//            right direction by the right amount. The reading it ends on names the mistake: the
//            mirror of the command about the servo's centre (actuator reversed), 1 - the ratio
//            (feedback's outer wires swapped), a still reading (wiper open, actuator dead), or the
//            force pin following the step instead (the two pots on each other's pins)
//   stroke   only once the force reads its live zero: the needle spun at SELFTEST_SPIN_DUTY for
//            SELFTEST_SPIN_MS (cut at SELFTEST_SPIN_MAX_MS whatever happens, at once on a touch);
//            the stroke rate must be plausible for that duty (needle.noLoadHzPerDuty)
//   buttons  trigger and area button each reported released at least once during the test (the
//            verdict waits for a first report from each, as long as for the roles)
// The depth step and the spin run side by side (start-up time: docs/HARDWARE.md, bench/startup.ts).
// At power-on the test starts with the firmware (src/main.ts), before the runtime has bound the
// roles, and runs while the stored settings are read.
// Without a current sense the firmware cannot tell a motor that does not turn from a stroke sensor
// that does not count: that verdict names both and how to tell them apart by eye.
import { fixed } from "./format"
import {
    DEPTH_FEEDBACK_SLACK_MM, DEPTH_MAX_MM, SELFTEST_DEPTH_MAX_MS, SELFTEST_DEPTH_NO_MOVE_MS, SELFTEST_DEPTH_SETTLED_MS, SELFTEST_DEPTH_SIZE_SHARE,
    SELFTEST_DEPTH_STEP_MM, SELFTEST_DEPTH_STILL_MM, SELFTEST_DEPTH_STILL_MS, SELFTEST_FORCE_SETTLE_MS,
    SELFTEST_FORCE_SPAN_RATIO, SELFTEST_FORCE_STEADY_MS, SELFTEST_RATE_MAX_SHARE, SELFTEST_RATE_MIN_SHARE,
    SELFTEST_ROLE_WAIT_MS, SELFTEST_SPIN_AFTER_DEPTH_MS, SELFTEST_SPIN_DUTY, SELFTEST_SPIN_RETRIES, SELFTEST_SPIN_MAX_MS, SELFTEST_SPIN_MS, SELFTEST_SPIN_SETTLE_MS,
    SELFTEST_SWAP_RATIO, SELFTEST_ZERO_MAX_N,
} from "./limits"
import { Profile } from "./profile"
import { PenInputs, PenOutputs } from "./types"

export type CheckVerdict = "pending" | "pass" | "fail" | "skipped"

/** one check's result */
export interface SelfTestCheck {
    /** roles, force, depth, stroke, buttons */
    check: string
    verdict: CheckVerdict
    /** "" when passed: the failure's (or skip's) stable name (docs/HARDWARE.md, bring-up checklist) */
    id: string
    /** what was measured, with its unit */
    value: string
    /** what to do ("" when it passed) */
    action: string
    /** ms from the start of the self-test to this verdict */
    atMs: number
}

export const C_ROLES = 0
export const C_FORCE = 1
export const C_DEPTH = 2
export const C_STROKE = 3
export const C_BUTTONS = 4
const NAMES = ["roles", "force", "depth", "stroke", "buttons"]

/** the self-test's state as the Pen and the status show it */
export const ST_RUNNING = "running"
export const ST_PASS = "pass"
export const ST_FAIL = "fail"

export class SelfTest {
    /** the test is deciding the outputs (drivers/step.ts ticks it instead of the Pen) */
    running = false
    /** "" never run, else ST_RUNNING, ST_PASS or ST_FAIL */
    verdict = ""
    checks: SelfTestCheck[] = []
    startMs = 0
    /** when the verdict came (ms on the caller's clock); -1 while running or never run */
    doneMs = -1
    /** the last tick the test drove the needle (-1 never): the step keeps the bridge on for the brake hold */
    drivenAtMs = -1
    /** the stroke rate the last run's spin measured at SELFTEST_SPIN_DUTY (strokes/s); 0 when it did not spin to the end (console `bringup`) */
    spinHz = 0
    /** the verdict is new since the last takeFinished() */
    private fresh = false
    /** the time of the tick being decided: set by tick(), read by set() (fewer bytes than a `now` argument to every verdict) */
    private nowMs: number
    private p: Profile
    private out: PenOutputs
    private rolesAtMs = -1
    // force: a window of samples within SELFTEST_FORCE_SPAN_RATIO
    private fLastSampleMs = -1
    private fWinMs = -1
    private fLo = 0
    private fHi = 0
    private fN = 0
    /** the lowest force (N) of any sample since the test began: a pen on the skin never reads zero */
    private fMinN = Infinity
    // depth: 0 finding the start, 1 stepping, 2 done (dCmdMs and dForce0: set as the step starts,
    // read only after it; no initialisers, they cost firmware bytes)
    private dPhase = 0
    private dLast = NaN
    private dStillMs = -1
    private dBaseMm = NaN
    private dTargetMm = NaN
    private dCmdMs: number
    private dMovedMm = 0
    private dForce0: number
    private dForceDev = 0
    // spin: 0 waiting for the force check, 1 decided, 2 the motor took it, 3 over
    private sPhase = 0
    private sDecidedMs = -1
    private sTookMs = -1
    private sCount0 = NaN
    private sT0 = -1
    private sRetries = 0
    // buttons seen released
    private trigUp = false
    private areaUp = false

    constructor(profile: Profile) {
        this.p = profile
        this.out = { needleDuty: 0, depthTargetMm: NaN, indicator: "testing", passesUsed: 0, needleEnabled: false }
    }

    /** start (or run again): every check pending; the outputs stop the needle and leave the depth alone */
    start(nowMs: number) {
        this.running = true
        this.verdict = ST_RUNNING
        this.fresh = false
        this.startMs = nowMs
        this.doneMs = -1
        this.checks = []
        for (let i = 0; i < NAMES.length; i++) this.checks.push({ check: NAMES[i], verdict: "pending", id: "", value: "", action: "", atMs: 0 })
        this.rolesAtMs = -1
        this.fLastSampleMs = -1
        this.fWinMs = -1
        this.fN = 0
        this.fMinN = Infinity
        this.dPhase = 0
        this.dLast = NaN
        this.dStillMs = -1
        this.dBaseMm = NaN
        this.dTargetMm = NaN
        this.dMovedMm = 0
        this.dForceDev = 0
        this.sPhase = 0
        this.sDecidedMs = -1
        this.sTookMs = -1
        this.sCount0 = NaN
        this.sT0 = -1
        this.sRetries = 0
        this.spinHz = 0
        this.trigUp = false
        this.areaUp = false
        const o = this.out
        o.needleDuty = 0
        o.depthTargetMm = NaN
        o.indicator = "testing"
        o.needleEnabled = false
    }

    /** one decision while running: the outputs for the writer. Buttons as levels (pressed), undefined until reported. */
    tick(inp: PenInputs, triggerPressed: boolean, areaPressed: boolean): PenOutputs {
        const o = this.out
        const now = inp.nowMs
        this.nowMs = now
        o.needleDuty = 0
        if (!this.running) return o
        // a release counts only from a report (undefined: none yet)
        if (triggerPressed === false) this.trigUp = true
        if (areaPressed === false) this.areaUp = true
        if (this.rolesAtMs < 0) {
            const missing = missingRole(inp)
            if (missing !== "") {
                if (now - this.startMs > SELFTEST_ROLE_WAIT_MS) {
                    this.set(C_ROLES, "fail", "role_missing", missing, "connect it, restart the pen")
                    for (let i = 1; i < NAMES.length; i++) this.set(i, "skipped", `${NAMES[i]}_skipped`, "a required role is missing", "")
                    this.finish(now)
                }
                return o
            }
            this.rolesAtMs = now
            this.set(C_ROLES, "pass", "", "all present", "")
        }
        if (this.checks[C_FORCE].verdict === "pending") this.forceCheck(inp)
        if (this.dPhase < 2) this.depthCheck(inp)
        if (this.sPhase < 3) this.spinCheck(inp)
        o.depthTargetMm = this.dPhase === 1 ? this.dTargetMm : NaN
        if (this.sPhase === 1 || this.sPhase === 2) {
            o.needleDuty = SELFTEST_SPIN_DUTY
            this.drivenAtMs = now
        }
        // the bridge on for the whole test, as when armed: speed 0 brakes, and the spin needs no extra packet
        o.needleEnabled = true
        if (this.dPhase === 2 && this.sPhase === 3) {
            // the buttons' verdict needs a report from each (within the roles' bound)
            if (triggerPressed === undefined || areaPressed === undefined) if (now - this.startMs <= SELFTEST_ROLE_WAIT_MS) return o
            if (!this.trigUp) this.set(C_BUTTONS, "fail", "trigger_pressed", "never reported released", "release it or fix the switch wiring")
            else if (!this.areaUp) this.set(C_BUTTONS, "fail", "area_pressed", "never reported released", "release it or fix the switch wiring")
            else this.set(C_BUTTONS, "pass", "", "released", "")
            this.finish(now)
        }
        return o
    }

    /** the verdict is new (once per run) */
    takeFinished(): boolean {
        const f = this.fresh
        this.fresh = false
        return f
    }

    /** the first failed check by priority (the two pots swapped first: it fails force and depth alike) */
    firstFailure(): SelfTestCheck | undefined {
        const d = this.checks[C_DEPTH]
        if (d && d.id === "pots_swapped") return d
        for (const c of this.checks) if (c.verdict === "fail") return c
        for (const c of this.checks) if (c.verdict === "skipped") return c
        return undefined
    }

    /** why arming is refused ("" once passed) */
    gateText(): string {
        if (this.verdict === ST_PASS) return ""
        if (this.verdict !== ST_FAIL) return "self-test running: wait"
        const f = this.firstFailure()
        return "self-test failed: " + f.id + ": " + f.value + "; " + f.action
    }

    /** one SELFTEST line per check, then the result */
    lines(): string[] {
        const out: string[] = []
        for (const c of this.checks) {
            let l = "SELFTEST " + c.check + " " + c.verdict + " " + c.id + " at=" + c.atMs + "ms: " + c.value
            if (c.action !== "") l += "; " + c.action
            out.push(l)
        }
        const f = this.firstFailure()
        out.push("SELFTEST result " + this.verdict + " " + (f ? f.id : "") + " in " + (this.doneMs - this.startMs) + " ms")
        return out
    }

    // ---- the checks ----------------------------------------------------------------------

    private forceCheck(inp: PenInputs) {
        const now = inp.nowMs
        const sMs = inp.forceSampleMs
        if (sMs !== this.fLastSampleMs && sMs >= 0) {
            this.fLastSampleMs = sMs
            if (!(inp.forceN >= this.fMinN)) this.fMinN = inp.forceN
            const r = inp.forceRatio
            let lo = this.fLo
            let hi = this.fHi
            if (r < lo) lo = r
            if (r > hi) hi = r
            if (this.fN === 0 || hi - lo > SELFTEST_FORCE_SPAN_RATIO) {
                this.fLo = r
                this.fHi = r
                this.fN = 1
                this.fWinMs = sMs
            } else {
                this.fLo = lo
                this.fHi = hi
                this.fN++
            }
        }
        const f = this.p.force
        if (this.fN >= 3 && this.fLastSampleMs - this.fWinMs >= SELFTEST_FORCE_STEADY_MS && now - this.fLastSampleMs <= f.staleAfterMs) {
            const r = (this.fLo + this.fHi) / 2
            const v = "ratio " + fixed(r, 3) + ", " + fixed(inp.forceN, 2) + " N"
            if (r < f.openBelowRatio) this.set(C_FORCE, "fail", "force_open", v, "fit R_bias or mend the FSR cable")
            else if (r > f.saturatedAboveRatio) this.set(C_FORCE, "fail", "force_saturated", v, "fit R_m to GND or find the short")
            else if (inp.forceN > SELFTEST_ZERO_MAX_N) this.set(C_FORCE, "fail", "force_not_zero", v, "lift the pen, rerun; else check the FSR divider")
            else this.set(C_FORCE, "pass", "", v, "")
        } else if (now - this.rolesAtMs > SELFTEST_FORCE_SETTLE_MS) {
            // a pen held on the skin may never read steady (hand tremor): if no sample read zero,
            // lifting it is the first thing to try; a noisy input that reads zero at times is wiring
            if (this.fMinN > SELFTEST_ZERO_MAX_N) this.set(C_FORCE, "fail", "force_not_zero", "at least " + fixed(this.fMinN, 2) + " N, not steady", "lift the pen, rerun; else check the FSR divider")
            else this.set(C_FORCE, "fail", "force_unsteady", "ratio " + fixed(this.fLo, 3) + ".." + fixed(this.fHi, 3), "keep it still, check the FSR wiring")
        }
    }

    private depthCheck(inp: PenInputs) {
        const now = inp.nowMs
        const d = inp.depthActualMm
        if (!(Math.abs(d - this.dLast) <= SELFTEST_DEPTH_STILL_MM)) {
            this.dLast = d
            this.dStillMs = now
        }
        const still = now - this.dStillMs >= SELFTEST_DEPTH_STILL_MS
        const cal = this.p.depth
        if (this.dPhase === 0) {
            if (inp.forceN >= this.p.force.contactN) {
                this.set(C_DEPTH, "skipped", "depth_skipped", "contact " + fixed(inp.forceN, 2) + " N", "lift the pen, rerun")
                this.dPhase = 2
                return
            }
            if (!still) {
                if (now - this.rolesAtMs > SELFTEST_DEPTH_MAX_MS) {
                    this.set(C_DEPTH, "fail", "depth_unsteady", fixed(d, 2) + " mm", "check the feedback wiper")
                    this.dPhase = 2
                }
                return
            }
            const base = d
            const centre = -cal.angleAtZeroDeg / cal.degPerMm
            let t = SELFTEST_DEPTH_STEP_MM
            // away from the servo's centre, so that a mirrored actuator ends far from the command
            if (base >= 0 && base <= DEPTH_MAX_MM) {
                t = base <= centre ? base - SELFTEST_DEPTH_STEP_MM : base + SELFTEST_DEPTH_STEP_MM
                if (t < 0) t = base + SELFTEST_DEPTH_STEP_MM
                if (t > DEPTH_MAX_MM) t = base - SELFTEST_DEPTH_STEP_MM
            }
            this.dBaseMm = base
            this.dTargetMm = t
            this.dCmdMs = now
            this.dForce0 = inp.forceRatio
            this.dPhase = 1
            return
        }
        // stepping
        const moved = d - this.dBaseMm
        if (Math.abs(moved) > Math.abs(this.dMovedMm)) this.dMovedMm = moved
        const fdev = Math.abs(inp.forceRatio - this.dForce0)
        if (fdev > this.dForceDev) this.dForceDev = fdev
        if (inp.forceN >= this.p.force.contactN && this.dForceDev < SELFTEST_SWAP_RATIO) {
            this.depthDone("depth_contact", "contact " + fixed(inp.forceN, 2) + " N", "lift the pen, rerun")
            return
        }
        const since = now - this.dCmdMs
        const movedAny = Math.abs(this.dMovedMm) >= SELFTEST_DEPTH_STILL_MM
        if (!movedAny) {
            if (since < SELFTEST_DEPTH_NO_MOVE_MS) return
            const v = "still " + fixed(d, 2) + " mm, step to " + fixed(this.dTargetMm, 2)
            if (this.dForceDev >= SELFTEST_SWAP_RATIO)
                this.depthDone("pots_swapped", v + "; force moved " + fixed(this.dForceDev, 3), "swap the depthPos and pressure cables")
            else if (d < -DEPTH_FEEDBACK_SLACK_MM) this.depthDone("depth_feedback_open", v, "connect the feedback wiper")
            else if (d > DEPTH_MAX_MM + DEPTH_FEEDBACK_SLACK_MM) this.depthDone("depth_feedback_high", v, "wiper shorted to 3V3?")
            else this.depthDone("depth_not_moving", v, "check servo signal, power, pot linkage")
            return
        }
        if (!still && since < SELFTEST_DEPTH_MAX_MS) return
        const t = this.dTargetMm
        let slack = SELFTEST_DEPTH_SIZE_SHARE * Math.abs(t - this.dBaseMm)
        if (slack < cal.toleranceMm) slack = cal.toleranceMm
        // at the target: a pass. Anywhere else only once it has stayed there (a report late on a busy
        // bus is not an actuator that stopped short) or the time is up: where it ended names the mistake
        if (Math.abs(d - t) > slack) if (now - this.dStillMs < SELFTEST_DEPTH_SETTLED_MS) if (since < SELFTEST_DEPTH_MAX_MS) return
        const v = fixed(this.dBaseMm, 2) + "->" + fixed(t, 2) + " mm, read " + fixed(d, 2)
        const near = 0.15
        const actMirror = (-2 * cal.angleAtZeroDeg) / cal.degPerMm - t
        const fbMirror = (1 - 2 * cal.feedbackRatioAt0Mm) / cal.feedbackRatioPerMm - t
        if (Math.abs(d - t) <= slack) this.depthDone("", v, "")
        else if (Math.abs(d - actMirror) <= near)
            this.depthDone("depth_actuator_reversed", v, "swap the servo's min/max pulse; needle may stand out")
        else if (Math.abs(d - fbMirror) <= near) this.depthDone("depth_feedback_reversed", v, "swap the pot's outer wires")
        else if ((d - this.dBaseMm) * (t - this.dBaseMm) < 0) this.depthDone("depth_wrong_direction", v, "check actuator and pot wiring")
        else if (now - this.dStillMs >= SELFTEST_DEPTH_SETTLED_MS) this.depthDone("depth_wrong_size", v, "check depth.degPerMm, feedbackRatioPerMm")
        else this.depthDone("depth_too_slow", v, "check the actuator for a jam")
    }

    /** the depth check's verdict: a pass without an id, else a fail named by it */
    private depthDone(id: string, value: string, action: string) {
        this.set(C_DEPTH, id === "" ? "pass" : "fail", id, value, action)
        this.dPhase = 2
    }

    private spinCheck(inp: PenInputs) {
        const now = inp.nowMs
        const f = this.p.force
        if (this.sPhase === 0) {
            const fv = this.checks[C_FORCE].verdict
            if (fv === "pending") return
            if (fv !== "pass") {
                this.set(C_STROKE, "skipped", "stroke_skipped", "force check failed: no spin", "")
                this.sPhase = 3
                return
            }
            // the depth step's write first (or the depth check over)
            if (this.dPhase === 0) return
            if (this.dPhase === 1) if (now - this.dCmdMs < SELFTEST_SPIN_AFTER_DEPTH_MS) return
            const gap0 = now - inp.forceSampleMs
            if (gap0 > this.p.force.staleAfterMs) {
                if (gap0 > SELFTEST_FORCE_SETTLE_MS) this.spinDone("spin_no_force", "no force sample for " + gap0 + " ms", "check the force sensor's link, rerun")
                return
            }
            this.sPhase = 1
            this.sDecidedMs = now
        }
        // the needle runs only off the skin, on a live force reading, and never past its bound
        if (inp.forceN >= f.releaseN) {
            this.spinDone("spin_contact", "stopped at " + fixed(inp.forceN, 2) + " N", "lift the pen, rerun")
            return
        }
        const gap = now - inp.forceSampleMs
        if (gap > f.staleAfterMs) {
            // no force sample: the needle stops at once. A busy bus is not a broken sensor: the spin
            // starts again (from nothing) at the next sample, twice at most
            if (this.sRetries >= SELFTEST_SPIN_RETRIES)
                this.spinDone("spin_no_force", "no force sample for " + gap + " ms", "check the force sensor's link, rerun")
            else {
                this.sRetries++
                this.sPhase = 0
                this.sT0 = -1
            }
            return
        }
        const sent = inp.needleSentDuty
        if (this.sPhase === 1) {
            if (sent === undefined || sent > 0) {
                this.sPhase = 2
                this.sTookMs = now
            } else if (now - this.sDecidedMs >= SELFTEST_SPIN_MAX_MS) {
                this.spinDone("motor_no_drive", "drive not taken", "check the motor driver")
                return
            } else return
        }
        if (this.sT0 < 0 && inp.strokeSampleMs >= this.sTookMs + SELFTEST_SPIN_SETTLE_MS) {
            this.sT0 = inp.strokeSampleMs
            this.sCount0 = inp.strokes
        }
        if (now - this.sTookMs < SELFTEST_SPIN_MS && now - this.sDecidedMs < SELFTEST_SPIN_MAX_MS) return
        // over: judge the rate between the first counted sample and the last
        const span = inp.strokeSampleMs - this.sT0
        const rate = this.sT0 >= 0 && span > 0 ? ((inp.strokes - this.sCount0) * 1000) / span : 0
        this.spinHz = rate
        const expect = this.p.needle.noLoadHzPerDuty * SELFTEST_SPIN_DUTY
        const share = rate / expect
        const v = fixed(rate, 1) + "/s at duty " + fixed(SELFTEST_SPIN_DUTY, 2) + ", want ~" + fixed(expect, 0)
        if (share >= SELFTEST_RATE_MIN_SHARE && share <= SELFTEST_RATE_MAX_SHARE) this.spinDone("", v, "")
        else if (rate === 0) this.spinDone("stroke_none", v, "needle turned? no: motor wires; yes: stroke sensor")
        else if (share > 1.6 && share < 2.4) this.spinDone("stroke_double", v, "fit the 2-pole magnet")
        else if (share > SELFTEST_RATE_MAX_SHARE) this.spinDone("stroke_fast", v, "check stroke.countsPerStroke")
        else this.spinDone("stroke_slow", v, "check for drag, motor supply")
    }

    /** the spin's verdict: a pass without an id, else a fail named by it */
    private spinDone(id: string, value: string, action: string) {
        this.set(C_STROKE, id === "" ? "pass" : "fail", id, value, action)
        this.sPhase = 3
    }

    /** check i's verdict, at the tick being decided */
    private set(i: number, verdict: CheckVerdict, id: string, value: string, action: string) {
        const c = this.checks[i]
        c.verdict = verdict
        c.id = id
        c.value = value
        c.action = action
        c.atMs = this.nowMs - this.startMs
    }

    private finish(now: number) {
        let ok = true
        for (const c of this.checks) if (c.verdict === "fail") ok = false
        // a skipped check is not a pass: only a whole test passes
        for (const c of this.checks) if (c.verdict === "skipped") ok = false
        this.verdict = ok ? ST_PASS : ST_FAIL
        this.running = false
        this.doneMs = now
        this.fresh = true
        this.out.needleDuty = 0
        this.out.indicator = ok ? "off" : "test_failed"
        // the step keeps the bridge on for the brake hold after the spin (drivers/step.ts)
    }
}

/** the first required role unbound or not yet reporting ("" none) */
function missingRole(inp: PenInputs): string {
    if (!inp.needleBound) return "needle"
    if (!inp.depthBound) return "depth"
    if (!inp.pressureBound) return "pressure"
    if (!inp.strokeBound) return "stroke"
    if (inp.forceSampleMs < 0) return "pressure silent"
    if (inp.strokeSampleMs < 0) return "stroke silent"
    if (inp.depthActualMm !== inp.depthActualMm) return "depthPos silent"
    return ""
}
