// Flash wear from the settings store: how many records the firmware's own save policy
// (drivers/persist.ts LedgerSaver, the code the firmware runs) writes in a 30-minute session, per
// year at a stated use, and what that does to the ESP32's SPI flash.
//
// The ledger timeline comes from the closed loop (sim/closedloop.ts) playing the full-face session
// (sim/scenarios/session.ts), sampled every PERSIST_EVERY_MS as the firmware's persist loop does,
// then replayed through the LedgerSaver against a counting store on the same virtual clock. A
// second, synthetic timeline is the worst use we could think of: a too-hard press every second for
// the whole session (each one changes the ledger) and a new pass every two minutes.
//
// The flash model is stated in the notes: what jacdac-c's settings store (jd_fstor.c, read, not
// measured) does with a write, and the conservative model of the issue (every write lands on one
// 4 KB page, no wear levelling).
import type { Profile } from "../core/profile"
import { SendBudget } from "../drivers/budget"
import { KeyValueStore, LAZY_SAVE_MS, LedgerSaver, PASS_UNSTORED_MAX_MS } from "../drivers/persist"
import { encodeLedgerEntry } from "../core/records"
import { LedgerEntry } from "../core/types"
import { runClosedLoop } from "../sim/closedloop"
import { fullFaceSession } from "../sim/scenarios"
import { pathToFileURL } from "node:url"
import { FACTORY_PROFILE } from "../src/profile.g"
import { table } from "./report"
import { Row, Section, f, progress, verdict } from "./lib"

/** how often the firmware's persist loop runs (src/main.ts persistLoop) */
export const PERSIST_EVERY_MS = 100
/** the stated use: a busy clinic */
export const SESSIONS_PER_DAY = 8
export const DAYS_PER_YEAR = 250
export const SESSION_MS = 30 * 60 * 1000
/** program/erase cycles per sector of the GD25Q/W25Q SPI NOR flash on ESP32 modules (datasheets) */
export const FLASH_CYCLES = 100000
export const PAGE_BYTES = 4096
/** jd_fstor.c: an entry (15-character key + NUL, offset, size) per write, the value 8-byte aligned */
export const FSTOR_ENTRY_BYTES = 24
/** jd_fstor.c with JD_SETTINGS_LARGE: each of its two header copies is 1/16 of the 256 KB store */
export const FSTOR_COPY_PAGES = 4
/** keys live in the store besides the ledger (7 presets, the program's entry, a margin) */
export const FSTOR_OTHER_KEYS = 10
/** goal: the flash outlives the pen by a wide margin under the conservative model */
export const WEAR_GOAL_YEARS = 10

export interface Snapshot {
    nowMs: number
    version: number
    entries: LedgerEntry[]
}

class CountingStore implements KeyValueStore {
    data = new Map<string, string>()
    writes = 0
    bytes = 0
    async read(key: string) {
        return this.data.get(key) ?? ""
    }
    async write(key: string, value: string) {
        this.writes++
        // writeSetting stores JSON: the record plus two quotes
        this.bytes += JSON.stringify(value).length
        this.data.set(key, value)
    }
}

/** replays a ledger timeline through the firmware's save policy; the records it writes */
export async function writesFor(areaIds: string[], timeline: Snapshot[]): Promise<{ writes: number; meanValueBytes: number }> {
    const store = new CountingStore()
    const clock = { now: 0, nowMs: () => clock.now, sleep: async (ms: number) => { clock.now += ms } }
    const empty = areaIds.map((id) => ({ areaId: id, punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 0, overPressureCount: 0 }))
    const saver = new LedgerSaver(store, new SendBudget(), clock, areaIds.map(() => ""), empty, 0)
    for (const s of timeline) {
        clock.now = Math.max(clock.now, s.nowMs)
        await saver.save(s.entries, s.version)
    }
    // what is still due at the end of the session is written too
    for (let t = 0; t < LAZY_SAVE_MS + PASS_UNSTORED_MAX_MS; t += PERSIST_EVERY_MS) {
        clock.now += PERSIST_EVERY_MS
        await saver.save(timeline[timeline.length - 1].entries, timeline[timeline.length - 1].version)
    }
    return { writes: store.writes, meanValueBytes: store.writes > 0 ? store.bytes / store.writes : 0 }
}

