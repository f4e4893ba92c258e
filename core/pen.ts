// The control core's state machine. One `tick(inputs)` per control period decides the needle drive
// and the depth target; `command()` takes button and console requests (dispatched by commands.ts).
// Pure: no clock, no hardware. The fault rules are the table in detectors.ts, the presets live in
// presets.ts, what the pen shows in readout.ts, and every event is made (and printed) by events.ts.
// Longer than the other core files (~370 lines) because the states, every transition between them
// and the fields they share are one unit: split further, each part would reach into the others.
//
// The pass limit is a dose (docs/DOSE.md): every stroke the stroke sensor counts while the force
// reads the pen on the skin puts the cartridge's needles into the selected area's ledger, and the
// passes used are that dose over the punctures one pass of the area is (a fraction: 1.42 of 3).
// A lift, however long, starts nothing: only the dose moves the count. Within dose.warnPasses of
// the limit the pen warns (event dose_warning, the light's "ending", the display), so the operator
// finishes the row; at the limit the needle stops at once, on the skin or not.
//
// States and the transitions allowed between them (anything else is refused with a reason):
//   idle     -> armed     trigger, when every role is bound and the area has dose left
//   idle     -> locked    trigger, when the area has had its limit's dose
//   armed    -> treating  contact confirmed and depth at the preset: the needle starts
//   treating -> paused    lift (force below releaseN), over-pressure, or a fast jab
//   treating -> locked    the area's dose reaches its limit: the needle stops
//   paused   -> treating  contact again within releaseDebounceMs, cutoffs released
//   paused   -> armed     released for releaseDebounceMs: the needling ends (the dose stays)
//   paused   -> locked    the needling ends and the area has had its limit's dose
//   locked   -> armed/idle  another area selected, a higher limit, or a new session
//   armed/treating/paused/locked -> idle   trigger (disarm)
//   any      -> fault     a fault: drive cut in the same tick, latched
//   fault    -> idle      explicit clear, only once the condition is gone
import { CommandTarget, dispatch, ok, refuse } from "./commands"
import { depthStale, FaultWatch, finite } from "./detectors"
import {
    areaLockedEvent, depthWaitEvent, depthWaitText, doseWarningEvent, dwellStopEvent, dwellWarningEvent, faultClearedEvent, faultEvent,
    needlingEndEvent, needlingStartEvent, overPressureEvent, passesText, riseCutoffEvent, stateEvent, textEvent,
} from "./events"
import { faultInfo } from "./faults"
import { fixed } from "./format"
import { checkRestored } from "./ledger"
import { DEPTH_MAX_MM } from "./limits"
import { Profile } from "./profile"
import { RateMeter, RateRegulator, rateLiveMs } from "./rate"
import { PenOptions, PenReadout } from "./readout"
import { CommandResult, FaultCode, Indicator, PenCommand, PenEvent, PenInputs, PenOutputs, PenState } from "./types"
import { cartridgeIndex, checkProfile, depthPositionMm } from "./validate"

export type { PenOptions } from "./readout"

export class Pen extends PenReadout implements CommandTarget {
    private watch: FaultWatch
    private meter: RateMeter
    private reg: RateRegulator
    // The boolean flags here have no initialisers (each costs firmware bytes): undefined until set,
    // they are only ever tested for truth, so they start as false; storeBehind is set by every tick
    private armedLastTick: boolean
    private armedAtMs = -1
    private releasedAtMs = -1
    private treatingSinceMs = 0
    /** a force cutoff holds the needle until the force drops below contactN */
    private cutoffHeld: boolean
    private overPressing: boolean
    /** set with cutoffHeld, read only while it holds */
    private cutoffReason: string
    private depthWaitSaid: boolean
    /** last tick the needle was driven (the brake hold runs from here) */
    private drivenAtMs = -1
    /** the stroke count at the last tick (-1: none yet): the dose counts what it gained */
    private lastStrokes = -1
    /** per area: the dose warning was given (since boot, a new session or a new limit) */
    private warned: boolean[] = []
    /** the force read the pen on the skin at some tick since the stroke report before the last */
    private touchedSinceStrokes: boolean
    /** the area and the cartridge selected at the last tick the pen touched (set then, read only after) */
    private touchArea: number
    private touchCartridge: number
    private lastStrokeSampleMs = -1
    /** the store holds less than the dose delivered (PenInputs.storeBehind): the needle waits */
    private storeBehind: boolean
    /** the dwell rule: warned in this still episode */
    private dwellWarned: boolean

