// Fault detectors, driven by a table: one entry per fault, with the rule that trips it (detect)
// and, beside it, what must be true before a clear is accepted (stillThere), in the manner of
// PX4's failsafe table. What a fault means to a person, its stable id and how it clears (never,
// new session, once gone) are the catalogue in faults.ts; the pen (pen.ts) cuts the drive and
// latches whatever check() reports.
//
// The table's order is the order of the checks: in a tick where several rules hold, the first
// latches, and a later one trips after the clear if it still holds. Before the table, check()
// latches what is reported rather than detected, in this order: a sample that is not a number
// (force_open, stroke_silent), a device that left the bus (role_lost; the depth actuator:
// depth_missing), a force-sensor configuration a driver cannot use (profile_invalid) and a pass
// ledger not stored (store_failed). A rule's timers (how long a condition has held) live in
// FaultWatch and are updated when its entry runs.
import { ForceMonitor } from "./force"
import { fixed } from "./format"
import { DEPTH_STALE_MS, DEPTH_TOLD_MS, DRIVE_MATCH_DUTY, DRIVE_MISMATCH_MS, STROKE_COUNT_MIN_SHARE, STROKE_COUNT_WINDOW_MS } from "./limits"
import { MotionMonitor } from "./motion"
import { Profile } from "./profile"
import { FaultCode, PenInputs } from "./types"

/** the roles the core needs, in the order a loss is reported and arming names a missing one */
const ROLE_NAMES = ["needle motor", "depth actuator", "pressure sensor", "stroke sensor"]
const DEPTH_ROLE = 1

interface FaultDetector {
    code: FaultCode
    /** "" or why the fault trips in this tick, with the value and the limit. None: reported (check()) or raised at boot */
    detect?: (w: FaultWatch) => string
    /** "" when a clear may be accepted, else why not; `atMs`: when the fault latched */
    stillThere: (w: FaultWatch, atMs: number) => string
}

/** What the fault rules read in a tick (see()) and the timers they keep between ticks. */
export class FaultWatch {
    p: Profile
    force: ForceMonitor
    motion: MotionMonitor
    // ---- this tick, from the pen: see() and, from duty on, written by the pen itself (an
    // 8-argument call cost ~20 VM steps more per tick; issue 15). No initialisers (each costs
    // firmware bytes): all are set before check() runs, and stillThere() reads nothing before see() ----
    inp: PenInputs
    /** ms since the previous tick (0 on the first) */
    gapMs: number
    /** the drive decided in the previous tick: what the motor should have now */
    duty: number
    /** the actuator's position (NaN: none) and its command (mm) */
    depthMm: number
    depthCmdMm: number
    measuredHz: number
    /** the needle could run at the previous tick (armed, treating or paused) */
    armedLastTick: boolean
    /** since when the force sensor is needed (armed); -1 while it is not */
    watchSinceMs: number
    // ---- kept between ticks (the flags start undefined, read as false; strokesAtDrive is set
    // with driveAboveSinceMs, message with each trip, before either is read) ----
    /** each role has been bound at some time since boot (arming needs all four) */
    everBound = [false, false, false, false]
    /** every entry of everBound is true */
    allBound: boolean
    /** last tick the motor had taken the drive the core wants */
    driveMatchedMs = -1
    /** since when the drive is above stroke.silentAboveDuty with the stroke count at strokesAtDrive */
    driveAboveSinceMs = -1
    strokesAtDrive: number
    /** stroke_undercount's window: since when (-1: none), the count then, and duty x ms since (set with countSinceMs) */
    countSinceMs = -1
    strokesAtCount: number
    dutyMsSince: number
    overspeedSinceMs = -1
    /** when the depth command last changed; -1 until the first tick */
    depthCmdAtMs = -1
    /** the actuator has reached its command since the command last changed (a reading DEPTH_TOLD_MS after it was told) */
    depthSettled: boolean
    /** since when the actuator has been told the command (PenInputs.depthSentMm); NaN not yet */
    depthToldMs = NaN
    /** the optional motion role has been bound since boot: losing it is role_lost */
    motionEverBound: boolean
    /** why the fault check() returned trips */
    message: string

