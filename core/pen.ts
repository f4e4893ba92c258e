// The control core. One `tick(inputs)` per control period decides the needle drive and the depth
// target; `command()` takes button and console requests. Pure: no clock, no hardware.
//
// States and the transitions allowed between them (anything else is refused with a reason):
//   idle     -> armed     trigger, when every role is bound and the area has passes left
//   idle     -> locked    trigger, when the area has used its passes
//   armed    -> treating  contact confirmed and depth at the preset: a pass starts (and counts)
//   treating -> paused    lift (force below releaseN), over-pressure, or a fast jab
//   paused   -> treating  contact again within releaseDebounceMs, cutoffs released: same pass
//   paused   -> armed     released for releaseDebounceMs: the pass ends
//   paused   -> locked    the pass ends and the area has used its passes
//   locked   -> armed/idle  another area selected, or a new session
//   armed/treating/paused/locked -> idle   trigger (disarm; a pass in progress ends)
//   any      -> fault     a fault: drive cut in the same tick, latched
//   fault    -> idle      explicit clear, only once the condition is gone
import { faultInfo } from "./faults"
import { ForceMonitor } from "./force"
import { fixed } from "./format"
import { checkRestored, Ledger } from "./ledger"
import { DEPTH_MAX_MM, DRIVE_MATCH_DUTY, DRIVE_MISMATCH_MS } from "./limits"
import { Preset, Profile } from "./profile"
import { RateMeter, RateRegulator, rateLiveMs } from "./rate"
import {
    AreaPreset, CommandResult, EventKind, Fault, FaultCode, Indicator, LedgerEntry, PenCommand, PenEvent,
    PenInputs, PenOutputs, PenState, PenStatus, PresetInfo, PresetSource,
} from "./types"
import { areaIdList, checkPreset, checkPresetList, checkProfile, depthPositionMm } from "./validate"

export interface PenOptions {
    /** presets restored from the settings store (validated again here); undefined: none stored */
    presets?: Preset[]
    /**
     * per area, why its stored preset record could not be read ("" or undefined: fine). Such an
     * area falls back to the factory preset and says so (event preset_fallback, presetInfo()).
     */
    presetErrors?: string[]
    /** ledger restored from the settings store */
    ledger?: LedgerEntry[]
    areaId?: string
    /** set when stored settings were found corrupt: raises settings_invalid */
    settingsError?: string
}

export class Pen {
    /** the presets in use (working): console edits change these. Never changed in place */
    private presets: Preset[] = []
    // Allocated only when needed: the VM test suite runs close to the VM's heap limit.
    /** the presets the pen boots with (what save_presets stored, or the restored or factory
     * ones); undefined while they are the working ones (no edit since boot or the last save) */
    private saved: Preset[] = undefined
    /** per area, where the saved preset came from: "factory", "stored", or why it fell back;
     * undefined: every area "factory", or every area "stored" once savedOnce */
    private origins: string[] = undefined
    private savedOnce = false
    private ledger: Ledger
    private areaIndex = 0
    private state: PenState = "idle"
    private fault: Fault | undefined = undefined
    private events: PenEvent[] = []
    private force: ForceMonitor
    private meter: RateMeter
    private reg: RateRegulator
    private lastTickMs = -1
    private armedLastTick = false
    private lastInputs: PenInputs | undefined = undefined
    private everBound = [false, false, false, false]
    private armedAtMs = -1
    private releasedAtMs = -1
    private cutoffHeld = false
    private overPressing = false
    private cutoffReason = ""
    private depthCmdMm = 0
    /** when the depth command last changed; -1 until the first tick (a slow boot is not the actuator's time) */
    private depthCmdAtMs = -1
    /** the actuator has reached its command since the command last changed */
    private depthSettled = false
    private depthWaitSaid = false
    private duty = 0
    private measuredHz = 0
    private driveAboveSinceMs = -1
    private strokesAtDrive = 0
    private overspeedSinceMs = -1
    private holdReason = "disarmed: press the trigger to arm"
    /** the actuator's position this tick (mm), NaN when it reports none or an implausible one */
    private depthMm = NaN
    /** last tick the needle was driven (the brake hold runs from here) */
    private drivenAtMs = -1
    /** last tick the motor had taken the core's drive */
    private driveMatchedMs = -1

