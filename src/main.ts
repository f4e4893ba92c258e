// Pen firmware entry: binds the hardware roles, restores the pass ledger, and runs the control
// core every control.tickMs and on every force sample (the over-pressure fast path).
import * as ds from "@devicescript/core"
import { PressTracker } from "../drivers/buttons"
import { PenHardware } from "../drivers/hardware"
import { loadLedger, saveLedger } from "../drivers/store"
import { Pen } from "./core/pen"
import { encodeLedgerEntry } from "./core/records"
import { ledgerLine, statusLine } from "./core/statusline"
import { FACTORY_PROFILE } from "./profile.g"

const profile = FACTORY_PROFILE
const ids: string[] = []
for (const a of profile.areas) ids.push(a.id)

let pen: Pen | undefined = undefined
let running = false
let again = false
let lastStatusMs = 0
let lastStepMs = -1
let worstGapMs = 0
let savedVersion = -1
const savedRecords: string[] = []
const trigger = new PressTracker(profile.control.clearHoldMs, 20)
const areaButton = new PressTracker(profile.control.clearHoldMs, 20)

const hw = new PenHardware(profile, async () => {
    await control()
})

/** one control step; re-entrant calls fold into one more step so writes stay in order */
async function control() {
    if (!pen) return
    if (running) {
        again = true
        return
    }
    running = true
    again = true
    while (again) {
        again = false
        await step(pen)
    }
    running = false
}

async function step(p: Pen) {
    const now = ds.millis()
    hw.inputs.nowMs = now
    const g = trigger.update(now, hw.latch.triggerPressed)
    if (g === "short") p.command(now, { kind: "toggle_arm" })
    else if (g === "hold") p.command(now, { kind: "clear_fault" })
    if (areaButton.update(now, hw.latch.areaPressed) === "short") p.command(now, { kind: "next_area" })
    const out = p.tick(hw.inputs)
    await hw.apply(out, now)
    const gap = lastStepMs < 0 ? 0 : now - lastStepMs
    lastStepMs = now
    if (gap > worstGapMs) worstGapMs = gap
    for (const e of p.takeEvents()) console.log(`EVENT ${e.kind} ${e.message}`)
    if (now - lastStatusMs >= profile.control.statusEveryMs) {
        lastStatusMs = now
        console.log(`STATUS ${statusLine(p.status())} gapmax=${worstGapMs}`)
        worstGapMs = 0
    }
}

/** the settings store is slow (write + read-back): it runs beside the control loop, never in it */
async function persist() {
    if (!pen || pen.ledgerVersion() === savedVersion) return
    savedVersion = pen.ledgerVersion()
    const entries = pen.ledgerEntries()
    for (const e of entries) {
        const pr = pen.preset(e.areaId)
        if (e.passes > 0 || e.overPressureCount > 0) console.log(`LEDGER ${ledgerLine(e, pr ? pr.passLimit : 0)}`)
    }
    const err = await saveLedger(entries, savedRecords)
    if (err !== "") console.log(`EVENT error settings: ${err}`)
}

async function boot() {
    const stored = await loadLedger(ids)
    pen = new Pen(profile, { ledger: stored.entries, settingsError: stored.error })
    // what is in the store now: unchanged records are not written again
    for (const e of pen.ledgerEntries()) savedRecords.push(e.passes > 0 || e.treatedMs > 0 || e.overPressureCount > 0 ? encodeLedgerEntry(e) : "")
    savedVersion = pen.ledgerVersion()
    console.log(`BOOT ${profile.name}, ${ids.length} areas, tick ${profile.control.tickMs} ms`)
    setInterval(async () => {
        await control()
    }, profile.control.tickMs)
    setInterval(async () => {
        await persist()
    }, 100)
}

await boot()
