// The fault catalogue: what each fault means to a person and how it clears.
// "when_gone": an explicit clear (trigger hold or console) is accepted once the condition is gone.
// "new_session": only starting a new session clears it (the stored ledger cannot be trusted).
// "never": needs a reflash with a valid profile.
import { FaultCode } from "./types"

export type FaultClear = "when_gone" | "new_session" | "never"

/**
 * One fault's schema, in the manner of ODrive's interface file and PX4's failsafe table: a stable
 * numeric id (what travels on the console wire: never reuse or renumber one), the code, how it
 * clears, what to do, and which input it watches.
 */
export interface FaultInfo {
    /** stable wire id, 1..; never reused */
    id: number
    code: FaultCode
    clears: FaultClear
    /** what the operator should do */
    action: string
    /** the input (PenInputs field or profile) the detector watches */
    watches: string
}

export const FAULTS: FaultInfo[] = [
    { id: 1, code: "force_open", watches: "forceRatio", clears: "when_gone", action: "check the force sensor cable, then clear the fault" },
    { id: 2, code: "force_saturated", watches: "forceRatio", clears: "when_gone", action: "check the force sensor for a short or a jammed face, then clear the fault" },
    { id: 3, code: "force_stale", watches: "forceSampleMs", clears: "when_gone", action: "the force sensor stopped reporting: check its connection, then clear the fault" },
    { id: 4, code: "force_stuck", watches: "forceRatio", clears: "when_gone", action: "the force reading froze: check the sensor, then clear the fault" },
    { id: 5, code: "stroke_silent", watches: "strokes", clears: "when_gone", action: "check the cartridge for a jam and the stroke sensor, then clear the fault" },
    { id: 6, code: "stroke_overspeed", watches: "strokes", clears: "when_gone", action: "check the motor driver and the stroke sensor, then clear the fault" },
    { id: 7, code: "depth_missing", watches: "depthActualMm, depthBound", clears: "when_gone", action: "check the depth actuator connection, then clear the fault" },
    { id: 8, code: "depth_not_following", watches: "depthActualMm", clears: "when_gone", action: "check the depth actuator for a jam, then clear the fault" },
    { id: 9, code: "role_lost", watches: "needleBound, pressureBound, strokeBound", clears: "when_gone", action: "reconnect the device, then clear the fault" },
    { id: 10, code: "tick_overrun", watches: "nowMs", clears: "when_gone", action: "the control loop stalled: clear the fault; report it if it repeats" },
    { id: 11, code: "profile_invalid", watches: "profile, forceConfigError", clears: "never", action: "fix devs.json and reflash the firmware" },
    { id: 12, code: "settings_invalid", watches: "the stored ledger", clears: "new_session", action: "start a new session (the stored pass ledger cannot be trusted)" },
    { id: 13, code: "drive_mismatch", watches: "needleSentDuty", clears: "when_gone", action: "the motor did not take the commanded drive: check the motor driver's connection, then clear the fault" },
    { id: 14, code: "store_failed", watches: "storeError", clears: "when_gone", action: "the pen retries the store: once it is stored, clear the fault; if it repeats, the settings flash is full or worn: export the presets, erase and reflash" },
    { id: 15, code: "motion_silent", watches: "accelSampleMs", clears: "when_gone", action: "the accelerometer stopped reporting (no dwell protection): check its connection, then clear the fault" },
    { id: 16, code: "motion_stuck", watches: "accelXG, accelYG, accelZG", clears: "when_gone", action: "the accelerometer reading froze (no dwell protection): check the sensor, then clear the fault" },
    { id: 17, code: "motion_saturated", watches: "accelXG, accelYG, accelZG", clears: "when_gone", action: "the accelerometer read full scale: if the pen was knocked or dropped check it, else the sensor; then clear the fault" },
]

export function faultInfo(code: FaultCode): FaultInfo {
    for (const f of FAULTS) if (f.code === code) return f
    // unreachable for a typed code; keep the most restrictive answer
    return { id: 0, code: code, clears: "never", action: "reflash the firmware", watches: "" }
}
