// The dose ledger: per area, the punctures delivered in this session (and from them the passes
// used, a fraction: punctures / the punctures one pass is), treated time and too-hard presses.
// It is restored from the settings store at boot so a power cycle grants no fresh treatment: the
// store holds a reservation that runs reservePasses ahead of the dose delivered while the needle may
// run (reserve()), written before the needle gets there, and brought back to the dose once no dose
// can be added (settle()); a restored ledger starts from that reservation.
import { AreaProfile } from "./profile"
import { LedgerEntry } from "./types"

function countOk(x: number): boolean {
    return typeof x === "number" && x >= 0 && x < 1e9 && Math.floor(x) === x
}

/**
 * "" when restored entries can be trusted, else what is wrong. A negative or non-numeric count
 * would grant fresh treatment after a power cycle, so it is reported, never used.
 */
export function checkRestored(restored: LedgerEntry[]): string {
    for (const r of restored) {
        if (!r || typeof r.areaId !== "string") return "stored ledger has an entry without an area"
        if (!countOk(r.reservedPunctures) || !countOk(r.treatedMs) || !countOk(r.overPressureCount))
            return `stored ledger for ${r.areaId} has a bad count`
        if (r.legacyPasses !== undefined && !countOk(r.legacyPasses)) return `stored ledger for ${r.areaId} has a bad pass count`
    }
    return ""
}

/** the punctures one pass of an area is (1 for an area without valid numbers: its profile is refused anyway) */
export function passPunctures(a: AreaProfile): number {
    const n = a.areaCm2 * a.passDensityPerCm2
    return n > 0 ? n : 1
}

export class Ledger {
    entries: LedgerEntry[] = []
    /** bumps on every change the store must see, so the firmware knows when to persist */
    version = 0
    /** per area: the punctures one pass is, and how far the stored reservation runs ahead */
    private perPass: number[] = []
    private reserveStep: number[] = []
    /** areas whose stored ledger counted passes (firmware before the dose rule), converted here */
    migrated: string[] = []

    constructor(areas: AreaProfile[], reservePasses: number, restored?: LedgerEntry[]) {
        for (const a of areas) {
            const per = passPunctures(a)
            this.perPass.push(per)
            this.reserveStep.push(Math.ceil(per * reservePasses))
            let e: LedgerEntry = { areaId: a.id, punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 0, overPressureCount: 0 }
            if (restored)
                for (const r of restored)
                    if (r.areaId === a.id) {
                        // a restored ledger starts from its reservation: at least the dose delivered
                        let p = r.reservedPunctures
                        if (r.legacyPasses !== undefined) {
                            // a counted pass is taken as a whole pass of dose: never less than was given
                            p = Math.ceil(r.legacyPasses * per)
                            this.migrated.push(a.id)
                        }
                        e = { areaId: a.id, punctures: p, reservedPunctures: p, passes: p / per, treatedMs: r.treatedMs, overPressureCount: r.overPressureCount }
                    }
            this.entries.push(e)
        }
        if (this.migrated.length > 0) this.version++
    }

    /** punctures delivered on area i; the reservation keeps ahead of them (reserve) */
    addPunctures(i: number, n: number) {
        const e = this.entries[i]
        e.punctures += n
        e.passes = e.punctures / this.perPass[i]
        this.reserve(i)
    }

    /**
     * Keeps the stored reservation ahead of the dose: it moves a whole step on once the dose comes
     * within half a step of it, not when it gets there, so the store holds the new one before the
     * dose passes the old (a save and its read-back take ~50 ms, drivers/persist.ts; a power cycle
     * in between would restore less than was delivered). Called on every dose and before the needle
     * may run on an area (arming, selecting it, a needling's start), so the first strokes are
     * covered too. A reservation still more than half a step ahead is left alone: one write per
     * step, never one per touch (flash wear, bench/flashwear.ts).
     */
    reserve(i: number) {
        const e = this.entries[i]
        const step = this.reserveStep[i]
        if (e.punctures + step / 2 < e.reservedPunctures) return
        let want = e.reservedPunctures + step
        const least = Math.ceil(e.punctures) + step
        if (want < least) want = least
        e.reservedPunctures = want
        this.version++
    }

    /**
     * Every area's reservation back to its dose (whole punctures), where it is ahead: only while no
     * dose can be added (pen.ts: disarmed, off the skin, the needle still). A restored ledger starts
     * from the reservation, so one left ahead would come back as dose at every restart, and arming
     * would move it on again: a step never delivered at every restart and arm.
     */
    settle() {
        for (const e of this.entries) {
            const p = Math.ceil(e.punctures)
            if (e.reservedPunctures > p) {
                e.reservedPunctures = p
                this.touch()
            }
        }
    }

    addTreated(i: number, ms: number) {
        this.entries[i].treatedMs += ms
    }

    /** treated time is persisted with the next change, not every tick */
    touch() {
        this.version++
    }

    countOverPressure(i: number) {
        this.entries[i].overPressureCount++
        this.version++
    }

    clear() {
        for (const e of this.entries) {
            e.punctures = 0
            e.reservedPunctures = 0
            e.passes = 0
            e.treatedMs = 0
            e.overPressureCount = 0
        }
        this.version++
    }
}
