// The fault catalogue: what each fault means to a person and how it clears.
// "when_gone": an explicit clear (trigger hold or console) is accepted once the condition is gone.
// "new_session": only starting a new session clears it (the stored ledger cannot be trusted).
// "never": needs a reflash with a valid profile.
import { FaultCode } from "./types"

export type FaultClear = "when_gone" | "new_session" | "never"

export interface FaultInfo {
    code: FaultCode
    clears: FaultClear
    /** what the operator should do */
    action: string
}

export const FAULTS: FaultInfo[] = [
    { code: "force_open", clears: "when_gone", action: "check the force sensor cable, then clear the fault" },
    { code: "force_saturated", clears: "when_gone", action: "check the force sensor for a short or a jammed face, then clear the fault" },
    { code: "force_stale", clears: "when_gone", action: "the force sensor stopped reporting: check its connection, then clear the fault" },
    { code: "force_stuck", clears: "when_gone", action: "the force reading froze: check the sensor, then clear the fault" },
    { code: "stroke_silent", clears: "when_gone", action: "check the cartridge for a jam and the stroke sensor, then clear the fault" },
    { code: "stroke_overspeed", clears: "when_gone", action: "check the motor driver and the stroke sensor, then clear the fault" },
    { code: "depth_missing", clears: "when_gone", action: "check the depth actuator connection, then clear the fault" },
    { code: "depth_not_following", clears: "when_gone", action: "check the depth actuator for a jam, then clear the fault" },
    { code: "role_lost", clears: "when_gone", action: "reconnect the device, then clear the fault" },
    { code: "tick_overrun", clears: "when_gone", action: "the control loop stalled: clear the fault; report it if it repeats" },
    { code: "profile_invalid", clears: "never", action: "fix devs.json and reflash the firmware" },
    { code: "settings_invalid", clears: "new_session", action: "start a new session (the stored pass ledger cannot be trusted)" },
]

export function faultInfo(code: FaultCode): FaultInfo {
    for (const f of FAULTS) if (f.code === code) return f
    // unreachable for a typed code; keep the most restrictive answer
    return { code: code, clears: "never", action: "reflash the firmware" }
}