    constructor(profile: Profile, opts?: PenOptions) {
        super(profile, opts)
        this.watch = new FaultWatch(profile, this.force, this.motion)
        this.meter = new RateMeter(profile.stroke.rateWindowMs, rateLiveMs(profile.stroke.countsPerStroke))
        this.reg = new RateRegulator(profile.needle)
        this.depthCmdMm = this.presets.working.length > 0 ? this.selectedPreset().depthMm : 0
        const why = checkProfile(profile)
        // stored settings that cannot be trusted: the store's own error first, else the restored ledger's
        let badSettings = opts && opts.ledger ? checkRestored(opts.ledger) : ""
        if (opts && opts.settingsError) badSettings = opts.settingsError
        if (why !== "") {
            // nothing in an invalid profile is trusted, not even its depth: retract
            this.depthCmdMm = 0
            this.trip(0, "profile_invalid", `profile invalid: ${why}`)
        } else if (badSettings !== "") this.trip(0, "settings_invalid", `stored settings invalid: ${badSettings}`)
    }

    // ---- the tick -------------------------------------------------------------------------

    tick(inp: PenInputs): PenOutputs {
        const now = inp.nowMs
        const gapMs = this.lastTickMs < 0 ? 0 : now - this.lastTickMs
        this.lastTickMs = now
        this.depthMm = depthPositionMm(inp.depthActualMm)
        this.storeBehind = inp.storeBehind === true
        // a sample that is not a number never reaches the monitors (a NaN count would make the
        // drive NaN): it is a sensor fault (the fault check latches it)
        let forceOk = finite(inp.forceN)
        if (forceOk) forceOk = finite(inp.forceRatio)
        const strokesOk = finite(inp.strokes)
        if (forceOk) this.force.update(inp)
        if (strokesOk) {
            this.meter.add(inp.strokeSampleMs, inp.strokes)
            this.countDose(inp.strokes, inp.strokeSampleMs)
        }
        this.measuredHz = this.meter.hz(now)
        this.motionBound = inp.motionBound === true
        if (this.motionBound) this.feedMotion(inp)

        const w = this.watch
        const mayRun = this.needleMayRun()
        // a depth reading that stopped coming is no position while the needle may run: its device
        // may stay on the bus with a stream that stopped (depth_missing)
        if (mayRun) if (depthStale(inp)) this.depthMm = NaN
        w.see(inp, gapMs)
        // what the rules read besides the inputs (FaultWatch)
        w.duty = this.duty
        w.depthMm = this.depthMm
        w.depthCmdMm = this.depthCmdMm
        w.measuredHz = this.measuredHz
        w.armedLastTick = this.armedLastTick
        w.watchSinceMs = mayRun ? this.armedAtMs : -1
        if (this.state !== "fault") {
            const code = w.check(forceOk, strokesOk)
            if (code) this.trip(now, code, w.message)
        }
        this.armedLastTick = mayRun ? this.state !== "fault" : false
        if (this.state === "fault") {
            this.stopDrive()
            return this.outputs()
        }

        // cutoffs act on the sample that shows them, before anything else. A too-hard press is
        // recorded once per press (until the force drops below contactN), whatever stopped the
        // needle first.
        if (this.force.overPressure()) {
            const fp = this.profile.force
            // (re)cut whenever the cutoff is not held, but record the press only once
            if (this.needleMayRun() && (!this.overPressing || !this.cutoffHeld)) {
                if (!this.overPressing) {
                    this.overPressing = true
                    this.ledger.countOverPressure(this.selected)
                }
                this.cutoff(now, overPressureEvent(now, this.force.lastForceN, fp.overPressureN, fp.contactN))
            }
        } else if (this.force.riseTrip()) {
            const fp = this.profile.force
            if (!this.cutoffHeld && this.needleMayRun()) this.cutoff(now, riseCutoffEvent(now, this.force.riseNPerS, fp.riseLimitNPerS, fp.contactN))
        }
        if (this.force.belowContact()) {
            this.overPressing = false
            if (this.cutoffHeld) {
                this.cutoffHeld = false
                this.cutoffReason = ""
                // the needle starts again only on a contact confirmed afresh: the hysteresis below
                // contactN would let a pen resting at 0.3-0.5 N restart at once, and a dwell stop it
                // every other tick
                this.force.confirmAfresh()
            }
        }

        // the dwell rule, with the motion role bound: still on one spot for stopAfterMs stops the
        // needle like the force cutoffs, held until the pen is lifted (below contactN); the count goes on
        // over a lift that does not move the pen (stamping on one spot)
        if (this.state === "treating") if (this.motionBound) this.checkDwell(now)

        this.step(inp)
        this.updateDepth(now)
        this.updateDrive(now)
        return this.outputs()
    }

