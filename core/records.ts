// Settings-store records for the dose ledger. The store has no checksum and prints numbers with
// ~6 significant digits, so records hold integers only, carry a version and a checksum, and a
// record that fails any check is reported, never half-used.
import { Preset } from "./profile"
import { LedgerEntry } from "./types"

export const RECORD_VERSION = 2
/** the pass-counting firmware's records: read once and migrated (core/ledger.ts), never written */
export const LEGACY_RECORD_VERSION = 1

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
    const parts = s.split("|")
    if (parts.length !== 6) return { entry: undefined, error: `ledger record for ${areaId} is malformed` }
    const b = `${parts[0]}|${parts[1]}|${parts[2]}|${parts[3]}|${parts[4]}`
    if (whole(parts[5]) !== checksum(b)) return { entry: undefined, error: `ledger record for ${areaId} fails its checksum` }
    const version = whole(parts[0])
    if (version !== RECORD_VERSION && version !== LEGACY_RECORD_VERSION)
        return { entry: undefined, error: `ledger record for ${areaId} has version ${parts[0]}, expected ${RECORD_VERSION}` }
    if (parts[1] !== areaId) return { entry: undefined, error: `ledger record for ${areaId} names area ${parts[1]}` }
    const count = whole(parts[2])
    const treatedS = whole(parts[3])
    const over = whole(parts[4])
    if (count < 0 || treatedS < 0 || over < 0) return { entry: undefined, error: `ledger record for ${areaId} has a bad number` }
    const e: LedgerEntry = { areaId: areaId, punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: treatedS * 1000, overPressureCount: over }
    // a version-1 count is passes, not punctures: the ledger converts it with the area's pass dose
    if (version === LEGACY_RECORD_VERSION) e.legacyPasses = count
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
    const parts = s.split("|")
    if (parts.length !== 6) return badPreset(`preset record for ${areaId} is malformed`)
    const b = `${parts[0]}|${parts[1]}|${parts[2]}|${parts[3]}|${parts[4]}`
    if (whole(parts[5]) !== checksum(b)) return badPreset(`preset record for ${areaId} fails its checksum`)
    if (parts[0] !== PRESET_RECORD_VERSION) return badPreset(`preset record for ${areaId} has version ${parts[0]}, expected ${PRESET_RECORD_VERSION}`)
    if (parts[1] !== areaId) return badPreset(`preset record for ${areaId} names area ${parts[1]}`)
    const um = whole(parts[2])
    const hz = whole(parts[3])
    const passes = whole(parts[4])
    if (um < 0 || hz < 0 || passes < 0) return badPreset(`preset record for ${areaId} has a bad number`)
    return { preset: { depthMm: um / 1000, strokeHz: hz, passLimit: passes }, error: "" }
}

// ---- the cartridge fitted ("ct") ------------------------------------------------------------
// "C1|n12|<sum>": kind and version, cartridge id, checksum. The id is checked against the
// profile's cartridges by the core (PenOptions.cartridgeId): an unknown one is said, not used.

export const CARTRIDGE_RECORD_VERSION = "C1"

export function encodeCartridgeRecord(cartridgeId: string): string {
    const b = `${CARTRIDGE_RECORD_VERSION}|${cartridgeId}`
    return `${b}|${checksum(b)}`
}

/** the cartridge id in a record, or "" with `error` saying why not */
export function decodeCartridgeRecord(s: string): { cartridgeId: string; error: string } {
    const parts = s.split("|")
    if (parts.length !== 3) return { cartridgeId: "", error: "cartridge record is malformed" }
    const b = `${parts[0]}|${parts[1]}`
    if (whole(parts[2]) !== checksum(b)) return { cartridgeId: "", error: "cartridge record fails its checksum" }
    if (parts[0] !== CARTRIDGE_RECORD_VERSION) return { cartridgeId: "", error: `cartridge record has version ${parts[0]}, expected ${CARTRIDGE_RECORD_VERSION}` }
    return { cartridgeId: parts[1], error: "" }
}