    constructor(private profile: Profile, opts?: PenOptions) {
        const ids: string[] = []
        for (const a of profile.areas) ids.push(a.id)
        this.ledger = new Ledger(ids, opts ? opts.ledger : undefined)
        this.force = new ForceMonitor(profile.force)
        this.meter = new RateMeter(profile.stroke.rateWindowMs, rateLiveMs(profile.stroke.countsPerStroke))
        this.reg = new RateRegulator(profile.needle)
        for (let i = 0; i < profile.areas.length; i++) {
            const a = profile.areas[i]
            let p = a.preset
            let source: PresetSource = "factory"
            let note = opts && opts.presetErrors && opts.presetErrors[i] ? opts.presetErrors[i] : ""
            const stored = opts && opts.presets ? opts.presets[i] : undefined
            if (note === "" && stored) {
                // a stored preset is checked against today's limits and caps, like a console edit
                const why = checkPreset(a, stored)
                if (why === "") {
                    p = stored
                    source = "stored"
                } else note = `stored preset for ${a.id} is out of range: ${why}`
            }
            this.presets.push(copyPreset(p))
            if ((source !== "factory" || note !== "") && !this.origins) {
                this.origins = []
                for (let k = 0; k < i; k++) this.origins.push("factory")
            }
            if (this.origins) this.origins.push(note !== "" ? note : source)
            if (note !== "")
                this.emit(0, "preset_fallback", `${note}: using the factory preset for ${a.id} (${presetText(p)})`)
        }
        if (opts && opts.areaId) {
            const i = this.indexOf(opts.areaId)
            if (i >= 0) this.areaIndex = i
        }
        this.depthCmdMm = this.presets.length > 0 ? this.presets[this.areaIndex].depthMm : 0
        const why = checkProfile(profile)
        const badLedger = opts && opts.ledger ? checkRestored(opts.ledger) : ""
        if (why !== "") {
            // nothing in an invalid profile is trusted, not even its depth: retract
            this.depthCmdMm = 0
            this.trip(0, "profile_invalid", `profile invalid: ${why}`)
        } else if (opts && opts.settingsError) this.trip(0, "settings_invalid", `stored settings invalid: ${opts.settingsError}`)
        else if (badLedger !== "") this.trip(0, "settings_invalid", `stored settings invalid: ${badLedger}`)
    }

    // ---- the tick -------------------------------------------------------------------------

    tick(inp: PenInputs): PenOutputs {
        const now = inp.nowMs
        const gapMs = this.lastTickMs < 0 ? 0 : now - this.lastTickMs
        this.lastTickMs = now
        this.lastInputs = inp
        if (this.depthCmdAtMs < 0) this.depthCmdAtMs = now
        this.depthMm = depthPositionMm(inp.depthActualMm)
        // a sample that is not a number never reaches the monitors (a NaN count would make the
        // drive NaN): it is a sensor fault, latched below
        const forceOk = finite(inp.forceN) && finite(inp.forceRatio)
        const strokesOk = finite(inp.strokes)
        if (forceOk) this.force.update(inp)
        if (strokesOk) this.meter.add(inp.strokeSampleMs, inp.strokes)
        this.measuredHz = this.meter.hz(now)

        if (this.state !== "fault") {
            if (!forceOk) this.trip(now, "force_open", `force sample is not a number (${inp.forceN} N, ratio ${inp.forceRatio}): sensor or wiring fault`)
            else if (!strokesOk) this.trip(now, "stroke_silent", `stroke count is not a number (${inp.strokes}): sensor fault`)
            else this.checkFaults(inp, gapMs)
        }
        this.armedLastTick = this.state === "armed" || this.state === "treating" || this.state === "paused"
        if (this.state === "fault") {
            this.duty = 0
            this.reg.reset()
            return this.outputs()
        }

        // cutoffs act on the sample that shows them, before anything else. A too-hard press is
        // recorded once per press (until the force drops below contactN), whatever stopped the
        // needle first.
        if (this.force.overPressure()) {
            // (re)cut whenever the cutoff is not held, but record the press only once
            if (this.needleMayRun() && (!this.overPressing || !this.cutoffHeld)) {
                if (!this.overPressing) {
                    this.overPressing = true
                    this.ledger.countOverPressure(this.areaIndex)
                }
                this.cutoff(now, "over_pressure",
                    `over-pressure ${fixed(this.force.forceN(), 2)} N above ${fixed(this.profile.force.overPressureN, 2)} N: needle stopped, lift below ${fixed(this.profile.force.contactN, 2)} N to resume`)
            }
        } else if (this.force.riseTrip() && !this.cutoffHeld && this.needleMayRun()) {
            this.cutoff(now, "rise_cutoff",
                `force rising ${fixed(this.force.riseNPerS, 0)} N/s, above ${fixed(this.profile.force.riseLimitNPerS, 0)} N/s: needle stopped, lift below ${fixed(this.profile.force.contactN, 2)} N to resume`)
        }
        if (this.force.belowContact()) {
            this.overPressing = false
            if (this.cutoffHeld) {
                this.cutoffHeld = false
                this.cutoffReason = ""
            }
        }

        this.step(inp)
        this.updateDepth(now)
        this.updateDrive(now)
        return this.outputs()
    }

