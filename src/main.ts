// Pen firmware entry: binds the hardware roles, restores the pass ledger and the saved presets,
// runs the control core every control.tickMs and on every force sample (the over-pressure fast
// path), and serves the console service (drivers/console-server.ts) for `npm run console`.
import * as ds from "@devicescript/core"
import { PressTracker } from "../drivers/buttons"
import { startPenConsole } from "../drivers/console-server"
import { PenHardware } from "../drivers/hardware"
import { loadLedger, loadPresets, saveLedger, savePresets } from "../drivers/store"
import { FLAG_STORE_ERROR } from "../drivers/wire"
import { Pen } from "./core/pen"
import { encodeLedgerEntry } from "./core/records"
import { ledgerLine, statusLine } from "./core/statusline"
import { PenStatus } from "./core/types"
import { FACTORY_PROFILE } from "./profile.g"

const profile = FACTORY_PROFILE
const ids: string[] = []
for (const a of profile.areas) ids.push(a.id)

let pen: Pen | undefined = undefined
let lastStatusMs = 0
let lastStepMs = -1
let worstGapMs = 0
let worstDecideMs = 0
let decisions = 0
let savedVersion = -1
const savedRecords: string[] = []
/** preset records as in the store (what loadPresets read, then what savePresets wrote) */
let presetRecords: string[] = []
let storeError = false
const trigger = new PressTracker(profile.control.clearHoldMs, 20)
const areaButton = new PressTracker(profile.control.clearHoldMs, 20)

const hw = new PenHardware(profile, () => {
    decide()
})

// For board entries that add optional drivers (boards/*.main.ts): the on-pen display reads the
// status, a load cell feeds force through the hardware's external-force input.
export const hardware = hw
export function penStatus(): PenStatus | undefined {
    return pen ? pen.status() : undefined
}

/**
 * One control decision: buttons, core tick, log. Synchronous, so it runs on time even while a
 * bus write is slow; the writes happen in hw.flush().
 */
function decide() {
    const p = pen
    if (!p) return
    const now = ds.millis()
    hw.inputs.nowMs = now
    const g = trigger.update(now, hw.latch.triggerPressed)
    if (g === "short") p.command(now, { kind: "toggle_arm" })
    else if (g === "hold") p.command(now, { kind: "clear_fault" })
    if (areaButton.update(now, hw.latch.areaPressed) === "short") p.command(now, { kind: "next_area" })
    hw.decide(p.tick(hw.inputs), now)
    hw.wake()
    decisions++
    const gap = lastStepMs < 0 ? 0 : now - lastStepMs
    lastStepMs = now
    if (gap > worstGapMs) worstGapMs = gap
    for (const e of p.takeEvents()) console.log(`EVENT ${e.kind} ${e.message}`)
    const took = ds.millis() - now
    if (took > worstDecideMs) worstDecideMs = took
    if (now - lastStatusMs >= profile.control.statusEveryMs) {
        // loop health: decisions per second, longest gap between two, longest single decision
        const tps = Math.round((decisions * 1000) / (now - lastStatusMs))
        console.log(`STATUS ${statusLine(p.status())} tps=${tps} gapmax=${worstGapMs} tickmax=${worstDecideMs}`)
        lastStatusMs = now
        worstGapMs = 0
        worstDecideMs = 0
        decisions = 0
    }
}

/** passes recorded in the store, so a new pass is saved at once and other changes lazily */
let savedPasses = -1
let lastSaveMs = 0

/**
 * The settings store is slow (a write and a read-back, two packets): it runs beside the control
 * loop, never in it, and only when the packet budget keeps room for a needle stop. A new pass is
 * saved at once (a power cycle must not grant it again); treated time and too-hard presses at
 * most every 2 s.
 */
async function persist() {
    if (!pen || pen.ledgerVersion() === savedVersion) return
    const entries = pen.ledgerEntries()
    let passes = 0
    for (const e of entries) passes += e.passes
    const now = ds.millis()
    if (passes === savedPasses && now - lastSaveMs < 2000) return
    if (!hw.budget.allows(now, 2, 2)) return
    savedVersion = pen.ledgerVersion()
    savedPasses = passes
    lastSaveMs = now
    for (const e of entries) {
        const pr = pen.preset(e.areaId)
        if (e.passes > 0 || e.overPressureCount > 0) console.log(`LEDGER ${ledgerLine(e, pr ? pr.passLimit : 0)}`)
    }
    const err = await saveLedger(entries, savedRecords, hw.budget)
    if (err !== "") console.log(`EVENT error settings: ${err}`)
}

/** the console's save: the core's saved presets into the store, each record read back */
async function storePresets(): Promise<string> {
    if (!pen) return "the pen is still starting"
    const err = await savePresets(ids, pen.savedPresets(), presetRecords, hw.budget)
    storeError = err !== ""
    if (err !== "") console.log(`EVENT error settings: ${err}`)
    else console.log(`EVENT info presets stored`)
    return err
}

async function boot() {
    const stored = await loadLedger(ids)
    const presets = await loadPresets(ids, hw.budget)
    presetRecords = presets.records
    pen = new Pen(profile, {
        ledger: stored.entries, settingsError: stored.error, presets: presets.presets, presetErrors: presets.errors,
    })
    // what is in the store now: unchanged records are not written again
    for (const e of pen.ledgerEntries()) savedRecords.push(e.passes > 0 || e.treatedMs > 0 || e.overPressureCount > 0 ? encodeLedgerEntry(e) : "")
    savedVersion = pen.ledgerVersion()
    savedPasses = 0
    for (const e of pen.ledgerEntries()) savedPasses += e.passes
    console.log(`BOOT ${profile.name}, ${ids.length} areas, tick ${profile.control.tickMs} ms`)
    setInterval(() => {
        decide()
    }, profile.control.tickMs)
    hw.writerLoop.start()
    startPenConsole(profile, hw.budget, {
        pen: () => pen,
        storePresets: storePresets,
        flags: () => (storeError ? FLAG_STORE_ERROR : 0),
    })
    setInterval(async () => {
        await persist()
    }, 100)
}

await boot()
