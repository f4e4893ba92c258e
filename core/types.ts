// The control core's contract with the drivers. Everything is a plain value in SI-ish units
// named in the field; the core never touches hardware and never reads a clock.
import { Preset } from "./profile"

/** One snapshot of the hardware, taken by the drivers just before a tick. */
export interface PenInputs {
    nowMs: number
    /** calibrated force on the needle face (newtons) from the last force sample */
    forceN: number
    /** raw force ADC ratio 0..1 of the same sample (range and stuck checks) */
    forceRatio: number
    /** nowMs-clock time the last force sample arrived; -1 if none yet */
    forceSampleMs: number
    /** cumulative strokes counted by the stroke sensor (counts / countsPerStroke) */
    strokes: number
    /** nowMs-clock time the stroke count was last reported; -1 if none yet */
    strokeSampleMs: number
    /** depth the actuator reports it has reached (mm); NaN when it reports nothing */
    depthActualMm: number
    /**
     * nowMs-clock time the depth reading arrived (-1: none yet); undefined where nothing stamps it
     * (core tests): never stale
     */
    depthSampleMs?: number
    /** whether each hardware role is bound (device present on the bus) */
    needleBound: boolean
    depthBound: boolean
    pressureBound: boolean
    strokeBound: boolean
    /**
     * the needle duty the motor last accepted (a write that completed), -1 while unknown (after a
     * binding or a failed write); undefined where no writer reports it (the pure closed loop)
     */
    needleSentDuty?: number
    /**
     * the depth (mm) the actuator was last told (set as its servo write goes out), NaN while
     * unknown (after a binding or a failed write); undefined where no writer reports it (core
     * tests: told from the first tick after the command)
     */
    depthSentMm?: number
    /** "" while the dose ledger is stored and read back; else why not (drivers/persist.ts) */
    storeError?: string
    /** the dose delivered has passed the reservation the store holds (drivers/persist.ts behind()) */
    storeBehind?: boolean
    /**
     * the cartridge choice the settings store holds, read back: the id the pen would restore after
     * a power cycle; undefined until it is known, and where nothing is stored (the pure closed loop). While it is not the
     * cartridge in use, no needling starts (a power cycle would count with the stored one).
     */
    cartridgeStoredId?: string
    /** "" or why the force sensor's configuration is unusable (a bad load-cell calibration) */
    forceConfigError?: string
    /**
     * the optional handpiece accelerometer (role `motion`): bound now; its last sample in g
     * (Jacdac convention: a module lying flat reads z = -1) and when it arrived (-1 none yet).
     * Unbound or undefined: no dwell protection, and the status says so.
     */
    motionBound?: boolean
    accelXG?: number
    accelYG?: number
    accelZG?: number
    accelSampleMs?: number
    /**
     * the accelerometer's output rate (Hz) as its board driver read it back from the chip
     * (drivers/lsm6ds.ts; 0: powered down; -1: the chip did not answer on I2C). Undefined where
     * nothing reads it (the simulator's chip runs at motion.odrHz): not checked. Not
     * motion.odrHz: motion_rate.
     */
    accelOdrHz?: number
}

/** What the drivers write to the hardware after a tick. */
export interface PenOutputs {
    /** needle motor drive 0..1 (PWM duty); 0 whenever the needle must not move */
    needleDuty: number
    /** depth the actuator must go to (mm); only changes while the needle is out of the skin */
    depthTargetMm: number
    indicator: Indicator
    /** passes used on the selected area, a fraction of the dose (the status LED blinks the whole ones while armed) */
    passesUsed: number
    /**
     * motor bridge on: armed, and for needle.brakeHoldMs after the needle last ran so that speed 0
     * brakes it to rest before the bridge opens (coast)
     */
    needleEnabled: boolean
}

/**
 * "ending": running within dose.warnPasses of the area's limit (the last part of the last pass);
 * testing: the self-test runs; test_failed: it failed (core/selftest.ts)
 */
export type Indicator = "off" | "ready" | "running" | "ending" | "paused" | "locked" | "fault" | "testing" | "test_failed"

export type PenState = "idle" | "armed" | "treating" | "paused" | "locked" | "fault"

/**
 * Fault codes. Each is latched: the drive is cut first, the reason is kept until an explicit
 * clear (trigger hold or console), and a clear is refused while the condition still holds.
 */
export type FaultCode =
    | "force_open"
    | "force_saturated"
    | "force_stale"
    | "force_stuck"
    | "stroke_silent"
    | "stroke_overspeed"
    | "stroke_undercount"
    | "depth_missing"
    | "depth_not_following"
    | "role_lost"
    | "tick_overrun"
    | "profile_invalid"
    | "settings_invalid"
    | "drive_mismatch"
    | "store_failed"
    | "motion_silent"
    | "motion_stuck"
    | "motion_saturated"
    | "motion_rate"

export interface Fault {
    code: FaultCode
    /** what a person reads: what tripped, with the value and the limit */
    message: string
    atMs: number
}