    private cutoff(now: number, e: PenEvent) {
        this.cutoffHeld = true
        this.cutoffReason = e.message
        this.duty = 0
        if (this.state === "treating") {
            this.addTreated(now)
            this.setState(now, "paused")
            this.releasedAtMs = now
        }
        this.emit(e)
    }

    /** a new accelerometer sample (a number on every axis) into the motion monitor */
    private feedMotion(inp: PenInputs) {
        const t = inp.accelSampleMs
        if (t === undefined || t < 0 || t === this.motion.lastSampleMs) return
        const x = inp.accelXG
        const y = inp.accelYG
        const z = inp.accelZG
        // not a number: no sample (motion_silent if it lasts)
        if (!finite(x)) return
        if (!finite(y)) return
        if (!finite(z)) return
        this.motion.sample(t, x, y, z)
    }

    private checkDwell(now: number) {
        const m = this.profile.motion
        const still = this.motion.dwellMs(now)
        if (still < m.warnAfterMs) {
            this.dwellWarned = false
            return
        }
        if (!this.dwellWarned) {
            this.dwellWarned = true
            this.emit(dwellWarningEvent(now, still, m.warnAfterMs, m.stopAfterMs))
        }
        if (m.stopOnDwell !== 1) return
        if (still >= m.stopAfterMs) this.cutoff(now, dwellStopEvent(now, still, m.stopAfterMs, this.profile.force.contactN))
    }

    private step(inp: PenInputs) {
        const now = inp.nowMs
        if (this.state === "armed") {
            const preset = this.selectedPreset()
            const used = this.selectedEntry().passes
            if (this.limitReached()) {
                this.lock(now)
                return
            }
            if (!this.force.contact || this.cutoffHeld) {
                this.holdReason = this.cutoffHeld ? this.cutoffReason : "armed: touch the skin to start needling"
                return
            }
            if (!this.depthReached()) {
                this.holdReason = depthWaitText(preset.depthMm)
                if (!this.depthWaitSaid) this.emit(depthWaitEvent(now, preset.depthMm))
                this.depthWaitSaid = true
                return
            }
            this.depthWaitSaid = false
            // the cartridge in use is not in the store yet: a power cycle now would count the dose
            // with the stored one (fewer needles: under-counted)
            const storedId = inp.cartridgeStoredId
            if (storedId !== undefined && storedId !== this.profile.cartridges[this.cartridge].id) {
                this.holdReason = "cartridge not stored yet: select it again if this stays"
                return
            }
            // the store holds a reservation ahead of the dose before the first stroke
            this.ledger.reserve(this.selected)
            this.setState(now, "treating")
            this.emit(needlingStartEvent(now, this.profile.areas[this.selected].id, used, preset.passLimit, preset.depthMm, preset.strokeHz))
        } else if (this.state === "treating") {
            this.holdReason = ""
            if (this.limitReached()) {
                // the last pass is over, on the skin or not: stop now
                this.stopDrive()
                this.addTreated(now)
                this.ledger.touch()
                this.lock(now)
            } else if (!this.force.contact) {
                this.addTreated(now)
                this.releasedAtMs = now
                this.setState(now, "paused")
            }
        } else if (this.state === "paused") {
            // coasting strokes on the skin may have reached the limit while paused
            if (this.limitReached()) {
                this.endNeedling(now)
                return
            }
            if (this.force.contact && !this.cutoffHeld) {
                // (the status shows no hold reason while treating)
                this.setState(now, "treating")
                return
            }
            if (this.force.touching) this.releasedAtMs = now
            this.holdReason = this.cutoffHeld ? this.cutoffReason : "lifted: touch again to go on"
            if (now - this.releasedAtMs >= this.profile.force.releaseDebounceMs) this.endNeedling(now)
        } else if (this.state === "locked") {
            this.holdReason = this.lockedReason()
        } else {
            this.holdReason = "disarmed: press the trigger to arm"
            // no dose can be added: no touch since the last stroke report (this tick's included:
            // countDose ran) and the needle still. The store may then hold the exact dose
            // (ledger.ts settle). Not in a fault: a failed force sensor may read as off the skin,
            // a drive fault may turn the needle
            if (!this.touchedSinceStrokes) if (this.measuredHz === 0) this.ledger.settle()
        }
    }