    private needleMayRun(): boolean {
        return this.state === "treating" || this.state === "paused" || this.state === "armed"
    }

    private cutoff(now: number, kind: EventKind, message: string) {
        this.cutoffHeld = true
        this.cutoffReason = message
        this.duty = 0
        if (this.state === "treating") {
            this.addTreated(now)
            this.setState(now, "paused")
            this.releasedAtMs = now
        }
        this.emit(now, kind, message)
    }

    private step(inp: PenInputs) {
        const now = inp.nowMs
        const area = this.profile.areas[this.areaIndex]
        const preset = this.presets[this.areaIndex]
        const used = this.ledger.entry(this.areaIndex).passes
        if (this.state === "armed") {
            if (used >= preset.passLimit) {
                this.lock(now)
                return
            }
            if (!this.force.contact || this.cutoffHeld) {
                this.holdReason = this.cutoffHeld ? this.cutoffReason : "armed: touch the skin to start a pass"
                return
            }
            if (!this.depthReached(inp)) {
                this.holdReason = `depth moving to ${fixed(preset.depthMm, 2)} mm: lift the pen until it gets there`
                if (!this.depthWaitSaid) this.emit(now, "depth_wait", this.holdReason)
                this.depthWaitSaid = true
                return
            }
            this.depthWaitSaid = false
            this.ledger.countPass(this.areaIndex)
            this.setState(now, "treating")
            this.emit(now, "pass_start",
                `pass ${used + 1}/${preset.passLimit} on ${area.id} at ${fixed(preset.depthMm, 2)} mm, ${preset.strokeHz} strokes/s`)
        } else if (this.state === "treating") {
            this.holdReason = ""
            if (!this.force.contact) {
                this.addTreated(now)
                this.releasedAtMs = now
                this.setState(now, "paused")
            }
        } else if (this.state === "paused") {
            if (this.force.contact && !this.cutoffHeld) {
                this.setState(now, "treating")
                this.holdReason = ""
                return
            }
            if (this.force.touching) this.releasedAtMs = now
            this.holdReason = this.cutoffHeld ? this.cutoffReason : "lifted: touch again to continue the pass"
            if (now - this.releasedAtMs >= this.profile.force.releaseDebounceMs) this.endPass(now)
        } else if (this.state === "locked") {
            this.holdReason = this.lockedReason()
        } else {
            this.holdReason = "disarmed: press the trigger to arm"
        }
    }

    private endPass(now: number) {
        const e = this.ledger.entry(this.areaIndex)
        const preset = this.presets[this.areaIndex]
        this.ledger.touch()
        this.emit(now, "pass_end",
            `pass ${e.passes}/${preset.passLimit} on ${e.areaId} ended, treated ${fixed(e.treatedMs / 1000, 1)} s`)
        if (e.passes >= preset.passLimit) this.lock(now)
        else this.setState(now, "armed")
    }

    private lock(now: number) {
        this.setState(now, "locked")
        this.holdReason = this.lockedReason()
        this.emit(now, "area_locked", this.holdReason)
    }

    private lockedReason(): string {
        const e = this.ledger.entry(this.areaIndex)
        return `area ${e.areaId} has used ${e.passes}/${this.presets[this.areaIndex].passLimit} passes: select another area or start a new session`
    }

    private addTreated(now: number) {
        // treated time is counted from the state's own clock: the time since the last tick in treating
        this.ledger.addTreated(this.areaIndex, now - this.treatingSinceMs)
        this.treatingSinceMs = now
    }
    private treatingSinceMs = 0

