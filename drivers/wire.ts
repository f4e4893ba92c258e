// The pen's console service on the wire (services/penconsole.md): codes, pack formats, field
// order, units and enumerations, shared by the firmware's server (drivers/console-server.ts) and
// the host console (console/). Pure TypeScript in the DeviceScript subset; no decisions here, the
// core (core/) makes them. test/console checks these formats against the compiled spec.
//
// Integers only on the wire (DeviceScript servers do not scale fixed-point fields of multi-field
// packets): depth in micrometres, stroke rates in strokes/s (set) or millihertz (measured and
// commanded), force in millinewtons, drive in per mille, passes used in hundredths of a pass.
//
// WIRE_VERSION says which layouts these are. A layout that changes gets a new code and the
// version goes up, so a peer of another version never reads one layout as another: the console
// reads wire_version first and says what to update; the retired codes (REG_STATUS_V1,
// CMD_AREA_INFO_V1) are answered in their old form with a status reason that says the same.
import { faultAt, faultInfo } from "../core/faults"
import { FaultCode, PenState, PresetSource } from "../core/types"

export const SRV_PEN_CONSOLE = 0x1d6a2e57

/** the layouts in this file; 1: before the dose rule (no wire_version register) */
export const WIRE_VERSION = 2

/** retired (wire version 1): answered in the old layout, its reason says to update the console */
export const REG_STATUS_V1 = 0x180
export const REG_PROFILE = 0x181
export const REG_WIRE_VERSION = 0x182
export const REG_STATUS = 0x183
/** the pen's own calibration in use and the raw readings a commissioning needs (console `bringup`) */
export const REG_CALIBRATION = 0x184

export const CMD_SET_PRESET = 0x80
/** retired (wire version 1): answered with "not implemented" */
export const CMD_AREA_INFO_V1 = 0x81
export const CMD_SELECT_AREA = 0x82
export const CMD_SAVE_PRESETS = 0x83
export const CMD_REVERT_PRESETS = 0x84
export const CMD_NEW_SESSION = 0x85
export const CMD_CLEAR_FAULT = 0x86
export const CMD_IMPORT_PRESETS = 0x87
export const CMD_AREA_INFO = 0x88
export const CMD_CARTRIDGE_INFO = 0x89
export const CMD_SELECT_CARTRIDGE = 0x8a
export const CMD_RUN_SELFTEST = 0x8b
export const CMD_SET_CALIBRATION = 0x8c
/** Jacdac's "command not implemented" report: the command's code u16, its packet's crc u16 */
export const CMD_NOT_IMPLEMENTED = 0x03

// pack formats (jdpack / DeviceScript spec), in the order of services/penconsole.md
export const FMT_STATUS_V1 = "u8 u8 u8 u8 u16 u16 i32 u32 i32 u16 u8 u8 u32 z s"
export const FMT_PROFILE = "u16 s"
export const FMT_WIRE_VERSION = "u16"
export const FMT_STATUS = "u8 u8 u8 u8 u16 u16 i32 u32 i32 u16 u16 u32 u8 u8 z z s"
export const FMT_SET_PRESET = "u32 i32 i32 i32 s"
export const FMT_SELECT_AREA = "u32 s"
export const FMT_REQUEST = "u32"
export const FMT_IMPORT_PRESETS = "u32 b"
export const FMT_RESULT = "u32 u8 s"
export const FMT_AREA_INFO = "u8"
export const FMT_AREA_INFO_REPORT = "u16 u16 u16 u16 u16 u8 u8 u8 u8 u16 u32 u32 u32 u16 u16 z s"
export const FMT_CARTRIDGE_INFO = "u8"
export const FMT_CARTRIDGE_INFO_REPORT = "u8 u8 u8 u8 u16 z s"
export const FMT_SELECT_CARTRIDGE = "u32 s"
export const FMT_CALIBRATION = "u32 i32 u32 u32 u32 u32 i32 i32 u32 u8 u8 s"
export const FMT_SET_CALIBRATION = "u32 u32 i32 u32 u32 u32"

/** bytes per area in import_presets: depth_um i32, stroke_mhz i32, pass_limit i16, index u8, 0 */
export const IMPORT_ENTRY_BYTES = 12

/** status.state */
export const STATES: PenState[] = ["idle", "armed", "treating", "paused", "locked", "fault"]
/** area_info.source */
export const SOURCES: PresetSource[] = ["factory", "stored", "fallback"]

/** status.flags */
export const FLAG_UNSAVED = 1
export const FLAG_FALLBACK = 2
export const FLAG_STORE_ERROR = 4
/** no motion role bound: the pen has no dwell protection */
export const FLAG_DWELL_OFF = 8
/** the accelerometer is bound but a dwell only warns (motion.stopOnDwell 0) */
export const FLAG_DWELL_WARN = 16
/** a calibration was stored but its record is bad or out of range: the profile's calibration is in use */
export const FLAG_CAL_FALLBACK = 32

/** calibration.buttons */
export const BUTTON_TRIGGER = 1
export const BUTTON_AREA = 2

/** what a retired code's answer says (REG_STATUS_V1's reason) */
export const RETIRED_TEXT = `this pen speaks console wire version ${WIRE_VERSION}: update the console to the one built with the pen's firmware`

/** messages and reasons are cut to this many characters (a Jacdac payload holds 236 bytes) */
export const TEXT_MAX_CHARS = 180

export function stateIndex(s: PenState): number {
    const i = STATES.indexOf(s)
    return i < 0 ? 0 : i
}

/** status.fault: 0 none, else the fault's stable id (core/faults.ts) */
export function faultId(code: string): number {
    return faultInfo(code as FaultCode).id
}

export function faultCodeOf(id: number): string {
    for (let i = 0; faultAt(i); i++) if (faultAt(i).id === id && id > 0) return faultAt(i).code
    return ""
}

/** millimetres to whole micrometres; NaN (nothing reported) is -1 */
export function mmToUm(mm: number): number {
    return mm === mm ? Math.round(mm * 1000) : -1
}

/** passes (a fraction) to whole hundredths for the wire; at most 655.35 */
export function centi(passes: number): number {
    const c = Math.round(passes * 100)
    if (!(c >= 0)) return 0
    return c > 65535 ? 65535 : c
}

export function clip(s: string): string {
    return s.length > TEXT_MAX_CHARS ? s.slice(0, TEXT_MAX_CHARS - 3) + "..." : s
}