    constructor(p: Profile, force: ForceMonitor, motion: MotionMonitor) {
        this.p = p
        this.force = force
        this.motion = motion
    }

    /** what the pen saw this tick: called on every tick, before check(), with the fields below gapMs set */
    see(inp: PenInputs, gapMs: number) {
        this.inp = inp
        this.gapMs = gapMs
        // a slow boot is not the actuator's time
        if (this.depthCmdAtMs < 0) this.depthCmdAtMs = inp.nowMs
    }

    /**
     * The first fault that holds this tick ("" none), why in `message`. `forceOk`, `strokesOk`:
     * the force sample and the stroke count are numbers (the pen kept any other from the monitors).
     */
    check(forceOk: boolean, strokesOk: boolean): FaultCode | "" {
        const inp = this.inp
        // reported, before any rule reads the inputs (a pass counted but not stored would come
        // back after a power cycle: no treating on it)
        if (!forceOk) return this.trips("force_open", `force sample is not a number (${inp.forceN} N, ratio ${inp.forceRatio}): sensor or wiring fault`)
        if (!strokesOk) return this.trips("stroke_silent", `stroke count is not a number (${inp.strokes}): sensor fault`)
        // the usual tick: every role bound now and once before, nothing to note (no call, and nested
        // ifs: this compiler makes && cost ~4 VM steps more per term; performance only, issue 15)
        let usual = false
        if (this.allBound) if (inp.needleBound) if (inp.depthBound) if (inp.pressureBound) if (inp.strokeBound) usual = true
        if (!usual) {
            const lost = this.lostRole(inp)
            if (lost === DEPTH_ROLE) return this.trips("depth_missing", "depth actuator left the bus")
            if (lost >= 0) return this.trips("role_lost", `role lost: ${ROLE_NAMES[lost]} left the bus`)
        }
        // the optional accelerometer: once bound, its loss would switch dwell protection off unseen
        if (inp.motionBound) this.motionEverBound = true
        else if (this.motionEverBound) return this.trips("role_lost", "role lost: motion sensor left the bus (dwell protection)")
        if (inp.forceConfigError) return this.trips("profile_invalid", `profile invalid: ${inp.forceConfigError}`)
        if (inp.storeError) return this.trips("store_failed", `pass ledger not stored: ${inp.storeError}`)
        // then the rules, in the table's order, called one by one: a loop costs ~10 VM steps more
        // per entry (performance only, issue 15); checkedRules() says how many, a test holds it to
        // the table. A rule says "" or why, so `if (why)` is `why !== ""` in fewer steps
        const f = DETECT_FNS
        let why = f[0](this)
        if (why) return this.trips(DETECT_CODES[0], why)
        why = f[1](this)
        if (why) return this.trips(DETECT_CODES[1], why)
        why = f[2](this)
        if (why) return this.trips(DETECT_CODES[2], why)
        why = f[3](this)
        if (why) return this.trips(DETECT_CODES[3], why)
        why = f[4](this)
        if (why) return this.trips(DETECT_CODES[4], why)
        why = f[5](this)
        if (why) return this.trips(DETECT_CODES[5], why)
        why = f[6](this)
        if (why) return this.trips(DETECT_CODES[6], why)
        why = f[7](this)
        if (why) return this.trips(DETECT_CODES[7], why)
        why = f[8](this)
        if (why) return this.trips(DETECT_CODES[8], why)
        why = f[9](this)
        if (why) return this.trips(DETECT_CODES[9], why)
        why = f[10](this)
        if (why) return this.trips(DETECT_CODES[10], why)
        // the accelerometer's rules, only while its role is bound (unbound: no dwell protection, said in the status)
        if (!inp.motionBound) return ""
        why = f[11](this)
        if (why) return this.trips(DETECT_CODES[11], why)
        why = f[12](this)
        if (why) return this.trips(DETECT_CODES[12], why)
        why = f[13](this)
        if (why) return this.trips(DETECT_CODES[13], why)
        why = f[14](this)
        if (why) return this.trips(DETECT_CODES[14], why)
        return ""
    }