    private depthReached(inp: PenInputs): boolean {
        const actual = this.depthMm
        if (actual !== actual) return false
        const target = this.presets[this.areaIndex].depthMm
        return Math.abs(actual - target) <= this.profile.depth.toleranceMm && Math.abs(this.depthCmdMm - target) < 1e-9
    }

    private updateDepth(now: number) {
        // the actuator moves only while the needle is out of the skin and not running
        if (this.force.touching || this.state === "treating" || this.state === "paused") return
        this.commandDepth(now)
    }

    /** the depth of the selected area's preset, within its cap and the hard maximum */
    private commandDepth(now: number) {
        const target = Math.min(this.presets[this.areaIndex].depthMm, this.profile.areas[this.areaIndex].depthCapMm, DEPTH_MAX_MM)
        if (target !== this.depthCmdMm) {
            this.depthCmdMm = target
            this.depthCmdAtMs = now
            this.depthSettled = false
        }
    }

    private updateDrive(now: number) {
        // the over-pressure rule is enforced here too, at the output, whatever the state says
        if (this.state !== "treating" || this.cutoffHeld || this.force.overPressure()) {
            this.duty = 0
            this.reg.reset()
            return
        }
        this.addTreated(now)
        this.duty = this.reg.update(now, this.presets[this.areaIndex].strokeHz, this.measuredHz, this.meter.live(now))
    }

    // ---- faults ---------------------------------------------------------------------------

    private checkFaults(inp: PenInputs, gapMs: number) {
        const now = inp.nowMs
        if (inp.needleBound && inp.depthBound && inp.pressureBound && inp.strokeBound) {
            // the usual tick: every role bound, no arrays built (performance only, issue 15)
            const e = this.everBound
            e[0] = true
            e[1] = true
            e[2] = true
            e[3] = true
        } else {
            const bound = [inp.needleBound, inp.depthBound, inp.pressureBound, inp.strokeBound]
            const names = ["needle motor", "depth actuator", "pressure sensor", "stroke sensor"]
            for (let i = 0; i < 4; i++) {
                if (bound[i]) this.everBound[i] = true
                else if (this.everBound[i]) {
                    if (i === 1) this.trip(now, "depth_missing", `depth actuator left the bus`)
                    else this.trip(now, "role_lost", `role lost: ${names[i]} left the bus`)
                    return
                }
            }
        }
        if (inp.forceConfigError) {
            this.trip(now, "profile_invalid", `profile invalid: ${inp.forceConfigError}`)
            return
        }
        // a pass counted but not stored would come back after a power cycle: no treating on it
        if (inp.storeError) {
            this.trip(now, "store_failed", `pass ledger not stored: ${inp.storeError}`)
            return
        }
        // the writer is the only path to the motor: if what the motor took is not what the core
        // wants (a stop exactly, a drive within DRIVE_MATCH_DUTY) for DRIVE_MISMATCH_MS, stop
        const sent = inp.needleSentDuty
        if (sent === undefined || !inp.needleBound || (this.duty === 0 ? sent === 0 : Math.abs(sent - this.duty) <= DRIVE_MATCH_DUTY))
            this.driveMatchedMs = now
        else if (this.driveMatchedMs >= 0 && now - this.driveMatchedMs > DRIVE_MISMATCH_MS) {
            this.trip(now, "drive_mismatch",
                `the motor has drive ${sent < 0 ? "unknown" : fixed(sent, 2)}, the core wants ${fixed(this.duty, 2)}, for ${Math.round(now - this.driveMatchedMs)} ms (limit ${DRIVE_MISMATCH_MS} ms)`)
            return
        }
        const watching = this.state === "armed" || this.state === "treating" || this.state === "paused"
        // the gap matters if the needle could have run during it, i.e. in the state of the last tick
        if (this.armedLastTick && gapMs > this.profile.control.overrunAfterMs) {
            this.trip(now, "tick_overrun", `control tick overrun: ${Math.round(gapMs)} ms since the last tick (limit ${this.profile.control.overrunAfterMs} ms)`)
            return
        }
        const finding = this.force.check(now, watching ? this.armedAtMs : -1, this.duty > 0)
        if (finding) {
            this.trip(now, finding.code, finding.message)
            return
        }
        // stroke sensor silent while driven: stall, jam or a dead sensor
        const s = this.profile.stroke
        if (this.duty > s.silentAboveDuty) {
            if (this.driveAboveSinceMs < 0 || inp.strokes !== this.strokesAtDrive) {
                this.driveAboveSinceMs = now
                this.strokesAtDrive = inp.strokes
            } else if (now - this.driveAboveSinceMs > s.silentAfterMs) {
                this.trip(now, "stroke_silent",
                    `stroke sensor silent for ${Math.round(now - this.driveAboveSinceMs)} ms at drive ${fixed(this.duty, 2)} (limit ${s.silentAfterMs} ms): stall, jam or sensor`)
                return
            }
        } else this.driveAboveSinceMs = -1
        if (this.measuredHz > s.overspeedHz) {
            if (this.overspeedSinceMs < 0) this.overspeedSinceMs = now
            else if (now - this.overspeedSinceMs > s.overspeedAfterMs) {
                this.trip(now, "stroke_overspeed",
                    `stroke rate ${fixed(this.measuredHz, 0)} strokes/s above ${s.overspeedHz} for ${Math.round(now - this.overspeedSinceMs)} ms: runaway`)
                return
            }
        } else this.overspeedSinceMs = -1
        // depth actuator not following its command: not there followTimeoutMs after a move, or
        // moved away (or went silent) after it had got there, e.g. pushed in during a pass
        if (inp.depthBound) {
            const actual = this.depthMm
            const tol = this.profile.depth.toleranceMm
            if (actual === actual && Math.abs(actual - this.depthCmdMm) <= tol) this.depthSettled = true
            const late = this.depthCmdAtMs >= 0 && now - this.depthCmdAtMs > this.profile.depth.followTimeoutMs
            if (late || this.depthSettled) {
                if (actual !== actual)
                    this.trip(now, "depth_missing", this.depthSettled
                        ? `depth actuator stopped reporting its position (commanded ${fixed(this.depthCmdMm, 2)} mm)`
                        : `depth actuator reports no position ${this.profile.depth.followTimeoutMs} ms after a move`)
                else if (Math.abs(actual - this.depthCmdMm) > tol)
                    this.trip(now, "depth_not_following", this.depthSettled
                        ? `depth actuator moved to ${fixed(actual, 2)} mm, commanded ${fixed(this.depthCmdMm, 2)} mm (tolerance ${fixed(tol, 2)} mm)`
                        : `depth actuator at ${fixed(actual, 2)} mm, commanded ${fixed(this.depthCmdMm, 2)} mm for ${Math.round(now - this.depthCmdAtMs)} ms (tolerance ${fixed(tol, 2)} mm)`)
            }
        }
    }

