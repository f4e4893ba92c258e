// What the firmware keeps in the settings store and when: the dose ledger (one checksummed record
// per area, "lg<index>"), the saved presets ("ps<index>"), the cartridge fitted ("ct0") and the
// pen's own calibration ("cb0", drivers/calibration.ts). Pure: the store, the clock and the
// packet budget are passed in, so Node tests run it against fake stores that fail, lie or lose
// power (test/drivers/persist.test.ts). drivers/store.ts is the glue to @devicescript/settings.
//
// Rules:
// - saved means read back: a record counts as stored only when a read returns what was written;
// - every store request is a packet: before each one the budget must allow it with the needle
//   stop's reserve (STOP_RESERVE_PACKETS), and no write of the writer may be waiting for budget (for WRITER_FIRST_MAX_MS at most)
//   (SendBudget.writerWaiting); the wait is here, where the packet is spent;
// - two copies of every record, "lg<index>" then "lg<index>b" (likewise "ps"), each written whole
//   and read back before the next (a ledger change that grants nothing goes to the first only):
//   the ledger's record holds the dose reserved ahead of the needle (core/ledger.ts), so a
//   reservation must be stored before the dose reaches it;
//   DeviceScript's store loses the key being written when the power goes mid-write
//   (docs/DEVICESCRIPT-NOTES.md), and a lost ledger record would read as a fresh area. A load takes the first copy when it decodes, else the second, so a loss at any point
//   leaves each area its old or its new record. A record that fails its checksum is never used
//   (core/records.ts); both copies bad is reported.
import { STOP_RESERVE_PACKETS } from "../core/limits"
import { COST_MS, SendBudget, WRITER_FIRST_MAX_MS } from "./budget"
import {
    decodeCalibrationRecord, decodeCartridgeRecord, decodeLedgerEntry, decodePresetRecord, encodeCartridgeRecord, encodeLedgerEntry,
    encodePresetRecord,
} from "../core/records"
import { Preset } from "../core/profile"
import { LedgerEntry } from "../core/types"

/** the settings store as the firmware sees it: "" for a key never written; either may throw */
export interface KeyValueStore {
    read(key: string): Promise<string>
    write(key: string, value: string): Promise<void>
}

export interface PersistClock {
    nowMs(): number
    sleep(ms: number): Promise<void>
}

/**
 * A new dose reservation must be read back from the store within this time, or storeError says so
 * and the core stops the treatment (fault store_failed). A healthy save is two packets and one
 * flash write (~50 ms); 3 s leaves room for the retries below (at 0.25, 0.75, 1.75 s) on a busy
 * bus, and bounds how much dose can be delivered past a stored reservation (the core reserves
 * half a step before the dose gets there: core/ledger.ts).
 */
export const PASS_UNSTORED_MAX_MS = 3000
/** failed saves in a row that make storeError non-empty at once, whatever is pending: a store
 * that fails three times (over ~0.75 s) is broken, not busy */
export const FAILS_BEFORE_ERROR = 3
/** first retry after a failed save; doubles per failure up to RETRY_MAX_MS (bounded backoff) */
export const RETRY_FIRST_MS = 250
export const RETRY_MAX_MS = 4000
/**
 * Ledger changes that grant nothing after a power cycle (treated time, too-hard presses: a lost one
 * leaves only the records short) are written at most this often; a reservation that moves is
 * written at once: a new one ahead of the dose before the dose gets there, one brought back to the
 * dose (the pen disarmed off the skin, core/ledger.ts settle; a new session's clear) so a power
 * cycle soon after restores the dose, not the step. Flash wear: bench/flashwear.ts.
 */
export const LAZY_SAVE_MS = 20000

/**
 * waits until a packet fits with the stop's reserve, then charges it. One at a time, as the
 * console server does: asking for two at once would let a polling console starve the ledger.
 */
async function charge(budget: SendBudget, clock: PersistClock) {
    // the writer goes first, but for WRITER_FIRST_MAX_MS at most: a writer that always has
    // something waiting (its own sends use the budget up) must not starve the settings forever
    const t0 = clock.nowMs()
    // console replies wait while this does (SendBudget.storeWaiting)
    budget.storeWaiting++
    while ((budget.writerWaiting && clock.nowMs() - t0 < WRITER_FIRST_MAX_MS) || !budget.allows(clock.nowMs(), 1, STOP_RESERVE_PACKETS))
        await clock.sleep(COST_MS)
    budget.storeWaiting--
    budget.spend(clock.nowMs())
}

/** the key of copy 0 or 1 of record `i` */
export function copyKey(prefix: string, i: number, copy: number): string {
    return copy === 0 ? `${prefix}${i}` : `${prefix}${i}b`
}

