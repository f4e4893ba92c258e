// The settings store: one checksummed record per area for the pass ledger ("lg<index>") and one
// for the saved preset ("ps<index>"). Store facts (docs): keys of at most 13 characters, values
// over ~230 bytes crash the VM, a full store fails silently, values carry no checksum and numbers
// keep ~6 digits. So records are short integer strings with a version and a checksum
// (src/core/records.ts), and every write is read back.
// A bad ledger record is reported (the core latches settings_invalid) rather than read as zero
// passes; a bad preset record is reported and its area falls back to the factory preset.
import * as ds from "@devicescript/core"
import { readSetting, writeSetting } from "@devicescript/settings"
import { COST_MS, SendBudget } from "./budget"
import { decodeLedgerEntry, decodePresetRecord, encodeLedgerEntry, encodePresetRecord } from "../src/core/records"
import { Preset } from "../src/core/profile"
import { LedgerEntry } from "../src/core/types"

export interface LoadedLedger {
    entries: LedgerEntry[]
    error: string
}

export async function loadLedger(areaIds: string[]): Promise<LoadedLedger> {
    const entries: LedgerEntry[] = []
    let error = ""
    for (let i = 0; i < areaIds.length; i++) {
        const s: string = await readSetting(`lg${i}`, "")
        if (s === "" || typeof s !== "string") continue
        const d = decodeLedgerEntry(areaIds[i], s)
        if (d.entry) entries.push(d.entry)
        else if (error === "") error = d.error
    }
    return { entries: entries, error: error }
}

/** writes every area whose record changed, then reads it back */
export async function saveLedger(entries: LedgerEntry[], last: string[], budget: SendBudget): Promise<string> {
    for (let i = 0; i < entries.length; i++) {
        const s = encodeLedgerEntry(entries[i])
        if (last[i] === s) continue
        // an empty record needs no write unless one is stored
        if (last[i] === "" && entries[i].passes === 0 && entries[i].treatedMs === 0 && entries[i].overPressureCount === 0) continue
        budget.spend(ds.millis())
        await writeSetting(`lg${i}`, s)
        budget.spend(ds.millis())
        const back: string = await readSetting(`lg${i}`, "")
        if (back !== s) return `ledger record for ${entries[i].areaId} did not read back (store full?)`
        last[i] = s
    }
    return ""
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
export async function loadPresets(areaIds: string[], budget: SendBudget): Promise<LoadedPresets> {
    const out: LoadedPresets = { presets: [], errors: [], records: [] }
    for (let i = 0; i < areaIds.length; i++) {
        budget.spend(ds.millis())
        const s: string = await readSetting(`ps${i}`, "")
        let p: Preset = undefined
        let err = ""
        let rec = ""
        if (typeof s === "string" && s !== "") {
            const d = decodePresetRecord(areaIds[i], s)
            p = d.preset
            err = d.error
            rec = s
        }
        out.presets.push(p)
        out.errors.push(err)
        out.records.push(rec)
    }
    return out
}

/**
 * Writes every area whose preset record changed and reads it back. Waits for packet budget
 * (two packets, two kept in reserve for the needle stop), so call it from a fiber of its own,
 * never from a timer. Returns "" or what failed.
 */
export async function savePresets(areaIds: string[], presets: Preset[], last: string[], budget: SendBudget): Promise<string> {
    for (let i = 0; i < areaIds.length; i++) {
        const s = encodePresetRecord(areaIds[i], presets[i])
        if (last[i] === s) continue
        while (!budget.allows(ds.millis(), 2, 2)) await ds.sleep(COST_MS)
        budget.spend(ds.millis())
        await writeSetting(`ps${i}`, s)
        budget.spend(ds.millis())
        const back: string = await readSetting(`ps${i}`, "")
        if (back !== s) {
            last[i] = typeof back === "string" ? back : ""
            return `preset record for ${areaIds[i]} did not read back (store full?)`
        }
        last[i] = s
    }
    return ""
}