    /** "" when the latched fault may be cleared, else why not (read from the last tick) */
    stillThere(code: FaultCode, atMs: number): string {
        if (!this.inp) return ""
        for (const d of DETECTORS) if (d.code === code) return d.stillThere(this, atMs)
        return ""
    }

    /** a clear was accepted: the rules' timers start again */
    cleared(nowMs: number) {
        this.driveAboveSinceMs = -1
        this.countSinceMs = -1
        this.overspeedSinceMs = -1
        this.depthCommanded(nowMs)
    }

    /** the depth command changed: the actuator has followTimeoutMs to get there */
    depthCommanded(nowMs: number) {
        this.depthCmdAtMs = nowMs
        this.depthSettled = false
        this.depthToldMs = NaN
    }

    /** the first role never bound since boot ("" none): arming needs them all */
    missingRole(): string {
        for (let i = 0; i < 4; i++) if (!this.everBound[i]) return ROLE_NAMES[i]
        return ""
    }

    private trips(code: FaultCode, why: string): FaultCode {
        this.message = why
        return code
    }

    /** the first role (ROLE_NAMES order) that had been bound and is gone; -1 none (not called once all are bound: check()) */
    private lostRole(inp: PenInputs): number {
        const e = this.everBound
        const bound = [inp.needleBound, inp.depthBound, inp.pressureBound, inp.strokeBound]
        for (let i = 0; i < 4; i++) {
            if (bound[i]) e[i] = true
            else if (e[i]) return i
        }
        this.allBound = e[0] && e[1] && e[2] && e[3]
        return -1
    }
}

export function finite(x: number): boolean {
    // x - x is 0 for a finite number, NaN for NaN and the infinities (fewer VM steps than three comparisons)
    return typeof x === "number" && x - x === 0
}

/** the depth reading is more than DEPTH_STALE_MS old (a time nothing stamps: never) */
export function depthStale(inp: PenInputs): boolean {
    const at = inp.depthSampleMs
    return at !== undefined && inp.nowMs - at > DEPTH_STALE_MS
}

/** the actuator has had followTimeoutMs since its command changed */
function depthLate(w: FaultWatch): boolean {
    return w.depthCmdAtMs >= 0 && w.inp.nowMs - w.depthCmdAtMs > w.p.depth.followTimeoutMs
}

function never(): string {
    return ""
}

/** motion_rate: "" or why the accelerometer's rate read back is not motion.odrHz (not read: unchecked) */
function rateWrong(w: FaultWatch): string {
    const hz = w.inp.accelOdrHz
    const want = w.p.motion.odrHz
    if (hz === undefined || hz === want) return ""
    return hz >= 0 ? `the accelerometer runs at ${hz} Hz, the dwell rule at motion.odrHz ${want} Hz` : "the accelerometer's rate cannot be read or set over I2C"
}