    /** cut the drive first, then latch the reason */
    private trip(now: number, code: FaultCode, message: string) {
        this.duty = 0
        this.reg.reset()
        if (this.state === "treating") this.addTreated(now)
        this.fault = { code: code, message: message, atMs: now }
        this.setState(now, "fault")
        this.holdReason = `fault: ${message}; ${faultInfo(code).action}`
        this.emit(now, "fault", `${code}: ${message}`)
    }

    private faultStillThere(): string {
        const f = this.fault
        const inp = this.lastInputs
        if (!f || !inp) return ""
        const fp = this.profile.force
        if (f.code === "force_open" && inp.forceRatio < fp.openBelowRatio) return "the force sensor still reads open"
        if (f.code === "force_saturated" && inp.forceRatio > fp.saturatedAboveRatio) return "the force sensor still reads saturated"
        if (f.code === "force_stale" && (inp.forceSampleMs < 0 || inp.nowMs - inp.forceSampleMs > fp.staleAfterMs))
            return "the force sensor is still not reporting"
        // a frozen reading may well read "contact": clearing it would start a pass in the air
        if (f.code === "force_stuck" && this.force.ratioChangedMs() <= f.atMs)
            return `the force reading is still frozen at ${fixed(inp.forceRatio, 4)}`
        const depth = this.depthMm
        if (f.code === "depth_missing" && (!inp.depthBound || depth !== depth))
            return "the depth actuator is still missing"
        if (f.code === "role_lost" && !(inp.needleBound && inp.pressureBound && inp.strokeBound))
            return "a device is still off the bus"
        if (f.code === "stroke_overspeed" && this.measuredHz > this.profile.stroke.overspeedHz)
            return `the needle still runs at ${fixed(this.measuredHz, 0)} strokes/s, above ${this.profile.stroke.overspeedHz}`
        if (f.code === "depth_not_following" && depth === depth && Math.abs(depth - this.depthCmdMm) > this.profile.depth.toleranceMm)
            return `the depth actuator is still at ${fixed(depth, 2)} mm, commanded ${fixed(this.depthCmdMm, 2)} mm`
        const sent = inp.needleSentDuty
        if (f.code === "drive_mismatch" && inp.needleBound && sent !== undefined && sent !== 0)
            return `the motor still has drive ${sent < 0 ? "unknown" : fixed(sent, 2)}, not the stop`
        if (f.code === "store_failed" && inp.storeError) return `the ledger is still not stored: ${inp.storeError}`
        return ""
    }

