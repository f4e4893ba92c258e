// The pass ledger: passes, treated time and too-hard presses per area in this session.
// It is restored from the settings store at boot so a power cycle grants no fresh passes.
import { LedgerEntry } from "./types"

function countOk(x: number): boolean {
    return typeof x === "number" && x >= 0 && x < 1e9 && Math.floor(x) === x
}

/**
 * "" when restored entries can be trusted, else what is wrong. A negative or non-numeric count
 * would grant fresh passes after a power cycle, so it is reported, never used.
 */
export function checkRestored(restored: LedgerEntry[]): string {
    for (const r of restored) {
        if (!r || typeof r.areaId !== "string") return "stored ledger has an entry without an area"
        if (!countOk(r.passes) || !countOk(r.treatedMs) || !countOk(r.overPressureCount))
            return `stored ledger for ${r.areaId} has a bad count`
    }
    return ""
}

export class Ledger {
    entries: LedgerEntry[] = []
    /** bumps on every change, so the firmware knows when to persist */
    version = 0

    constructor(areaIds: string[], restored?: LedgerEntry[]) {
        for (const id of areaIds) {
            let e: LedgerEntry = { areaId: id, passes: 0, treatedMs: 0, overPressureCount: 0 }
            if (restored)
                for (const r of restored)
                    if (r.areaId === id)
                        e = { areaId: id, passes: r.passes, treatedMs: r.treatedMs, overPressureCount: r.overPressureCount }
            this.entries.push(e)
        }
    }

    entry(i: number): LedgerEntry {
        return this.entries[i]
    }

    countPass(i: number) {
        this.entries[i].passes++
        this.version++
    }

    addTreated(i: number, ms: number) {
        this.entries[i].treatedMs += ms
    }

    /** treated time is persisted at pass end, not every tick */
    touch() {
        this.version++
    }

    countOverPressure(i: number) {
        this.entries[i].overPressureCount++
        this.version++
    }

    clear() {
        for (const e of this.entries) {
            e.passes = 0
            e.treatedMs = 0
            e.overPressureCount = 0
        }
        this.version++
    }
}