/** one read, charged; "" for none */
async function readKey(store: KeyValueStore, key: string, budget: SendBudget, clock: PersistClock): Promise<string> {
    await charge(budget, clock)
    const s = await store.read(key)
    return typeof s === "string" ? s : ""
}

/**
 * Writes a record and reads it back, each packet charged when it fits with the reserve. Returns
 * the record as read back ("" for none, or when the store threw), and "" or why it is not stored.
 */
export async function writeRecord(store: KeyValueStore, key: string, value: string, budget: SendBudget, clock: PersistClock): Promise<string[]> {
    try {
        await charge(budget, clock)
        await store.write(key, value)
        const back = await readKey(store, key, budget, clock)
        return [back, back === value ? "" : `${key} read back ${back === "" ? "nothing" : "another record"}`]
    } catch (e: any) {
        return ["", `${key}: ${e.message}`]
    }
}

export interface LoadedLedger {
    entries: LedgerEntry[]
    /** "" or why the stored ledger cannot be trusted (the core latches settings_invalid) */
    error: string
    /** per area, the record as stored ("" for none) */
    records: string[]
}

/** a read that throws gives "?", which no decoder accepts, so it is reported like a bad record */
async function readOrBad(store: KeyValueStore, key: string, budget: SendBudget, clock: PersistClock): Promise<string> {
    try {
        return await readKey(store, key, budget, clock)
    } catch (e) {
        return "?"
    }
}

/**
 * Reads every area's record: copy 0, and copy 1 only where copy 0 is missing or does not decode
 * (`good` says whether a record decodes). Returns the records in use, "" for none.
 */
async function readAll(store: KeyValueStore, prefix: string, n: number, budget: SendBudget, clock: PersistClock, good: (i: number, s: string) => boolean): Promise<string[]> {
    const out: string[] = []
    for (let i = 0; i < n; i++) {
        let s = await readOrBad(store, copyKey(prefix, i, 0), budget, clock)
        if (s === "" || !good(i, s)) {
            const second = await readOrBad(store, copyKey(prefix, i, 1), budget, clock)
            // the second copy when it decodes, or when the first is simply missing
            if (good(i, second) || s === "") s = second
        }
        out.push(s)
    }
    return out
}

/** writes both copies of a record, each read back: [the record as read back, "" or why not stored] */
async function writeBoth(store: KeyValueStore, prefix: string, i: number, value: string, budget: SendBudget, clock: PersistClock): Promise<string[]> {
    const r = await writeRecord(store, copyKey(prefix, i, 0), value, budget, clock)
    if (r[1] !== "") return r
    return await writeRecord(store, copyKey(prefix, i, 1), value, budget, clock)
}

/** reads every area's ledger record at boot; a record that cannot be read or decoded is an error */
export async function loadLedger(store: KeyValueStore, areaIds: string[], budget: SendBudget, clock: PersistClock): Promise<LoadedLedger> {
    const good = (i: number, s: string) => !!decodeLedgerEntry(areaIds[i], s).entry
    const out: LoadedLedger = { entries: [], error: "", records: await readAll(store, "lg", areaIds.length, budget, clock, good) }
    for (let i = 0; i < areaIds.length; i++) {
        if (out.records[i] === "") continue
        const d = decodeLedgerEntry(areaIds[i], out.records[i])
        if (d.entry) out.entries.push(d.entry)
        else if (out.error === "") out.error = d.error
    }
    return out
}

export interface LoadedPresets {
    /** per area: the stored preset, or undefined (none stored, or a bad record) */
    presets: Preset[]
    /** per area: "" or why its record was not used */
    errors: string[]
    /** per area: the record as stored ("" for none), so unchanged records are not written again */
    records: string[]
}

/** reads every area's preset record (at boot, before the control loop runs) */
export async function loadPresets(store: KeyValueStore, areaIds: string[], budget: SendBudget, clock: PersistClock): Promise<LoadedPresets> {
    const good = (i: number, s: string) => !!decodePresetRecord(areaIds[i], s).preset
    const out: LoadedPresets = { presets: [], errors: [], records: await readAll(store, "ps", areaIds.length, budget, clock, good) }
    for (let i = 0; i < areaIds.length; i++) {
        const d = out.records[i] === "" ? { preset: undefined as Preset, error: "" } : decodePresetRecord(areaIds[i], out.records[i])
        out.presets.push(d.preset)
        out.errors.push(d.error)
    }
    return out
}

/**
 * Writes every area whose preset record changed and reads it back; `records` holds what the store
 * has (updated as it goes). Waits for packet budget: call it from a fiber of its own, never from a
 * timer. Returns "" or what failed.
 */
