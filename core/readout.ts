// What the pen keeps between ticks and shows: its state and latched fault, the selected area with
// its presets and dose ledger, the cartridge fitted, the needle's drive and depth, and the events not yet taken; read
// through status(), the ledger queries and `presets` (core/presets.ts: info, savedList, changed,
// fellBack). Nothing here decides: the state machine in pen.ts (Pen extends PenReadout) makes every
// change and the outputs of each tick.
import { lockedText, presetFallbackEvent, textEvent } from "./events"
import { ForceMonitor } from "./force"
import { Ledger } from "./ledger"
import { MotionMonitor } from "./motion"
import { Cartridge, Preset, Profile } from "./profile"
import { Presets } from "./presets"
import { Fault, LedgerEntry, PenEvent, PenState, PenStatus } from "./types"
import { areaIdList, cartridgeIndex, checkProfile } from "./validate"

export interface PenOptions {
    /** presets restored from the settings store (validated again here); undefined: none stored */
    presets?: Preset[]
    /**
     * per area, why its stored preset record could not be read ("" or undefined: fine). Such an
     * area falls back to the factory preset and says so (event preset_fallback, presets.info()).
     */
    presetErrors?: string[]
    /** ledger restored from the settings store */
    ledger?: LedgerEntry[]
    areaId?: string
    /** the cartridge chosen before the restart (an id of the profile's cartridges); undefined: none stored */
    cartridgeId?: string
    /** why the stored cartridge record could not be read ("" or undefined: fine or none) */
    cartridgeError?: string
    /** set when stored settings were found corrupt: raises settings_invalid */
    settingsError?: string
    /** arming waits for a power-on self-test verdict (core/selftest.ts, given by selfTestVerdict) */
    selfTest?: boolean
}

/** the index of the cartridge with the most needles (the first of equals) */
function mostNeedles(list: Cartridge[]): number {
    let best = 0
    for (let i = 1; i < list.length; i++) if (list[i].needles > list[best].needles) best = i
    return best
}

/** events kept between two takeEvents() calls; the firmware takes them every decision (5 ms) */
const EVENT_QUEUE_MAX = 32

export class PenReadout {
    protected profile: Profile
    /** the presets (also the command dispatcher's, commands.ts: every preset is checked before use) */
    readonly presets: Presets
    protected ledger: Ledger
    protected force: ForceMonitor
    protected motion: MotionMonitor
    /** the motion role (accelerometer) is bound: dwell protection on (undefined, as false, until the first tick) */
    protected motionBound: boolean
    /** index of the selected area */
    protected selected = 0
    /** index of the cartridge fitted (profile.cartridges) */
    protected cartridge = 0
    protected state: PenState = "idle"
    protected fault: Fault | undefined
    /** the needle drive decided (PWM duty 0..1) */
    protected duty = 0
    protected measuredHz = 0
    /** the actuator's position this tick (mm), NaN when it reports none or an implausible one */
    protected depthMm = NaN
    /** the depth the actuator is commanded to (mm) */
    protected depthCmdMm = 0
    /** why the needle is not running ("" while treating) */
    protected holdReason = "disarmed: press the trigger to arm"
    protected lastTickMs = -1
    /** the self-test's state ("" none runs) and why arming is refused for it ("" not refused) */
    protected selfTestState = ""
    protected selfTestWhy = ""
    private events: PenEvent[] = []

    /** the profile and what the settings store gave back; the checks are the pen's (pen.ts) */
    constructor(profile: Profile, opts?: PenOptions) {
        this.profile = profile
        // no options: as if each were left out
        const o: PenOptions = opts ? opts : {}
        // an invalid profile (the pen latches profile_invalid) may lack the dose numbers: the
        // ledger still has its areas, so the readout works, and nothing is ever delivered on it
        const ok = checkProfile(profile) === ""
        this.ledger = new Ledger(profile.areas, ok ? profile.dose.reservePasses : 0, o.ledger)
        this.force = new ForceMonitor(profile.force)
        this.motion = new MotionMonitor(profile.motion)
        this.presets = new Presets(profile.areas, o.presets, o.presetErrors)
        for (let i = 0; i < profile.areas.length; i++) {
            const note = this.presets.fallbackNote(i)
            if (note !== "") this.emit(presetFallbackEvent(0, profile.areas[i].id, note, profile.areas[i].preset))
        }
        if (o.selfTest) {
            this.selfTestState = "running"
            this.selfTestWhy = "self-test running: wait for its verdict"
        }
        if (o.areaId) {
            const i = this.areaIndex(o.areaId)
            if (i >= 0) this.selected = i
        }
        if (ok) {
            this.cartridge = cartridgeIndex(profile.cartridges, profile.dose.cartridge)
            const want = o.cartridgeId
            const bad = o.cartridgeError ? o.cartridgeError : ""
            const i = want === undefined ? -1 : cartridgeIndex(profile.cartridges, want)
            if (i >= 0) this.cartridge = i
            else if (want !== undefined || bad !== "") {
                // a choice was stored and is lost: the pen cannot know what is fitted, so it counts
                // with the most needles (the dose can only be over-counted) until one is selected
                this.cartridge = mostNeedles(profile.cartridges)
                const c = profile.cartridges[this.cartridge]
                const why = bad !== "" ? bad : `stored cartridge ${want} is not in the profile`
                this.emit(textEvent(0, "info", `${why}: counting with ${c.id} (${c.needles} needles, the most) until the fitted cartridge is selected`))
            }
            for (const id of this.ledger.migrated)
                this.emit(textEvent(0, "info", `ledger for ${id} was stored by firmware that counted passes: each counted pass is taken as a whole pass of dose`))
        }
    }