    private endNeedling(now: number) {
        const e = this.selectedEntry()
        const limit = this.selectedPreset().passLimit
        this.ledger.touch()
        this.emit(needlingEndEvent(now, e.areaId, e.passes, limit, e.treatedMs))
        if (this.limitReached()) this.lock(now)
        else this.setState(now, "armed")
    }

    /**
     * Strokes gained since the last tick, made while the force reads the pen on the skin (above
     * releaseN: coasting strokes after a cutoff count too), go into the dose of the area selected
     * while it touched, with that touch's cartridge. A count that goes back (the stroke role
     * rebound) adds nothing.
     */
    private countDose(strokes: number, sampleMs: number) {
        // the area and the cartridge change only off the skin (onSkinRefusal): while it touches,
        // these are the ones its strokes are made with
        if (this.force.touching) {
            this.touchArea = this.selected
            this.touchCartridge = this.cartridge
        }
        // strokes arrive in reports (every ~20 ms): the last ones on the skin may be reported just
        // after the lift, when another area or cartridge may be selected already, so a report's gain
        // counts if the pen touched at any tick since the report before, on that touch's area
        if (sampleMs === this.lastStrokeSampleMs) {
            if (this.force.touching) this.touchedSinceStrokes = true
            return
        }
        this.lastStrokeSampleMs = sampleMs
        let touched = this.touchedSinceStrokes
        if (this.force.touching) touched = true
        this.touchedSinceStrokes = this.force.touching
        const gained = this.lastStrokes < 0 ? 0 : strokes - this.lastStrokes
        this.lastStrokes = strokes
        if (gained <= 0) return
        if (!touched) return
        const c = this.cartridgeAt(this.touchCartridge)
        if (!c) return
        this.ledger.addPunctures(this.touchArea, gained * c.needles)
        this.warnIfEnding(this.touchArea)
    }

    /** once per area and session, when area i's dose comes within dose.warnPasses of the limit */
    private warnIfEnding(i: number) {
        if (this.warned[i]) return
        const e = this.ledger.entries[i]
        const limit = this.presets.working[i].passLimit
        if (e.passes < limit - this.profile.dose.warnPasses) return
        this.warned[i] = true
        this.emit(doseWarningEvent(this.lastTickMs, e.areaId, e.passes, limit))
    }

    /** the selected area has had its limit's dose */
    private limitReached(): boolean {
        return this.selectedEntry().passes >= this.selectedPreset().passLimit
    }


    private lock(now: number) {
        this.setState(now, "locked")
        const e = this.selectedEntry()
        const ev = areaLockedEvent(now, e.areaId, e.passes, this.selectedPreset().passLimit)
        this.holdReason = ev.message
        this.emit(ev)
    }

    private addTreated(now: number) {
        // treated time is counted from the state's own clock: the time since the last tick in treating
        this.ledger.addTreated(this.selected, now - this.treatingSinceMs)
        this.treatingSinceMs = now
    }

    private depthReached(): boolean {
        // settled (core/detectors.ts depth_missing): a reading within tolerance DEPTH_TOLD_MS after
        // the actuator was told this depth, not one from before that may show it passing on its way
        // elsewhere. A reading away since has latched depth_not_following in this tick's check
        if (!this.watch.depthSettled) return false
        return Math.abs(this.depthCmdMm - this.selectedPreset().depthMm) < 1e-9
    }

    private updateDepth(now: number) {
        // the actuator moves only while the needle is out of the skin and not running (separate
        // ifs: this compiler makes || cost more VM steps, and this runs every decision; issue 15)
        if (this.force.touching) return
        if (this.inPass()) return
        this.commandDepth(now)
    }

    /** the depth of the selected area's preset, within its cap and the hard maximum */
    private commandDepth(now: number) {
        const target = Math.min(this.selectedPreset().depthMm, this.profile.areas[this.selected].depthCapMm, DEPTH_MAX_MM)
        if (target !== this.depthCmdMm) {
            this.depthCmdMm = target
            this.watch.depthCommanded(now)
        }
    }

    private updateDrive(now: number) {
        // the over-pressure rule is enforced here too, at the output, whatever the state says
        // (separate ifs, as in updateDepth)
        if (this.state !== "treating") return this.stopDrive()
        if (this.cutoffHeld) return this.stopDrive()
        if (this.force.overPressure()) return this.stopDrive()
        // the dose has passed what the store holds (a save failing or slow): the needle waits
        // for the store, so a power cycle never restores less than the skin got
        if (this.storeBehind) return this.stopDrive()
        this.addTreated(now)
        this.duty = this.reg.update(now, this.selectedPreset().strokeHz, this.measuredHz, this.meter.live(now))
    }

