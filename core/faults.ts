// The fault catalogue: what each fault means to a person and how it clears.
// "when_gone": an explicit clear (trigger hold or console) is accepted once the condition is gone.
// "new_session": only starting a new session clears it (the stored ledger cannot be trusted).
// "never": needs a reflash with a valid profile.
import { FaultCode } from "./types"

export type FaultClear = "when_gone" | "new_session" | "never"

/**
 * One fault's schema, in the manner of ODrive's interface file and PX4's failsafe table: a stable
 * numeric id (what travels on the console wire: never reuse or renumber one), the code, how it
 * clears and what to do (which input it watches: faultWatches).
 */
export interface FaultInfo {
    /** stable wire id, 1..; never reused */
    id: number
    code: FaultCode
    clears: FaultClear
    /** what the operator should do */
    action: string
}

/**
 * The catalogue, one row per fault: "code id clears | what to do". Text, not an array of
 * objects: an object literal compiles to code (~0.7 KB of the firmware's 64 KB of functions for
 * this table, docs/DEVICESCRIPT-NOTES.md "Image size"); a string is data. faultAt reads one row.
 */
export const FAULT_TABLE = `
force_open 1 when_gone | check the force sensor cable, then clear the fault
force_saturated 2 when_gone | check the force sensor for a short or a jammed face, then clear the fault
force_stale 3 when_gone | the force sensor stopped reporting: check its connection, then clear the fault
force_stuck 4 when_gone | the force reading froze: check the sensor, then clear the fault
stroke_silent 5 when_gone | check the cartridge for a jam and the stroke sensor, then clear the fault
stroke_overspeed 6 when_gone | check the motor driver and the stroke sensor, then clear the fault
depth_missing 7 when_gone | check the depth actuator connection, then clear the fault
depth_not_following 8 when_gone | check the depth actuator for a jam, then clear the fault
role_lost 9 when_gone | reconnect the device, then clear the fault
tick_overrun 10 when_gone | the control loop stalled: clear the fault; report it if it repeats
profile_invalid 11 never | fix devs.json and reflash the firmware
settings_invalid 12 new_session | start a new session (the stored pass ledger cannot be trusted)
drive_mismatch 13 when_gone | the motor did not take the drive: check the motor driver's connection, then clear the fault
store_failed 14 when_gone | the pen retries: once stored, clear the fault; if it repeats, the flash is full or worn: export the presets, erase and reflash
motion_silent 15 when_gone | the accelerometer stopped reporting (no dwell protection): check its connection, then clear the fault
motion_stuck 16 when_gone | the accelerometer reading froze (no dwell protection): check the sensor, then clear the fault
motion_saturated 17 when_gone | the accelerometer read full scale: check the pen if knocked or dropped, else the sensor; then clear the fault
stroke_undercount 18 when_gone | the stroke sensor loses counts (the dose would count low) or the needle drags: check the sensor's cable and magnet and the cartridge, then clear the fault
motion_rate 19 when_gone | the accelerometer does not run at the rate the dwell rule is tuned for (no dwell protection): check the chip is an LSM6DS3TR-C or LSM6DSO at I2C 0x6A/0x6B and its wiring, then clear the fault
`

/**
 * The fault of the FAULT_TABLE row that starts at `at`. indexOf and slice only: they are native in
 * DeviceScript, where split walks the string in bytecode a character at a time (a trip looks up
 * its fault in the tick that cuts the drive).
 */
function rowAt(at: number): FaultInfo {
    const T = FAULT_TABLE
    const a = T.indexOf(" ", at)
    const b = T.indexOf(" ", a + 1)
    const c = T.indexOf(" | ", b)
    return {
        code: T.slice(at, a) as FaultCode, id: +T.slice(a + 1, b), clears: T.slice(b + 1, c) as FaultClear,
        action: T.slice(c + 3, T.indexOf("\n", c)),
    }
}

/** the i-th fault of the catalogue (0: the first), undefined past the last */
export function faultAt(i: number): FaultInfo {
    const T = FAULT_TABLE
    let at = 0
    for (let k = 0; k <= i; k++) {
        at = T.indexOf("\n", at) + 1
        if (at <= 0 || at >= T.length) return undefined
    }
    return rowAt(at)
}

/** the whole catalogue (tests and tools; the firmware reads a row at a time) */
export function faultList(): FaultInfo[] {
    const out: FaultInfo[] = []
    for (let i = 0; faultAt(i); i++) out.push(faultAt(i))
    return out
}

export function faultInfo(code: FaultCode): FaultInfo {
    // a row starts with its code: "\n<code> "
    const k = FAULT_TABLE.indexOf("\n" + code + " ")
    if (k >= 0) return rowAt(k + 1)
    // unreachable for a typed code; keep the most restrictive answer
    return { id: 0, code: code, clears: "never", action: "reflash the firmware" }
}

/**
 * The input (a PenInputs field, or the profile) each fault's detector watches, one row per fault:
 * "code | inputs". A function, not a column of FAULT_TABLE: the firmware never reads it, and an
 * unused function stays out of its image (the table's text is image data).
 */
export function faultWatches(code: FaultCode): string {
    const T = `
force_open | forceRatio
force_saturated | forceRatio
force_stale | forceSampleMs
force_stuck | forceRatio
stroke_silent | strokes
stroke_overspeed | strokes
depth_missing | depthActualMm, depthSampleMs, depthBound
depth_not_following | depthActualMm
role_lost | needleBound, pressureBound, strokeBound
tick_overrun | nowMs
profile_invalid | profile, forceConfigError
settings_invalid | the stored ledger
drive_mismatch | needleSentDuty
store_failed | storeError
motion_silent | accelSampleMs
motion_stuck | accelXG, accelYG, accelZG
motion_saturated | accelXG, accelYG, accelZG
stroke_undercount | strokes, needleSentDuty
motion_rate | accelOdrHz
`
    const k = T.indexOf("\n" + code + " | ")
    return k < 0 ? "" : T.slice(k + code.length + 4, T.indexOf("\n", k + 1))
}