    /** the selected area's preset in use */
    protected selectedPreset(): Preset {
        return this.presets.working[this.selected]
    }

    /** the selected area's ledger entry */
    protected selectedEntry(): LedgerEntry {
        return this.ledger.entries[this.selected]
    }

    /** the selected area is within dose.warnPasses of its limit */
    protected ending(): boolean {
        // an invalid profile (latched profile_invalid) may have no dose section
        if (!this.profile.dose) return false
        return this.selectedEntry().passes >= this.selectedPreset().passLimit - this.profile.dose.warnPasses
    }

    /** the profile's cartridge i (this.cartridge: the one the dose is counted with); undefined without a cartridge list */
    cartridgeAt(i: number): Cartridge | undefined {
        return this.profile.cartridges ? this.profile.cartridges[i] : undefined
    }

    /** the needle may run in this state (armed, or in a pass) */
    protected needleMayRun(): boolean {
        // treating first, without ||: asked on every decision (fewer VM steps; issue 15)
        const s = this.state
        if (s === "treating") return true
        return s === "paused" || s === "armed"
    }

    /** the needle is in use (treating, or paused on a lift) */
    inPass(): boolean {
        return this.state === "treating" || this.state === "paused"
    }

    /** why a locked area holds the needle */
    protected lockedReason(): string {
        const e = this.selectedEntry()
        return lockedText(e.areaId, e.passes, this.selectedPreset().passLimit)
    }

    status(): PenStatus {
        // an invalid profile may have no areas at all: the status line must still print the fault
        const noArea = this.presets.working.length === 0
        const p = noArea ? { depthMm: 0, strokeHz: 0, passLimit: 0 } : this.selectedPreset()
        const c = this.cartridgeAt(this.cartridge)
        let why = this.state === "treating" ? "" : this.holdReason
        if (this.state === "idle" && this.selfTestWhy !== "") why = this.selfTestWhy
        const s: PenStatus = {
            state: this.state,
            areaId: noArea ? "" : this.profile.areas[this.selected].id,
            depthTargetMm: p.depthMm,
            depthActualMm: this.depthMm,
            strokeSetHz: p.strokeHz,
            strokeMeasuredHz: this.measuredHz,
            forceN: this.force.lastForceN,
            passesUsed: noArea ? 0 : this.selectedEntry().passes,
            passLimit: p.passLimit,
            doseEnding: noArea ? false : this.ending(),
            cartridgeId: c ? c.id : "",
            needles: c ? c.needles : 0,
            needleDuty: this.duty,
            fault: this.fault,
            holdReason: why,
            dwellProtection: !this.motionBound ? "off" : this.profile.motion.stopOnDwell === 1 ? "on" : "warn",
        }
        if (this.selfTestState !== "") s.selfTest = this.selfTestState
        return s
    }

    /** events since the last call, oldest first */
    takeEvents(): PenEvent[] {
        const e = this.events
        this.events = []
        return e
    }

    protected emit(e: PenEvent) {
        // bounded: a caller that never drains must not grow the heap (the oldest go first)
        if (this.events.length >= EVENT_QUEUE_MAX) this.events.shift()
        this.events.push(e)
    }

    ledgerEntries(): LedgerEntry[] {
        return this.ledger.entries
    }

    ledgerVersion(): number {
        return this.ledger.version
    }

    /** the preset in use on an area (undefined: unknown area) */
    preset(areaId: string): Preset | undefined {
        const i = this.areaIndex(areaId)
        return i < 0 ? undefined : this.presets.working[i]
    }

    /** the area's index, -1 for an unknown id */
    areaIndex(areaId: string): number {
        for (let i = 0; i < this.profile.areas.length; i++) if (this.profile.areas[i].id === areaId) return i
        return -1
    }

    /** "a, b, c": the area ids, for messages */
    areaList(): string {
        return areaIdList(this.profile.areas)
    }
}