    private stopDrive() {
        this.duty = 0
        this.reg.reset()
    }

    /** what the drivers write after a tick */
    private outputs(): PenOutputs {
        const passesUsed = this.profile.areas.length === 0 ? 0 : this.selectedEntry().passes
        const now = this.lastTickMs
        if (this.duty > 0) this.drivenAtMs = now
        // the bridge follows arming; after a drive it stays on while speed 0 brakes the needle
        // (braking is looked at only when not armed: fewer VM steps while treating, issue 15)
        let enabled = this.state !== "idle" && this.state !== "fault"
        if (!enabled) enabled = this.drivenAtMs >= 0 && now - this.drivenAtMs < this.profile.needle.brakeHoldMs
        let indicator = indicatorOf(this.state)
        if (indicator === "running") if (this.ending()) indicator = "ending"
        return {
            needleDuty: this.duty, depthTargetMm: this.depthCmdMm, indicator: indicator, passesUsed: passesUsed,
            needleEnabled: enabled,
        }
    }

    /** cut the drive first, then latch the reason */
    private trip(now: number, code: FaultCode, message: string) {
        this.stopDrive()
        if (this.state === "treating") this.addTreated(now)
        this.fault = { code: code, message: message, atMs: now }
        this.setState(now, "fault")
        this.holdReason = `fault: ${message}; ${faultInfo(code).action}`
        this.emit(faultEvent(now, code, message))
    }

    // ---- commands: dispatched by commands.ts; each transition checks its own preconditions ----

    command(nowMs: number, cmd: PenCommand): CommandResult {
        const r = dispatch(this, nowMs, cmd)
        if (!r.ok) this.emit(textEvent(nowMs, "refused", r.message))
        return r
    }

    toggleArm(now: number): CommandResult {
        if (this.state === "fault") return this.latched()
        if (this.state === "idle") {
            if (this.selfTestWhy !== "") return refuse(`cannot arm: ${this.selfTestWhy}`)
            const missing = this.watch.missingRole()
            if (missing !== "") return refuse(`cannot arm: ${missing} not connected`)
            this.armedAtMs = now
            this.force.rewatch(now)
            this.setState(now, "armed")
            if (this.limitReached()) this.lock(now)
            else this.ledger.reserve(this.selected)
            return ok(this.armedText())
        }
        if (this.inPass()) {
            this.stopDrive()
            if (this.state === "treating") this.addTreated(now)
            this.endNeedling(now)
        }
        this.setState(now, "idle")
        return ok("disarmed")
    }

    /** what arming says: the area, the cartridge the dose is counted with, the dose so far */
    private armedText(): string {
        const c = this.cartridgeAt(this.cartridge)
        const e = this.selectedEntry()
        return `armed on ${e.areaId} with cartridge ${c ? c.id : "?"} (${c ? c.needles : 0} needles): ${passesText(e.passes)}/${this.selectedPreset().passLimit} passes used`
    }

    selectCartridge(now: number, cartridgeId: string): CommandResult {
        const list = this.profile.cartridges
        const i = cartridgeIndex(list, cartridgeId)
        if (i < 0) {
            let known = ""
            for (const c of list) known += (known === "" ? "" : ", ") + `${c.id} (${c.needles} needles)`
            return refuse(`unknown cartridge ${cartridgeId}: known cartridges are ${known}`)
        }
        // the needle is out of the skin while the cartridge changes: its strokes count one cartridge
        const busy = this.onSkinRefusal("the cartridge")
        if (busy) return busy
        this.cartridge = i
        const c = list[i]
        this.emit(textEvent(now, "info", `cartridge ${c.id}: ${c.needles} needles, each stroke on the skin counts ${c.needles} punctures`))
        return ok(`cartridge ${c.id} (${c.label}): ${c.needles} needles, ${fixed(c.footprintMm, 1)} mm field`)
    }