export async function savePresets(
    store: KeyValueStore, areaIds: string[], presets: Preset[], records: string[], budget: SendBudget, clock: PersistClock
): Promise<string> {
    for (let i = 0; i < areaIds.length; i++) {
        const s = encodePresetRecord(areaIds[i], presets[i])
        if (records[i] === s) continue
        const r = await writeBoth(store, "ps", i, s, budget, clock)
        records[i] = r[0]
        if (r[1] !== "") return `preset record for ${areaIds[i]} not stored: ${r[1]}`
    }
    return ""
}

export interface LoadedCartridge {
    /** the stored cartridge id; "" when none is stored or its record is bad (the profile's applies) */
    cartridgeId: string
    /** "" or why the stored record was not used (both copies bad) */
    error: string
    /** the record as stored ("" for none) */
    record: string
}

/** the cartridge record's key prefix: copies "ct0" and "ct0b" */
const CARTRIDGE_KEY = "ct"

/**
 * Reads the cartridge choice at boot, first copy then second. Which ids exist is the core's call
 * (PenOptions.cartridgeId); a record that does not decode is reported and not used.
 */
export async function loadCartridge(store: KeyValueStore, budget: SendBudget, clock: PersistClock): Promise<LoadedCartridge> {
    const good = (i: number, s: string) => decodeCartridgeRecord(s).error === ""
    const rec = (await readAll(store, CARTRIDGE_KEY, 1, budget, clock, good))[0]
    if (rec === "") return { cartridgeId: "", error: "", record: "" }
    const d = decodeCartridgeRecord(rec)
    return { cartridgeId: d.cartridgeId, error: d.error, record: rec }
}

/**
 * Stores the cartridge choice in both copies, each read back (nothing when `record`, what the store
 * holds, is already it). Waits for packet budget: from a fiber of its own. [the record as stored,
 * "" or what failed]. After a failure the record returned is "": the copies may differ, and the
 * next save must write both (a save skipped on one copy's record left the other copy's cartridge
 * to be restored at boot)
 */
export async function saveCartridge(store: KeyValueStore, cartridgeId: string, record: string, budget: SendBudget, clock: PersistClock): Promise<string[]> {
    const s = encodeCartridgeRecord(cartridgeId)
    if (s === record) return [s, ""]
    const r = await writeBoth(store, CARTRIDGE_KEY, 0, s, budget, clock)
    if (r[1] === "") return r
    return ["", `cartridge record not stored: ${r[1]}`]
}

/** the calibration record's key prefix: copies "cb0" and "cb0b" */
const CALIBRATION_KEY = "cb"

/**
 * Reads the pen's own calibration record at boot, first copy then second (one that decodes for the
 * force conversion `basis`, else the first): the record ("" none stored). Whether it decodes and may be used is the caller's (drivers/calibration.ts).
 */
export async function loadCalibration(store: KeyValueStore, basis: number, budget: SendBudget, clock: PersistClock): Promise<string> {
    const good = (i: number, s: string) => decodeCalibrationRecord(s, basis).error === ""
    return (await readAll(store, CALIBRATION_KEY, 1, budget, clock, good))[0]
}

/** Stores a calibration record ("": none, the profile's) in both copies, each read back; from a fiber of its own: "" or what failed */
export async function saveCalibration(store: KeyValueStore, value: string, budget: SendBudget, clock: PersistClock): Promise<string> {
    return (await writeBoth(store, CALIBRATION_KEY, 0, value, budget, clock))[1]
}

/** some area's reservation (moved either way) is not the one its record holds */
function unstored(entries: LedgerEntry[], stored: number[]): boolean {
    for (let i = 0; i < entries.length; i++) if (entries[i].reservedPunctures !== stored[i]) return true
    return false
}

/**
 * The dose ledger's save policy. Call save() often (every ~100 ms) from one fiber of its own (one
 * call at a time), and error() from anywhere: it never waits.
 */
export class LedgerSaver {
    /** per area, the record the store holds (as read back) */
    private records: string[] = []
    /** per area, the dose reservation in that record (punctures) */
    private storedReserve: number[] = []
    /** the ledger version last seen (set by the constructor) */
    private seenVersion: number
    /** undefined (false) until set: no initialiser, it costs firmware bytes */
    private dirty: boolean
    /** when a reservation not yet in the store (moved either way) was first seen; -1 while every one is stored */
    private passSinceMs = -1
    private lastSaveMs = -1e9
    private fails = 0
    private retryAtMs = 0
    private lastError = ""