    // ---- commands -------------------------------------------------------------------------

    command(nowMs: number, cmd: PenCommand): CommandResult {
        const r = this.run(nowMs, cmd)
        if (!r.ok) this.emit(nowMs, "refused", r.message)
        return r
    }

    private inPass(): boolean {
        return this.state === "treating" || this.state === "paused"
    }

    private run(now: number, cmd: PenCommand): CommandResult {
        if (cmd.kind === "clear_fault") return this.clearFault(now)
        if (cmd.kind === "new_session") {
            if (this.inPass()) return refuse("a pass is in progress: lift the pen and disarm before starting a new session")
            if (this.fault && this.fault.code !== "settings_invalid")
                return refuse(`fault ${this.fault.code} is latched: clear it before starting a new session`)
            this.ledger.clear()
            if (this.fault) {
                this.fault = undefined
                this.emit(now, "fault_cleared", "stored ledger replaced by a new session")
            }
            this.setState(now, "idle")
            this.emit(now, "info", "new session: every area has its passes again")
            return ok("new session started: pass ledger cleared")
        }
        if (cmd.kind === "set_preset") {
            const i = this.indexOf(cmd.areaId)
            if (i < 0) return refuse(`unknown area ${cmd.areaId}: known areas are ${this.areaList()}`)
            if (this.inPass()) return refuse("a pass is in progress: presets change only while the needle is out of the skin")
            const p: Preset = { depthMm: cmd.depthMm, strokeHz: cmd.strokeHz, passLimit: cmd.passLimit }
            const why = checkPreset(this.profile.areas[i], p)
            if (why !== "") return refuse(why)
            this.applyPreset(now, i, p)
            return ok(`preset ${cmd.areaId}: ${presetText(p)}`)
        }
        if (cmd.kind === "set_presets") return this.setPresets(now, cmd.presets)
        if (cmd.kind === "save_presets") {
            if (this.inPass()) return refuse("a pass is in progress: presets are saved only while the needle is out of the skin")
            const changed = this.changedAreas()
            this.saved = undefined
            this.origins = undefined
            this.savedOnce = true
            return ok(changed === "" ? "presets saved (no changes)" : `presets saved: ${changed}`)
        }
        if (cmd.kind === "revert_presets") {
            if (this.inPass()) return refuse("a pass is in progress: presets change only while the needle is out of the skin")
            const changed = this.changedAreas()
            const saved = this.saved
            if (saved) for (let i = 0; i < this.presets.length; i++) this.applyPreset(now, i, saved[i])
            this.saved = undefined
            return ok(changed === "" ? "presets reverted (no changes)" : `presets reverted to the saved ones: ${changed}`)
        }
        if (this.state === "fault") return refuse(`fault ${this.fault ? this.fault.code : ""} is latched: clear it first`)
        if (cmd.kind === "toggle_arm") {
            if (this.state === "idle") {
                for (let i = 0; i < 4; i++)
                    if (!this.everBound[i]) return refuse(`cannot arm: ${["needle motor", "depth actuator", "pressure sensor", "stroke sensor"][i]} not connected`)
                this.armedAtMs = now
                this.force.rewatch(now)
                this.setState(now, "armed")
                if (this.ledger.entry(this.areaIndex).passes >= this.presets[this.areaIndex].passLimit) this.lock(now)
                return ok(`armed on ${this.profile.areas[this.areaIndex].id}`)
            }
            if (this.inPass()) {
                this.duty = 0
                this.reg.reset()
                if (this.state === "treating") this.addTreated(now)
                this.endPass(now)
            }
            this.setState(now, "idle")
            return ok("disarmed")
        }
        if (cmd.kind === "next_area" || cmd.kind === "select_area") {
            if (this.inPass()) return refuse("a pass is in progress: lift the pen and let the pass end before changing area")
            // the depth actuator moves only out of the skin: a new area on the skin would leave the
            // old area's depth commanded, possibly above the new area's cap
            if (this.force.touching) return refuse("the pen is on the skin: lift it before changing area")
            let i = (this.areaIndex + 1) % this.profile.areas.length
            if (cmd.kind === "select_area") {
                i = this.indexOf(cmd.areaId)
                if (i < 0) return refuse(`unknown area ${cmd.areaId}: known areas are ${this.areaList()}`)
            }
            this.areaIndex = i
            // at once, while the pen is known to be off the skin: had we waited for the next tick,
            // a touch in between would keep the old area's depth commanded
            this.commandDepth(now)
            if (this.state === "locked") this.setState(now, "armed")
            if (this.state === "armed" && this.ledger.entry(i).passes >= this.presets[i].passLimit) this.lock(now)
            const e = this.ledger.entry(i)
            return ok(`area ${e.areaId}: ${e.passes}/${this.presets[i].passLimit} passes used, depth ${fixed(this.presets[i].depthMm, 2)} mm`)
        }
        return refuse("unknown command")
    }