/** the full-face session on the closed loop, sampled as the firmware's persist loop samples it */
export function sessionTimeline(profile: Profile): Snapshot[] {
    const out: Snapshot[] = []
    let next = 0
    runClosedLoop(profile, fullFaceSession(), {
        traceEveryMs: 0,
        onControl: (nowMs, pen) => {
            if (nowMs < next) return
            next = nowMs + PERSIST_EVERY_MS
            out.push({ nowMs, version: pen.ledgerVersion(), entries: pen.ledgerEntries().map((e) => ({ ...e })) })
        },
    })
    return out
}

/**
 * the worst use: needling without a pause at 150 strokes/s (the highest rate) with the default
 * cartridge until the area locks, the area changed every 6 minutes, a too-hard press every second, for 30 minutes; the
 * stored reservation moves every dose.reservePasses of an area's pass (core/ledger.ts)
 */
export function worstTimeline(profile: Profile): Snapshot[] {
    const out: Snapshot[] = []
    const areas = profile.areas
    const e = areas.map((a) => ({ areaId: a.id, punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 0, overPressureCount: 0 }))
    const cart = profile.cartridges.find((c) => c.id === profile.dose.cartridge)
    const needles = cart ? cart.needles : 12
    let version = 0
    for (let t = 0; t <= SESSION_MS; t += PERSIST_EVERY_MS) {
        const i = Math.floor(t / (6 * 60000)) % areas.length
        const perPass = areas[i].areaCm2 * areas[i].passDensityPerCm2
        const x = e[i]
        // an area takes dose up to its limit: then it locks (a new session is a new day's treatment)
        if (x.passes < areas[i].preset.passLimit) x.punctures += (150 * needles * PERSIST_EVERY_MS) / 1000
        x.passes = x.punctures / perPass
        if (x.punctures >= x.reservedPunctures) {
            x.reservedPunctures = Math.ceil(x.punctures) + Math.ceil(perPass * profile.dose.reservePasses)
            version++
        }
        if (t % 1000 === 0) {
            x.overPressureCount++
            version++
        }
        x.treatedMs += PERSIST_EVERY_MS
        out.push({ nowMs: t, version, entries: e.map((y) => ({ ...y })) })
    }
    return out
}

export interface Wear {
    perSession: number
    perYear: number
    /** bytes one write adds to the store's log (entry + value, 8-aligned) */
    writeBytes: number
    /** jd_fstor model: writes between two erases of one page */
    writesPerEraseFstor: number
    /** conservative model: one 4 KB page, erased every PAGE_BYTES / writeBytes writes */
    writesPerEraseOnePage: number
    yearsFstor: number
    yearsOnePage: number
}

export function wear(perSession: number, meanValueBytes: number): Wear {
    const writeBytes = FSTOR_ENTRY_BYTES + Math.ceil(meanValueBytes / 8) * 8
    const copyBytes = FSTOR_COPY_PAGES * PAGE_BYTES
    const live = (7 + FSTOR_OTHER_KEYS) * writeBytes
    // a GC erases the other copy (every page of it once) and compacts the live keys into it: one
    // copy is erased every second GC
    const writesPerGc = Math.floor((copyBytes - 32 - live) / writeBytes)
    const writesPerEraseFstor = 2 * writesPerGc
    const writesPerEraseOnePage = Math.floor(PAGE_BYTES / writeBytes)
    const perYear = perSession * SESSIONS_PER_DAY * DAYS_PER_YEAR
    return {
        perSession, perYear, writeBytes, writesPerEraseFstor, writesPerEraseOnePage,
        yearsFstor: (FLASH_CYCLES * writesPerEraseFstor) / perYear,
        yearsOnePage: (FLASH_CYCLES * writesPerEraseOnePage) / perYear,
    }
}