    /**
     * `records`: per area what loadLedger read ("" for none); `entries`: the ledger the pen booted
     * with (a missing record reads as its empty entry, so an empty entry needs no write)
     */
    constructor(private store: KeyValueStore, private budget: SendBudget, private clock: PersistClock, records: string[], entries: LedgerEntry[], version: number) {
        this.seenVersion = version
        for (let i = 0; i < entries.length; i++) {
            this.records.push(records[i] !== "" ? records[i] : encodeLedgerEntry(entries[i]))
            this.storedReserve.push(entries[i].reservedPunctures)
            // a record of the pass-counting firmware (migrated by the core) is rewritten at once,
            // both copies, so the store never holds the old form beside the new
            const d = records[i] !== "" ? decodeLedgerEntry(entries[i].areaId, records[i]).entry : undefined
            if (d && d.legacyPasses !== undefined) {
                this.storedReserve[i] = -1
                this.dirty = true
            }
        }
    }

    /**
     * "" while the ledger is safely stored; else why not (PenInputs.storeError). It looks at the
     * reservations itself, so a save that hangs (or a saving fiber that died) still shows.
     */
    error(nowMs: number, entries: LedgerEntry[]): string {
        if (this.passSinceMs < 0) if (unstored(entries, this.storedReserve)) this.passSinceMs = nowMs
        if (this.fails >= FAILS_BEFORE_ERROR) return `${this.fails} saves failed, last: ${this.lastError}`
        if (this.passSinceMs >= 0 && nowMs - this.passSinceMs > PASS_UNSTORED_MAX_MS)
            return `a new dose reservation not stored for ${Math.round((nowMs - this.passSinceMs) / 1000)} s${this.lastError !== "" ? `: ${this.lastError}` : ""}`
        return ""
    }

    /**
     * the dose delivered on some area has passed the reservation its record holds (read back), or
     * has no room under it while a new one waits to be written: the core holds the needle until the
     * new one is stored (PenInputs.storeBehind)
     */
    behind(entries: LedgerEntry[]): boolean {
        for (let i = 0; i < entries.length; i++) {
            const e = entries[i]
            const stored = this.storedReserve[i]
            if (e.punctures > stored) return true
            // a new reservation waits for the store while the store holds only the dose (settled, or
            // nothing yet): the first stroke would pass it, so the needle waits for the write
            if (e.reservedPunctures > stored) if (!(Math.ceil(e.punctures) < stored)) return true
        }
        return false
    }

    /** saves what is due: a reservation that moved at once, other changes at most every LAZY_SAVE_MS, a failure after its backoff */
    async save(entries: LedgerEntry[], version: number): Promise<void> {
        // the arrays and the clock are this saver's for its life: read once (fewer firmware bytes)
        const clock = this.clock
        const stored = this.storedReserve
        const records = this.records
        const now = clock.nowMs()
        if (version !== this.seenVersion) {
            this.seenVersion = version
            this.dirty = true
            if (this.passSinceMs < 0) if (unstored(entries, stored)) this.passSinceMs = now
        }
        if (!this.dirty || now < this.retryAtMs) return
        if (this.passSinceMs < 0 && now - this.lastSaveMs < LAZY_SAVE_MS) return
        this.lastSaveMs = now
        let err = ""
        for (let i = 0; i < entries.length && err === ""; i++) {
            const reserve = entries[i].reservedPunctures
            const s = encodeLedgerEntry(entries[i])
            if (s === records[i]) continue
            // a change of the reservation goes to both copies; a change that grants nothing (treated
            // time, too-hard presses) only to the first: the second keeps the reservation as it is,
            // so a loss of the first still boots with it (half the flash wear: bench/flashwear.ts)
            const was = stored[i]
            // a lower reservation counts from the first write on: a loss mid-way may boot with it
            if (reserve < was) stored[i] = reserve
            const r = reserve !== was
                ? await writeBoth(this.store, "lg", i, s, this.budget, clock)
                : await writeRecord(this.store, copyKey("lg", i, 0), s, this.budget, clock)
            // stored only if read back
            if (r[1] === "") {
                records[i] = s
                stored[i] = reserve
            } else {
                // unknown or wrong: never equal to a record, so it is written again
                records[i] = "?"
                err = `ledger record for ${entries[i].areaId}: ${r[1]}`
            }
        }
        if (err !== "") {
            this.fails++
            this.lastError = err
            this.retryAtMs = clock.nowMs() + Math.min(RETRY_FIRST_MS << Math.min(this.fails - 1, 8), RETRY_MAX_MS)
            return
        }
        this.fails = 0
        this.lastError = ""
        // changes made while the records were written show up as a new version next time
        this.dirty = false
        this.passSinceMs = unstored(entries, stored) ? now : -1
    }
}
