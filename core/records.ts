// Settings-store records for the dose ledger. The store has no checksum and prints numbers with
// ~6 significant digits, so records hold integers only, carry a version and a checksum, and a
// record that fails any check is reported, never half-used.
import { splitText } from "./format"
import { Preset } from "./profile"
import { LedgerEntry } from "./types"

export const RECORD_VERSION = 2
/** the pass-counting firmware's records: read once and migrated (core/ledger.ts), never written */
export const LEGACY_RECORD_VERSION = 1
/** RECORD_VERSION and LEGACY_RECORD_VERSION as they lead a record (a round trip in test/core/records.test.ts ties them) */
const LEDGER_VERSION_TEXT = "2"
const LEGACY_VERSION_TEXT = "1"

/** Fletcher-16 over the characters of s */
export function checksum(s: string): number {
    let a = 0
    let b = 0
    for (let i = 0; i < s.length; i++) {
        a = (a + (s.charCodeAt(i) & 0xff)) % 255
        b = (b + a) % 255
    }
    return b * 256 + a
}

function body(e: LedgerEntry): string {
    return `${RECORD_VERSION}|${e.areaId}|${e.reservedPunctures}|${Math.round(e.treatedMs / 1000)}|${e.overPressureCount}`
}

/**
 * "2|cheeks|140400|35|1|<sum>": version, area, punctures reserved (core/ledger.ts), treated seconds,
 * too-hard presses, checksum. Version 1 had passes in the third field.
 */
export function encodeLedgerEntry(e: LedgerEntry): string {
    const b = body(e)
    return `${b}|${checksum(b)}`
}

export interface Decoded {
    entry: LedgerEntry | undefined
    /** "" when fine; else what was wrong */
    error: string
}

function whole(s: string): number {
    if (s.length === 0 || s.length > 9) return -1
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c < 48 || c > 57) return -1
    }
    return parseInt(s)
}

export function decodeLedgerEntry(areaId: string, s: string): Decoded {
    const what = `ledger record for ${areaId}`
    const f = fieldsOf(s, LEDGER_VERSION_TEXT, what, 4, LEGACY_VERSION_TEXT)
    if (typeof f === "string") return { entry: undefined, error: f }
    if (f[1] !== areaId) return { entry: undefined, error: `${what} names area ${f[1]}` }
    const count = whole(f[2])
    const treatedS = whole(f[3])
    const over = whole(f[4])
    if (count < 0 || treatedS < 0 || over < 0) return { entry: undefined, error: `${what} has a bad number` }
    const e: LedgerEntry = { areaId: areaId, punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: treatedS * 1000, overPressureCount: over }
    // a version-1 count is passes, not punctures: the ledger converts it with the area's pass dose
    if (f[0] === LEGACY_VERSION_TEXT) e.legacyPasses = count
    else e.reservedPunctures = count
    return { entry: e, error: "" }
}

// ---- preset records ("ps<index>") ---------------------------------------------------------
// "P1|cheeks|1000|120|3|<sum>": kind and version, area, depth in micrometres, strokes/s, pass
// limit, checksum. Integers only (the store prints ~6 significant digits); the leading "P" keeps
// a ledger record from ever reading as a preset. Range checks are the core's (checkPreset):
// a record that decodes is still validated against today's limits before it is used.

export const PRESET_RECORD_VERSION = "P1"

export function encodePresetRecord(areaId: string, p: Preset): string {
    const b = `${PRESET_RECORD_VERSION}|${areaId}|${Math.round(p.depthMm * 1000)}|${Math.round(p.strokeHz)}|${Math.round(p.passLimit)}`
    return `${b}|${checksum(b)}`
}

export interface DecodedPreset {
    preset: Preset | undefined
    /** "" when fine; else what was wrong */
    error: string
}

function badPreset(error: string): DecodedPreset {
    return { preset: undefined, error: error }
}

export function decodePresetRecord(areaId: string, s: string): DecodedPreset {
    const what = `preset record for ${areaId}`
    const f = fieldsOf(s, PRESET_RECORD_VERSION, what, 4)
    if (typeof f === "string") return badPreset(f)
    if (f[1] !== areaId) return badPreset(`${what} names area ${f[1]}`)
    const um = whole(f[2])
    const hz = whole(f[3])
    const passes = whole(f[4])
    if (um < 0 || hz < 0 || passes < 0) return badPreset(`${what} has a bad number`)
    return { preset: { depthMm: um / 1000, strokeHz: hz, passLimit: passes }, error: "" }
}