    /** a validated preset into use; a locked area with passes left under the new limit unlocks */
    private applyPreset(now: number, i: number, p: Preset) {
        // the first edit since boot or a save keeps the saved presets (the objects are never changed)
        if (!this.saved) this.saved = this.presets.slice(0)
        this.presets[i] = p
        if (i === this.areaIndex && this.state === "locked" && this.ledger.entry(i).passes < p.passLimit) this.setState(now, "armed")
    }

    /** all or nothing: every entry is checked before any is used */
    private setPresets(now: number, list: AreaPreset[]): CommandResult {
        if (this.inPass()) return refuse("a pass is in progress: presets change only while the needle is out of the skin")
        const why = checkPresetList(this.profile.areas, list)
        if (why !== "") return refuse(why)
        for (const e of list)
            this.applyPreset(now, this.indexOf(e.areaId), { depthMm: e.depthMm, strokeHz: e.strokeHz, passLimit: e.passLimit })
        const changed = this.changedAreas()
        return ok(`${list.length} presets set${changed === "" ? ", same as saved" : `; not saved yet: ${changed}`}`)
    }

    /** ids of the areas whose working preset differs from the saved one, comma-separated */
    private changedAreas(): string {
        let s = ""
        for (let i = 0; i < this.presets.length; i++)
            if (!samePreset(this.presets[i], this.savedAt(i))) s += (s === "" ? "" : ", ") + this.profile.areas[i].id
        return s
    }

    private clearFault(now: number): CommandResult {
        const f = this.fault
        if (!f) return refuse("no fault to clear")
        const how = faultInfo(f.code).clears
        if (how === "never") return refuse(`fault ${f.code} cannot be cleared: ${faultInfo(f.code).action}`)
        if (how === "new_session") return refuse(`fault ${f.code} clears only with a new session`)
        const still = this.faultStillThere()
        if (still !== "") return refuse(`fault ${f.code} not cleared: ${still}`)
        this.fault = undefined
        this.driveAboveSinceMs = -1
        this.overspeedSinceMs = -1
        this.depthCmdAtMs = now
        this.depthSettled = false
        this.lastTickMs = -1
        this.setState(now, "idle")
        this.emit(now, "fault_cleared", `fault ${f.code} cleared`)
        return ok(`fault ${f.code} cleared: press the trigger to arm`)
    }

    // ---- reading --------------------------------------------------------------------------

    private outputs(): PenOutputs {
        const passesUsed = this.presets.length === 0 ? 0 : this.ledger.entry(this.areaIndex).passes
        const now = this.lastTickMs
        if (this.duty > 0) this.drivenAtMs = now
        // the bridge follows arming; after a drive it stays on while speed 0 brakes the needle
        const armed = this.state !== "idle" && this.state !== "fault"
        const braking = this.drivenAtMs >= 0 && now - this.drivenAtMs < this.profile.needle.brakeHoldMs
        return {
            needleDuty: this.duty, depthTargetMm: this.depthCmdMm, indicator: indicatorOf(this.state), passesUsed: passesUsed,
            needleEnabled: armed || braking,
        }
    }

