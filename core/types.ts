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
    /** "" while the pass ledger is stored and read back; else why not (drivers/persist.ts) */
    storeError?: string
    /** "" or why the force sensor's configuration is unusable (a bad load-cell calibration) */
    forceConfigError?: string
}

/** What the drivers write to the hardware after a tick. */
export interface PenOutputs {
    /** needle motor drive 0..1 (PWM duty); 0 whenever the needle must not move */
    needleDuty: number
    /** depth the actuator must go to (mm); only changes while the needle is out of the skin */
    depthTargetMm: number
    indicator: Indicator
    /** passes used on the selected area (the status LED blinks them while armed) */
    passesUsed: number
    /**
     * motor bridge on: armed, and for needle.brakeHoldMs after the needle last ran so that speed 0
     * brakes it to rest before the bridge opens (coast)
     */
    needleEnabled: boolean
}

/** testing: the self-test runs; test_failed: it failed (core/selftest.ts) */
export type Indicator = "off" | "ready" | "running" | "paused" | "locked" | "fault" | "testing" | "test_failed"

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
    | "depth_missing"
    | "depth_not_following"
    | "role_lost"
    | "tick_overrun"
    | "profile_invalid"
    | "settings_invalid"
    | "drive_mismatch"
    | "store_failed"

export interface Fault {
    code: FaultCode
    /** what a person reads: what tripped, with the value and the limit */
    message: string
    atMs: number
}

/** One area's line in the pass ledger. */
export interface LedgerEntry {
    areaId: string
    passes: number
    treatedMs: number
    overPressureCount: number
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
    /** the treatment area: pass_start, pass_end, area_locked, preset_fallback */
    areaId?: string
    /** the pass number (pass_start, pass_end) or the passes used (area_locked) */
    pass?: number
    /** the area's pass limit (pass_start, pass_end, area_locked) */
    passLimit?: number
    /** the state entered (state) */
    state?: PenState
    /** the fault (fault, fault_cleared) and its stable wire id (core/faults.ts) */
    fault?: FaultCode
    faultId?: number
    /** pass_start: the preset's depth; depth_wait: the depth the actuator is moving to */
    depthMm?: number
    /** pass_start: the preset's stroke rate */
    strokeHz?: number
    /** pass_end: the area's treated time so far */
    treatedMs?: number
    /** over_pressure: the force that stopped the needle */
    forceN?: number
    /** rise_cutoff: the rate of rise that stopped it */
    riseNPerS?: number
    /** over_pressure, rise_cutoff: the limit crossed, in the unit of the value */
    limit?: number
}

/** An event of the control core, with the time it happened. */
export interface PenEvent extends EventData {
    atMs: number
    kind: EventKind
}

export type EventKind =
    | "state"
    | "pass_start"
    | "pass_end"
    | "area_locked"
    | "over_pressure"
    | "rise_cutoff"
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
    passesUsed: number
    passLimit: number
    needleDuty: number
    fault: Fault | undefined
    /** why the needle is not running, when it is not ("" when running) */
    holdReason: string
    /** the power-on self-test: "running", "pass", "fail" (core/selftest.ts); absent where none runs */
    selfTest?: string
}