const DETECTORS: FaultDetector[] = [
    {
        // the writer is the only path to the motor: if what the motor took is not what the core
        // wants (a stop exactly, a drive within DRIVE_MATCH_DUTY) for DRIVE_MISMATCH_MS, stop
        code: "drive_mismatch",
        detect: (w) => {
            const inp = w.inp
            const sent = inp.needleSentDuty
            const duty = w.duty
            // matched: nothing sent yet, no motor, or the motor has what the core wants (the quiet
            // path first, in nested ifs: fewer VM steps than one condition with || and ?:)
            if (sent === undefined || !inp.needleBound) {
                w.driveMatchedMs = inp.nowMs
                return ""
            }
            if (duty === 0) {
                if (sent === 0) {
                    w.driveMatchedMs = inp.nowMs
                    return ""
                }
            } else if (Math.abs(sent - duty) <= DRIVE_MATCH_DUTY) {
                w.driveMatchedMs = inp.nowMs
                return ""
            }
            if (!(w.driveMatchedMs >= 0) || !(inp.nowMs - w.driveMatchedMs > DRIVE_MISMATCH_MS)) return ""
            return `the motor has drive ${sent < 0 ? "unknown" : fixed(sent, 2)}, the core wants ${fixed(w.duty, 2)}, for ${Math.round(inp.nowMs - w.driveMatchedMs)} ms (limit ${DRIVE_MISMATCH_MS} ms)`
        },
        stillThere: (w) => {
            const sent = w.inp.needleSentDuty
            if (!w.inp.needleBound || sent === undefined || sent === 0) return ""
            return `the motor still has drive ${sent < 0 ? "unknown" : fixed(sent, 2)}, not the stop`
        },
    },
    {
        // the gap matters if the needle could have run during it, i.e. in the state of the last tick
        code: "tick_overrun",
        detect: (w) => {
            if (!w.armedLastTick) return ""
            if (!(w.gapMs > w.p.control.overrunAfterMs)) return ""
            return `control tick overrun: ${Math.round(w.gapMs)} ms since the last tick (limit ${w.p.control.overrunAfterMs} ms)`
        },
        stillThere: never,
    },
    {
        code: "force_open",
        detect: (w) => w.force.openFault(),
        stillThere: (w) => (w.inp.forceRatio < w.p.force.openBelowRatio ? "the force sensor still reads open" : ""),
    },
    {
        code: "force_saturated",
        detect: (w) => w.force.saturatedFault(),
        stillThere: (w) => (w.inp.forceRatio > w.p.force.saturatedAboveRatio ? "the force sensor still reads saturated" : ""),
    },
    {
        code: "force_stale",
        detect: (w) => w.force.staleFault(w.inp.nowMs, w.watchSinceMs),
        stillThere: (w) => {
            const inp = w.inp
            return inp.forceSampleMs < 0 || inp.nowMs - inp.forceSampleMs > w.p.force.staleAfterMs ? "the force sensor is still not reporting" : ""
        },
    },
    {
        code: "force_stuck",
        detect: (w) => w.force.stuckFault(w.inp.nowMs, w.duty > 0),
        // a frozen reading may well read "contact": clearing it would start a pass in the air
        stillThere: (w, atMs) => (w.force.ratioSinceMs <= atMs ? `the force reading is still frozen at ${fixed(w.inp.forceRatio, 4)}` : ""),
    },
    {
        // stroke sensor silent while driven: stall, jam or a dead sensor
        code: "stroke_silent",
        detect: (w) => {
            const s = w.p.stroke
            if (!(w.duty > s.silentAboveDuty)) {
                w.driveAboveSinceMs = -1
                return ""
            }
            const inp = w.inp
            if (w.driveAboveSinceMs < 0 || inp.strokes !== w.strokesAtDrive) {
                w.driveAboveSinceMs = inp.nowMs
                w.strokesAtDrive = inp.strokes
                return ""
            }
            if (!(inp.nowMs - w.driveAboveSinceMs > s.silentAfterMs)) return ""
            return `stroke sensor silent for ${Math.round(inp.nowMs - w.driveAboveSinceMs)} ms at drive ${fixed(w.duty, 2)} (limit ${s.silentAfterMs} ms): stall, jam or sensor`
        },
        // the drive is cut once latched: the condition cannot last
        stillThere: never,
    },
    {
        // the sensor counts, but fewer strokes than the drive makes: counts lost (a loose connector,
        // decoder polls run late) count the dose low and let the rate loop overdrive the needle.
        // Judged over each window of drive above silentAboveDuty, restarted when the drive drops
        code: "stroke_undercount",
        detect: (w) => {
            if (!(w.duty > w.p.stroke.silentAboveDuty)) {
                w.countSinceMs = -1
                return ""
            }
            const inp = w.inp
            if (w.countSinceMs < 0) {
                w.countSinceMs = inp.nowMs
                w.strokesAtCount = inp.strokes
                w.dutyMsSince = 0
                return ""
            }
            // the drive decided last tick is what the motor had through this gap
            w.dutyMsSince += w.duty * w.gapMs
            const spanMs = inp.nowMs - w.countSinceMs
            if (spanMs < STROKE_COUNT_WINDOW_MS) return ""
            w.countSinceMs = -1
            const counted = inp.strokes - w.strokesAtCount
            const want = (STROKE_COUNT_MIN_SHARE * w.p.needle.noLoadHzPerDuty * w.dutyMsSince) / 1000
            // a count that went back (the role rebound) judges nothing
            if (counted >= want || counted < 0) return ""
            return `stroke sensor counted ${fixed(counted, 0)} strokes in ${Math.round(spanMs)} ms at drive ${fixed(w.duty, 2)}, under the ${fixed(want, 0)} asked (${STROKE_COUNT_MIN_SHARE} of what the drive makes unloaded)`
        },
        // the drive is cut once latched: the condition cannot last
        stillThere: never,
    },
    {
        // in any state: a driver that runs the motor undriven
        code: "stroke_overspeed",
        detect: (w) => {
            const s = w.p.stroke
            if (!(w.measuredHz > s.overspeedHz)) {
                w.overspeedSinceMs = -1
                return ""
            }
            const now = w.inp.nowMs
            if (w.overspeedSinceMs < 0) {
                w.overspeedSinceMs = now
                return ""
            }
            if (!(now - w.overspeedSinceMs > s.overspeedAfterMs)) return ""
            return `stroke rate ${fixed(w.measuredHz, 0)} strokes/s above ${s.overspeedHz} for ${Math.round(now - w.overspeedSinceMs)} ms: runaway`
        },
        stillThere: (w) => {
            const limit = w.p.stroke.overspeedHz
            return w.measuredHz > limit ? `the needle still runs at ${fixed(w.measuredHz, 0)} strokes/s, above ${limit}` : ""
        },
    },
    {
        // no position followTimeoutMs after a move, or once it had got there (off the bus: check())
        code: "depth_missing",
        detect: (w) => {
            const inp = w.inp
            if (!inp.depthBound) return ""
            // a reading counts only DEPTH_TOLD_MS after the actuator was told the command: one from
            // before may show it passing this depth on its way to an older command
            const sent = inp.depthSentMm
            if (sent !== undefined && sent !== w.depthCmdMm) w.depthToldMs = NaN
            else if (w.depthToldMs !== w.depthToldMs) w.depthToldMs = inp.nowMs
            const d = w.depthMm
            if (d === d) {
                // when the reading came, where it says (not told: NaN, never >=): a stream that
                // paused over the write leaves a reading from before it
                let at = inp.depthSampleMs
                if (at === undefined) at = inp.nowMs
                if (Math.abs(d - w.depthCmdMm) <= w.p.depth.toleranceMm) if (at - w.depthToldMs >= DEPTH_TOLD_MS) w.depthSettled = true
                return ""
            }
            if (!w.depthSettled && !depthLate(w)) return ""
            return w.depthSettled
                ? `depth actuator stopped reporting its position (commanded ${fixed(w.depthCmdMm, 2)} mm)`
                : `depth actuator reports no position ${w.p.depth.followTimeoutMs} ms after a move`
        },
        stillThere: (w) => {
            const inp = w.inp
            if (!inp.depthBound || w.depthMm !== w.depthMm) return "the depth actuator is still missing"
            // a reading that stopped coming (no position while the needle may run: pen.ts)
            return depthStale(inp) ? "the depth feedback is still not reporting" : ""
        },
    },
    {
        // not there followTimeoutMs after a move, or moved away after it had got there (e.g.
        // pushed in during a pass); depth_missing has updated depthSettled in this tick
        code: "depth_not_following",
        detect: (w) => {
            if (!w.inp.depthBound) return ""
            if (!w.depthSettled && !depthLate(w)) return ""
            const d = w.depthMm
            if (d !== d || !(Math.abs(d - w.depthCmdMm) > w.p.depth.toleranceMm)) return ""
            const tol = fixed(w.p.depth.toleranceMm, 2)
            return w.depthSettled
                ? `depth actuator moved to ${fixed(w.depthMm, 2)} mm, commanded ${fixed(w.depthCmdMm, 2)} mm (tolerance ${tol} mm)`
                : `depth actuator at ${fixed(w.depthMm, 2)} mm, commanded ${fixed(w.depthCmdMm, 2)} mm for ${Math.round(w.inp.nowMs - w.depthCmdAtMs)} ms (tolerance ${tol} mm)`
        },
        stillThere: (w) => {
            const d = w.depthMm
            if (d !== d || !(Math.abs(d - w.depthCmdMm) > w.p.depth.toleranceMm)) return ""
            return `the depth actuator is still at ${fixed(d, 2)} mm, commanded ${fixed(w.depthCmdMm, 2)} mm`
        },
    },
    {
        // reported by a driver (check()), or raised at boot by checkProfile (pen.ts); never clears
        code: "profile_invalid",
        stillThere: never,
    },
    {
        // the accelerometer (motion role, bound: check() runs these only then) silent while the
        // needle may run: the dwell rule would be blind
        code: "motion_silent",
        detect: (w) => w.motion.silentFault(w.inp.nowMs, w.watchSinceMs),
        stillThere: (w) => {
            const inp = w.inp
            if (!inp.motionBound) return ""
            const last = w.motion.lastSampleMs
            return last < 0 || inp.nowMs - last > w.p.motion.staleAfterMs ? "the accelerometer is still not reporting" : ""
        },
    },
    {
        // a reading that does not change on any axis: a live chip's noise changes it every sample
        code: "motion_stuck",
        detect: (w) => w.motion.stuckFault(w.inp.nowMs, w.watchSinceMs),
        // a frozen reading may be a still pen's: only a change clears it
        stillThere: (w, atMs) => (w.motion.changedMs <= atMs ? "the accelerometer reading is still frozen" : ""),
    },
    {
        // an axis at full scale for saturatedSamples samples while the needle may run: a knock, a
        // drop, or a chip that reads nonsense; the band-limited evidence means nothing then
        code: "motion_saturated",
        detect: (w) => (w.watchSinceMs < 0 ? "" : w.motion.saturatedFault()),
        stillThere: (w) => (w.motion.saturatedNow() ? "the accelerometer still reads full scale" : ""),
    },
    {
        // the chip's rate as its board driver read it back (drivers/lsm6ds.ts): the filters step
        // 1/motion.odrHz per new reading, so at another rate turns and rests read at the wrong
        // time (a chip left at jacdac-c's 52 Hz: glides stopped, docs/IMU-DIRECT.md)
        code: "motion_rate",
        detect: rateWrong,
        stillThere: rateWrong,
    },
    {
        // reported by the ledger's store (check())
        code: "store_failed",
        stillThere: (w) => (w.inp.storeError ? `the ledger is still not stored: ${w.inp.storeError}` : ""),
    },
    {
        // reported by the bindings (check()): a bound role that left the bus
        code: "role_lost",
        stillThere: (w) => {
            const inp = w.inp
            if (w.motionEverBound && !inp.motionBound) return "the motion sensor is still off the bus"
            return inp.needleBound && inp.pressureBound && inp.strokeBound ? "" : "a device is still off the bus"
        },
    },
    {
        // raised at boot when the stored ledger cannot be trusted; only a new session clears it
        code: "settings_invalid",
        stillThere: never,
    },
]

/** the fault codes the table has an entry for, in its order (a test checks it covers faults.ts) */
export function detectorCodes(): FaultCode[] {
    const out: FaultCode[] = []
    for (const d of DETECTORS) out.push(d.code)
    return out
}

// the rules with a detect, as two arrays check() calls into (cheaper in the VM than the entries)
const DETECT_FNS: ((w: FaultWatch) => string)[] = []
const DETECT_CODES: FaultCode[] = []
for (const d of DETECTORS)
    if (d.detect) {
        DETECT_FNS.push(d.detect)
        DETECT_CODES.push(d.code)
    }

/**
 * How many rules check() calls, and how many the table has: a rule added to the table and not to
 * check() would never run (test/core/faulttable.test.ts compares them). Functions, not constants,
 * so they stay out of the firmware's bytecode.
 */
export function checkedRules(): number {
    return 15
}

export function tableRules(): number {
    return DETECT_FNS.length
}