/** One area's line in the dose ledger (core/ledger.ts). */
export interface LedgerEntry {
    areaId: string
    /** punctures delivered on the area (strokes on the skin x the cartridge's needles) */
    punctures: number
    /** what the store holds: the dose the ledger has reserved ahead of `punctures` (whole) */
    reservedPunctures: number
    /** passes used: punctures / the punctures one pass of the area is (a fraction, e.g. 1.42) */
    passes: number
    treatedMs: number
    overPressureCount: number
    /** a stored record from firmware that counted passes: its count (core/ledger.ts migrates it) */
    legacyPasses?: number
}

/**
 * Something that happened, as data: the kind, the text a person reads, and the fields its kind
 * carries (core/events.ts makes each kind, prints it as an `EVENT` line and reads one back).
 */
export interface EventData {
    /** an EventKind for the core's events; a driver's own log lines have theirs ("error", "info") */
    kind: string
    /** the text after the kind on the EVENT line, made from the fields below */
    message: string
    /** the treatment area: needling_start, needling_end, dose_warning, area_locked, preset_fallback */
    areaId?: string
    /** the area's passes used, a fraction of the dose (needling_start/end, dose_warning, area_locked) */
    pass?: number
    /** the area's pass limit (needling_start/end, dose_warning, area_locked) */
    passLimit?: number
    /** the state entered (state) */
    state?: PenState
    /** the fault (fault, fault_cleared) and its stable wire id (core/faults.ts) */
    fault?: FaultCode
    faultId?: number
    /** needling_start: the preset's depth; depth_wait: the depth the actuator is moving to */
    depthMm?: number
    /** needling_start: the preset's stroke rate */
    strokeHz?: number
    /** needling_end: the area's treated time so far */
    treatedMs?: number
    /** over_pressure: the force that stopped the needle */
    forceN?: number
    /** rise_cutoff: the rate of rise that stopped it */
    riseNPerS?: number
    /** over_pressure, rise_cutoff, dwell_warning, dwell_stop: the limit crossed, in the unit of the value */
    limit?: number
    /** dwell_warning, dwell_stop: how long the pen had shown no gliding on the skin (ms) */
    stillMs?: number
}

/** An event of the control core, with the time it happened. */
export interface PenEvent extends EventData {
    atMs: number
    kind: EventKind
}

export type EventKind =
    | "state"
    | "needling_start"
    | "needling_end"
    | "dose_warning"
    | "area_locked"
    | "over_pressure"
    | "rise_cutoff"
    | "dwell_warning"
    | "dwell_stop"
    | "fault"
    | "fault_cleared"
    | "refused"
    | "depth_wait"
    | "info"
    | "preset_fallback"

/** Requests from buttons (via drivers) and the console. */
export type PenCommand =
    | { kind: "toggle_arm" }
    | { kind: "next_area" }
    | { kind: "select_area"; areaId: string }
    | { kind: "set_preset"; areaId: string; depthMm: number; strokeHz: number; passLimit: number }
    | { kind: "new_session" }
    /** the cartridge fitted (an id of the profile's cartridges): each stroke on the skin counts its needles */
    | { kind: "select_cartridge"; cartridgeId: string }
    | { kind: "clear_fault" }
    /** working presets become the saved ones (the firmware then writes them to the store) */
    | { kind: "save_presets" }
    /** working presets go back to the saved ones */
    | { kind: "revert_presets" }
    /** several presets at once, all or nothing (an import) */
    | { kind: "set_presets"; presets: AreaPreset[] }

/** One area's preset, named by area (set_presets). */
export interface AreaPreset {
    areaId: string
    depthMm: number
    strokeHz: number
    passLimit: number
}

/** Where an area's saved preset came from at boot. */
export type PresetSource = "factory" | "stored" | "fallback"

/** One area's presets as the console shows them: in use (working) and saved. */
export interface PresetInfo {
    areaId: string
    label: string
    depthCapMm: number
    /** the preset in use now */
    working: Preset
    /** the preset the pen boots with (the store's, or the factory one) */
    saved: Preset
    source: PresetSource
    /** why the stored record was not used ("" unless source is "fallback") */
    note: string
}

export interface CommandResult {
    ok: boolean
    /** always set: what happened, or what was wrong and what is allowed */
    message: string
}

/** What the console and the status line show. */
export interface PenStatus {
    state: PenState
    areaId: string
    depthTargetMm: number
    depthActualMm: number
    strokeSetHz: number
    strokeMeasuredHz: number
    forceN: number
    /** the selected area's dose in passes, a fraction (e.g. 1.42) */
    passesUsed: number
    passLimit: number
    /** the dose is within dose.warnPasses of the limit: the last part of the last pass (undefined in the console's copy: the wire does not carry it) */
    doseEnding?: boolean
    /** the cartridge the dose is counted with, and its needles */
    cartridgeId: string
    needles: number
    needleDuty: number
    fault: Fault | undefined
    /** why the needle is not running, when it is not ("" when running) */
    holdReason: string
    /** "on" while the motion role (accelerometer) is bound: the needle stops on a dwell; "off" without it */
    dwellProtection: "on" | "warn" | "off"
    /** the power-on self-test: "running", "pass", "fail" (core/selftest.ts); absent where none runs */
    selfTest?: string
}