function row(id: string, what: string, w: Wear): Row {
    return {
        id,
        what,
        figure: `${w.perSession} record writes per 30-min session, ${f(w.perYear, 0)} per year; ` +
            `flash lasts ${f(w.yearsOnePage, 0)} years (one page, no levelling) / ${f(w.yearsFstor, 0)} years (jd_fstor model)`,
        goal: `≥ ${WEAR_GOAL_YEARS} years at ${FLASH_CYCLES / 1000}k cycles, conservative model`,
        verdict: verdict(w.yearsOnePage >= WEAR_GOAL_YEARS),
        values: { ...w },
    }
}

export async function benchFlashWear(profile: Profile, quiet = false): Promise<Section> {
    const t0 = performance.now()
    const ids = profile.areas.map((a) => a.id)
    const session = await writesFor(ids, sessionTimeline(profile))
    const worst = await writesFor(ids, worstTimeline(profile))
    const ws = wear(session.writes, session.meanValueBytes)
    const ww = wear(worst.writes, worst.meanValueBytes)
    progress(quiet, `flash wear: ${ws.perSession} writes per session, ${ww.perSession} at the worst use`)
    const sample = JSON.stringify(encodeLedgerEntry({ areaId: "periorbital", punctures: 30720, reservedPunctures: 32256, passes: 2, treatedMs: 120000, overPressureCount: 2 }))
    return {
        title: "Flash wear (settings store)",
        rows: [
            row("flashwear.session", "Flash wear: ledger writes in the 30-min full-face session (closed loop, firmware save policy)", ws),
            row("flashwear.worst", "Flash wear, worst use: needling without a pause at 150 strokes/s and a too-hard press every second for 30 min", ww),
        ],
        notes: [
            `Writes counted by replaying a ledger timeline through drivers/persist.ts (LedgerSaver, the firmware's code) on a ` +
                `virtual clock, sampled every ${PERSIST_EVERY_MS} ms as src/main.ts does: a reservation that moves is written at once ` +
                `(ahead of the dose every dose.reservePasses, back to the dose when the pen is disarmed off the skin, a new session), ` +
                `other changes (treated time, too-hard presses) at most every ${LAZY_SAVE_MS / 1000} s; an unchanged ` +
                `record is never written. The session disarms once, at its end; each further disarm and arm costs up to 4 records ` +
                `per area reserved while armed (back to the dose, then a step ahead again, both copies). Presets are written only on the console's \`save\` (not counted; a few per week).`,
            `Use: ${SESSIONS_PER_DAY} sessions a day, ${DAYS_PER_YEAR} days a year. Endurance: ${FLASH_CYCLES / 1000}k program/erase ` +
                `cycles per 4 KB sector (GD25Q/W25Q datasheets, the flash on ESP32 modules).`,
            `A write appends ${FSTOR_ENTRY_BYTES} B of index entry plus the value (${sample}, 8-byte aligned): ` +
                `${ws.writeBytes} B. Conservative model (the issue's): all of it on one 4 KB page, erased every ` +
                `${ws.writesPerEraseOnePage} writes. jd_fstor model (jacdac-c source/jd_fstor.c, read, not measured on a board): ` +
                `settings live in two ${FSTOR_COPY_PAGES}-page copies; when one is full the other is erased and the live keys copied ` +
                `into it, so a page is erased once per ~${ws.writesPerEraseFstor} writes.`,
        ],
        wallMs: performance.now() - t0,
    }
}

// `npx tsx bench/flashwear.ts`: this section alone (npm run bench runs it with the others)
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
    const s = await benchFlashWear(FACTORY_PROFILE)
    console.log(table(s.rows))
    console.log("")
    console.log(s.notes.join("\n\n"))
}