/**
 * The fields of a record "<version>|f1|..|fn|<sum>" (version at 0, then f1..fn), or what is wrong
 * with it: malformed (not n fields), a checksum that fails, another version. `what` names the record.
 */
function fieldsOf(s: string, version: string, what: string, n: number, older?: string): string[] | string {
    const parts = splitText(s, "|")
    if (parts.length !== n + 2) return `${what} is malformed`
    if (whole(parts[n + 1]) !== checksum(s.slice(0, s.length - parts[n + 1].length - 1))) return `${what} fails its checksum`
    // `older`: a version still read (the ledger's, to migrate it)
    if (parts[0] !== version && parts[0] !== older) return `${what} has version ${parts[0]}, expected ${version}`
    return parts
}

// ---- records of one value: the cartridge fitted ("ct0"), the pen's own calibration ("cb0") ----
// "<kind and version>|<value>|<sum>", the value without "|".

function encodeTagged(version: string, value: string): string {
    const b = `${version}|${value}`
    return `${b}|${checksum(b)}`
}

/** the value of a record of `version`, or "" with `error` saying why not (`what`: the record's name in it) */
function decodeTagged(s: string, version: string, what: string): { value: string; error: string } {
    const f = fieldsOf(s, version, `${what} record`, 1)
    return typeof f === "string" ? { value: "", error: f } : { value: f[1], error: "" }
}

// "C1|n12|<sum>": the cartridge id. Checked against the profile's cartridges by the core
// (PenOptions.cartridgeId): an unknown one is said, not used.

export const CARTRIDGE_RECORD_VERSION = "C1"

export function encodeCartridgeRecord(cartridgeId: string): string {
    return encodeTagged(CARTRIDGE_RECORD_VERSION, cartridgeId)
}

/** the cartridge id in a record, or "" with `error` saying why not */
export function decodeCartridgeRecord(s: string): { cartridgeId: string; error: string } {
    const d = decodeTagged(s, CARTRIDGE_RECORD_VERSION, "cartridge")
    return { cartridgeId: d.value, error: d.error }
}

// "K2|833333,20,150000,180000,217000,604231|<sum>": the pen's own calibration (drivers/calibration.ts),
// five whole numbers in the units of the console wire (services/penconsole.md `calibration`):
// force scale in millionths, force at rest in mN (may be negative), the depth feedback's ratio at
// 0 mm and per mm in millionths, the needle's no-load strokes/s per duty in thousandths; then the
// fingerprint of the force conversion it was measured against (src/profile.g.ts FSR_BASIS or
// LOADCELL_BASIS, src/main.ts forceBasis). The
// force scale and rest apply on top of that conversion: a firmware whose devs.json holds another
// one (the calibration exported into it, or a new sensor's curve) would apply it twice or to the
// wrong sensor, so the record is refused there. Whether the numbers may be used is checked where
// they are laid over the profile (core/validate.ts checkCalibration, then checkProfile). K1 (no
// fingerprint) is refused: run `bringup` again.

export const CALIBRATION_RECORD_VERSION = "K2"

/** a record of the calibration `v` (wire units) measured against the force conversion `basis` */
export function encodeCalibrationRecord(v: number[], basis: number): string {
    return encodeTagged(CALIBRATION_RECORD_VERSION, `${v.join(",")},${basis}`)
}

/**
 * the five numbers of a record, as their text (drivers/calibration.ts fromWire divides them; text
 * that is no number reads as NaN, which no check passes), or none with `error` saying why not:
 * also when it was measured against another force conversion than `basis`
 */
export function decodeCalibrationRecord(s: string, basis: number): { values: any[]; error: string } {
    const d = decodeTagged(s, CALIBRATION_RECORD_VERSION, "calibration")
    const values = splitText(d.value, ",")
    if (d.error === "" && values[5] !== `${basis}`) d.error = "calibration record was measured against another force curve: run bringup, or calibration clear"
    return { values, error: d.error }
}
