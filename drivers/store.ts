// The pass ledger in the settings store: one checksummed record per area ("lg<index>").
// A bad record is reported (the core latches settings_invalid) rather than read as zero passes.
import * as ds from "@devicescript/core"
import { readSetting, writeSetting } from "@devicescript/settings"
import { SendBudget } from "./budget"
import { decodeLedgerEntry, encodeLedgerEntry } from "../src/core/records"
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