    selectArea(now: number, areaId: string | undefined): CommandResult {
        if (this.state === "fault") return this.latched()
        // the depth actuator moves only out of the skin: a new area on the skin would leave the
        // old area's depth commanded, possibly above the new area's cap
        const busy = this.onSkinRefusal("area")
        if (busy) return busy
        let i = (this.selected + 1) % this.profile.areas.length
        if (areaId !== undefined) {
            i = this.areaIndex(areaId)
            if (i < 0) return refuse(`unknown area ${areaId}: known areas are ${this.areaList()}`)
        }
        this.selected = i
        // at once, while the pen is known to be off the skin: had we waited for the next tick,
        // a touch in between would keep the old area's depth commanded
        this.commandDepth(now)
        if (this.state === "locked") this.setState(now, "armed")
        const limit = this.presets.working[i].passLimit
        if (this.state === "armed") {
            if (this.limitReached()) this.lock(now)
            else this.ledger.reserve(i)
        }
        const e = this.ledger.entries[i]
        return ok(`area ${e.areaId}: ${passesText(e.passes)}/${limit} passes used, depth ${fixed(this.presets.working[i].depthMm, 2)} mm`)
    }

    /**
     * the refusal of changing `what` while the needle is in use or the pen on the skin; undefined: off
     * the skin (strokes reported after the lift still count on the touch's area and cartridge: countDose)
     */
    private onSkinRefusal(what: string): CommandResult | undefined {
        if (this.inPass()) return refuse(`the needle is in use: lift the pen and let the needling end before changing ${what}`)
        if (this.force.touching) return refuse(`the pen is on the skin: lift it before changing ${what}`)
        return undefined
    }

    newSession(now: number): CommandResult {
        if (this.inPass()) return refuse("the needle is in use: lift the pen and disarm before starting a new session")
        const f = this.fault
        if (f && faultInfo(f.code).clears !== "new_session")
            return refuse(`fault ${f.code} is latched: clear it before starting a new session`)
        this.ledger.clear()
        this.warned = []
        if (f) {
            this.fault = undefined
            this.emit(faultClearedEvent(now, f.code, "stored ledger replaced by a new session"))
        }
        this.setState(now, "idle")
        this.emit(textEvent(now, "info", "new session: every area has its dose again"))
        return ok("new session started: dose ledger cleared")
    }

    clearFault(now: number): CommandResult {
        const f = this.fault
        if (!f) return refuse("no fault to clear")
        const info = faultInfo(f.code)
        if (info.clears === "never") return refuse(`fault ${f.code} cannot be cleared: ${info.action}`)
        if (info.clears === "new_session") return refuse(`fault ${f.code} clears only with a new session`)
        const still = this.watch.stillThere(f.code, f.atMs)
        if (still !== "") return refuse(`fault ${f.code} not cleared: ${still}`)
        this.fault = undefined
        this.watch.cleared(now)
        this.lastTickMs = -1
        this.setState(now, "idle")
        this.emit(faultClearedEvent(now, f.code, ""))
        return ok(`fault ${f.code} cleared: press the trigger to arm`)
    }

    /**
     * The power-on self-test's verdict (core/selftest.ts, run beside the Pen by drivers/step.ts):
     * `why` "" lets arming go ahead. The Pen is not ticked while the test runs, so once it is over
     * the fault timers start again from now (the test moved the actuator and ran the needle).
     */
    selfTestVerdict(now: number, state: string, why: string) {
        this.selfTestState = state
        this.selfTestWhy = why
        if (state !== "running") {
            this.watch.cleared(now)
            // the core was not ticked while the test drove the motor: the drive is matched from now,
            // or the spin's drive, still on the motor at the first tick after (the stop lands a tick
            // later), counts as a mismatch since before the test. Only here: after a clear_fault the
            // match keeps its time, so a motor that still has a drive trips at the first tick
            this.watch.driveMatchedMs = now
            this.lastTickMs = -1
        }
    }

    /** a locked area with dose left under its new limit unlocks */
    presetChanged(now: number, i: number) {
        // a new limit gets its own warning
        this.warned[i] = false
        if (i === this.selected && this.state === "locked" && !this.limitReached()) this.setState(now, "armed")
    }

    private latched(): CommandResult {
        return refuse(`fault ${this.fault ? this.fault.code : ""} is latched: clear it first`)
    }

    private setState(now: number, s: PenState) {
        if (s === this.state) return
        if (s === "treating") {
            this.treatingSinceMs = now
            this.motion.needleOn(now)
        } else if (this.state === "treating") this.motion.needleOff(now)
        if (s === "armed" && this.state !== "paused") this.armedAtMs = now
        this.state = s
        this.emit(stateEvent(now, s))
    }
}

function indicatorOf(s: PenState): Indicator {
    if (s === "armed") return "ready"
    if (s === "treating") return "running"
    if (s === "paused") return "paused"
    if (s === "locked") return "locked"
    if (s === "fault") return "fault"
    return "off"
}