    status(): PenStatus {
        // an invalid profile may have no areas at all: the status line must still print the fault
        const noArea = this.presets.length === 0
        const p = noArea ? { depthMm: 0, strokeHz: 0, passLimit: 0 } : this.presets[this.areaIndex]
        const inp = this.lastInputs
        return {
            state: this.state,
            areaId: noArea ? "" : this.profile.areas[this.areaIndex].id,
            depthTargetMm: p.depthMm,
            depthActualMm: this.depthMm,
            strokeSetHz: p.strokeHz,
            strokeMeasuredHz: this.measuredHz,
            forceN: this.force.forceN(),
            passesUsed: noArea ? 0 : this.ledger.entry(this.areaIndex).passes,
            passLimit: p.passLimit,
            needleDuty: this.duty,
            fault: this.fault,
            holdReason: this.state === "treating" ? "" : this.holdReason,
        }
    }

    /** events since the last call, oldest first */
    takeEvents(): PenEvent[] {
        const e = this.events
        this.events = []
        return e
    }

    ledgerEntries(): LedgerEntry[] {
        return this.ledger.entries
    }

    ledgerVersion(): number {
        return this.ledger.version
    }

    preset(areaId: string): Preset | undefined {
        const i = this.indexOf(areaId)
        return i < 0 ? undefined : this.presets[i]
    }

    /** every area's presets, in use and saved, with where the saved one came from */
    presetInfo(): PresetInfo[] {
        const out: PresetInfo[] = []
        for (let i = 0; i < this.presets.length; i++) {
            const a = this.profile.areas[i]
            const o = this.originAt(i)
            const source: PresetSource = o === "factory" || o === "stored" ? o : "fallback"
            out.push({
                areaId: a.id, label: a.label, depthCapMm: a.depthCapMm, working: copyPreset(this.presets[i]),
                saved: copyPreset(this.savedAt(i)), source: source, note: source === "fallback" ? o : "",
            })
        }
        return out
    }

    /** the saved presets in area order (what the firmware keeps in the settings store) */
    savedPresets(): Preset[] {
        const out: Preset[] = []
        for (let i = 0; i < this.presets.length; i++) out.push(copyPreset(this.savedAt(i)))
        return out
    }

    /** whether any area's working preset differs from its saved one */
    presetsUnsaved(): boolean {
        return this.changedAreas() !== ""
    }

    /** whether any area fell back to its factory preset at boot (and has not been saved since) */
    presetFellBack(): boolean {
        if (this.origins) for (const o of this.origins) if (o !== "factory" && o !== "stored") return true
        return false
    }

    private savedAt(i: number): Preset {
        return this.saved ? this.saved[i] : this.presets[i]
    }

    private originAt(i: number): string {
        if (this.origins) return this.origins[i]
        return this.savedOnce ? "stored" : "factory"
    }

    private indexOf(areaId: string): number {
        for (let i = 0; i < this.profile.areas.length; i++) if (this.profile.areas[i].id === areaId) return i
        return -1
    }

    private areaList(): string {
        return areaIdList(this.profile.areas)
    }

    private setState(now: number, s: PenState) {
        if (s === this.state) return
        if (s === "treating") this.treatingSinceMs = now
        if (s === "armed" && this.state !== "paused") this.armedAtMs = now
        this.state = s
        this.emit(now, "state", s)
    }

    private emit(now: number, kind: EventKind, message: string) {
        // bounded: a console that never drains must not grow the heap
        if (this.events.length >= 32) this.events.shift()
        this.events.push({ atMs: now, kind: kind, message: message })
    }
}

function finite(x: number): boolean {
    return typeof x === "number" && x === x && x !== Infinity && x !== -Infinity
}

function indicatorOf(s: PenState): Indicator {
    if (s === "armed") return "ready"
    if (s === "treating") return "running"
    if (s === "paused") return "paused"
    if (s === "locked") return "locked"
    if (s === "fault") return "fault"
    return "off"
}

function copyPreset(p: Preset): Preset {
    return { depthMm: p.depthMm, strokeHz: p.strokeHz, passLimit: p.passLimit }
}

function samePreset(a: Preset, b: Preset): boolean {
    return a.depthMm === b.depthMm && a.strokeHz === b.strokeHz && a.passLimit === b.passLimit
}

function presetText(p: Preset): string {
    return `${fixed(p.depthMm, 2)} mm, ${p.strokeHz} strokes/s, ${p.passLimit} passes`
}

function ok(message: string): CommandResult {
    return { ok: true, message: message }
}

function refuse(message: string): CommandResult {
    return { ok: false, message: message }
}
