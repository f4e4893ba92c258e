// Pen firmware entry: binds the hardware roles, restores the pen's own calibration, the dose
// ledger, the saved presets and the cartridge fitted,
// runs the control core every control.tickMs and on every force sample (the over-pressure fast
// path), and serves the console service (drivers/console-server.ts) for `npm run console`.
import * as ds from "@devicescript/core"
import { CAL_FALLBACK, CAL_PROFILE, CAL_STORED, calibrationNow, tryCalibration, wireUnits } from "../drivers/calibration"
import { startPenConsole } from "../drivers/console-server"
import { PenHardware } from "../drivers/hardware"
import {
    LedgerSaver, loadCalibration, loadCartridge, loadLedger, loadPresets, saveCalibration, saveCartridge, savePresets,
} from "../drivers/persist"
import { ControlStep } from "../drivers/step"
import { dsClock, settingsStore } from "../drivers/store"
import { BUTTON_AREA, BUTTON_TRIGGER, FLAG_CAL_FALLBACK, FLAG_STORE_ERROR, clip } from "../drivers/wire"
import { refuse } from "../core/commands"
import { eventLine, textEvent } from "../core/events"
import { decodeCalibrationRecord, encodeCalibrationRecord } from "../core/records"
import { Pen } from "../core/pen"
import { SelfTest } from "../core/selftest"
import { ledgerLine, statusLine } from "../core/statusline"
import { PenStatus } from "../core/types"
import { SAY_LATE_MS, SAY_MAX } from "../core/limits"
import { checkProfile } from "../core/validate"
import { FACTORY_PROFILE, FSR_BASIS, LOADCELL_BASIS } from "./profile.g"

const profile = FACTORY_PROFILE
/** one Jacdac announce period after start: every device on the bus has announced (ms) */
const BIND_NOW_MS = 500
const ids: string[] = []
for (const a of profile.areas) ids.push(a.id)

let pen: Pen | undefined = undefined
let lastStatusMs = 0
/** the ledger's save policy (drivers/persist.ts); set at boot */
let saver: LedgerSaver | undefined = undefined
/** ledger version last printed as LEDGER lines, and when (at most one print a second: log lines are slow in the VM) */
let printedVersion = -1
let printedMs = 0
/** preset records as in the store (what loadPresets read, then what savePresets wrote) */
let presetRecords: string[] = []
let presetStoreFailed = false
/** the cartridge record as in the store (what loadCartridge read, then what storeCartridge wrote) */
let cartridgeRecord = ""
/** the power-on self-test (core/selftest.ts): run beside the Pen by the step, before arming is allowed */
const selfTest = new SelfTest(profile)
/**
 * Until the Pen exists (the power-on test runs while the settings are read): the step's core,
 * which refuses commands and keeps the outputs the test left, and the test's gate, which hands a
 * verdict to the Pen once there is one (boot() gives it the verdict so far)
 */
const starting = {
    command: () => refuse("the pen is still starting"),
    tick: () => hw.want,
    selfTestVerdict: (now: number, state: string, why: string) => {
        if (pen) pen.selfTestVerdict(now, state, why)
    },
}
/** the pen's own calibration (drivers/calibration.ts): where the one in use came from, why a stored one is not used */
let calSource = CAL_PROFILE
let calNote = ""

const hw = new PenHardware(profile, () => {
    decide()
}, sayAll)
/** the profile's own calibration, and what the console's set_calibration took until it is stored (calOwn: back to the profile's) */
const calOwn = calibrationNow(profile, hw.forceCal)
let calPending = calOwn
/** buttons, core tick, hand-over to the writer: the same step as the closed loop's (drivers/step.ts) */
const step = new ControlStep(profile, hw.inputs, hw.want, hw.writer, ds.millis, () => {
    hw.wake()
})

// For board entries that add optional drivers (boards/*.main.ts): the on-pen display reads the
// status, a load cell feeds force through the hardware's external-force input.
export const hardware = hw
export function penStatus(): PenStatus | undefined {
    return pen ? pen.status() : undefined
}

/**
 * The decisions' log lines (EVENT, STATUS, the self-test's), printed after the writer's pass (its
 * afterPass): the stop leaves before the line that reports it (in the VM a log line is a
 * synchronous write to the host's pipe). The 100 ms timer in boot() prints them only when the
 * writer has not passed for SAY_LATE_MS (a write that hangs on a lost role); a decision prints them
 * itself past SAY_MAX lines (a VM too busy to run either), so no line is lost or held for long.
 */
const saying: string[] = []
/** when the writer's pass (or the timer) last printed */
let saidMs = 0
function sayAll() {
    saidMs = ds.millis()
    while (saying.length > 0) console.log(saying.shift())
}

/**
 * One control decision: the step (buttons, core tick, hand-over to the writer), then its lines.
 * Synchronous, so it runs on time even while a bus write is slow; the writes happen in the
 * writer's fiber (hw.writerLoop).
 */
function decide() {
    const p = pen
    const now = ds.millis()
    step.run(p ? p : starting, now, hw.latch.triggerPressed, hw.latch.areaPressed)
    if (selfTest.takeFinished()) for (const l of selfTest.lines()) saying.push(l)
    if (!p) return
    for (const e of p.takeEvents()) saying.push(eventLine(e))
    step.ended(now, ds.millis())
    if (now - lastStatusMs >= profile.control.statusEveryMs) {
        // loop health (decisions per second, longest gap between two, longest single decision) first:
        // the VM cuts a long log line (a fault's why="..." ran past ~290 characters), and it cuts the end
        const tps = Math.round((step.steps * 1000) / (now - lastStatusMs))
        saying.push(`STATUS tps=${tps} gapmax=${step.worstGapMs} tickmax=${step.worstStepMs} ${statusLine(p.status())}`)
        lastStatusMs = now
        step.newWindow()
    }
    if (saying.length > SAY_MAX) sayAll()
}

/**
 * The dose ledger to the settings store (drivers/persist.ts: a new reservation at once, read back,
 * retried with backoff), in a fiber of its own: a store request waits for packet budget and the
 * store, and must not hold up the timers. The LEDGER lines print what the pen counts.
 */
async function persistLoop() {
    while (true) {
        const p = pen
        const s = saver
        if (p && s) {
            const v = p.ledgerVersion()
            if (v !== printedVersion && ds.millis() - printedMs >= 1000) {
                printedVersion = v
                printedMs = ds.millis()
                for (const e of p.ledgerEntries()) {
                    const pr = p.preset(e.areaId)
                    if (e.punctures > 0 || e.overPressureCount > 0) console.log(`LEDGER ${ledgerLine(e, pr ? pr.passLimit : 0)}`)
                }
            }
            // a failure shows as the core's fault store_failed (its EVENT line), the console's
            // FLAG_STORE_ERROR and the red light, through hw.inputs.storeError
            await s.save(p.ledgerEntries(), v)
        }
        await ds.sleep(100)
    }
}

/** the console's save: the core's saved presets into the store, each record read back */
async function storePresets(): Promise<string> {
    if (!pen) return "the pen is still starting"
    const err = await savePresets(settingsStore, ids, pen.presets.savedList(), presetRecords, hw.budget, dsClock)
    presetStoreFailed = err !== ""
    if (err !== "") console.log(`EVENT error settings: ${err}`)
    else console.log(`EVENT info presets stored`)
    return err
}

/** the console's select_cartridge, once the core took it: the cartridge fitted into the store, read back */
async function storeCartridge(): Promise<string> {
    const p = pen
    if (!p) return "the pen is still starting"
    const id = p.status().cartridgeId
    const r = await saveCartridge(settingsStore, id, cartridgeRecord, hw.budget, dsClock)
    cartridgeRecord = r[0]
    if (r[1] !== "") {
        // a failed save may have changed one copy: the store no longer says which cartridge a boot
        // restores, so no needling until a save of the one in use reads back (SAFETY.md H14)
        hw.inputs.cartridgeStoredId = ""
        console.log(`EVENT error settings: ${r[1]}`)
    } else {
        // the core starts no needling until the store holds the cartridge in use
        hw.inputs.cartridgeStoredId = id
        console.log(`EVENT info cartridge ${id} stored`)
    }
    return r[1]
}

/** the console's run_selftest: only while disarmed, one at a time */
function runSelfTest(): string {
    const p = pen
    if (!p) return "the pen is still starting"
    if (step.selfTesting()) return "the self-test is already running"
    const s = p.status()
    if (s.state !== "idle") return `the self-test runs only while disarmed (now ${s.state}${s.fault ? ": clear the fault first" : ""})`
    step.startSelfTest(selfTest, p, ds.millis())
    console.log("SELFTEST start")
    return ""
}

/** the console's calibration register: the calibration in use and the raw readings (services/penconsole.md) */
function calibrationInfo(): any[] {
    const inp = hw.inputs
    const fc = hw.forceCal
    const v: any[] = wireUnits(calibrationNow(profile, fc), 0, true)
    const d = profile.depth
    const mm = inp.depthActualMm
    const l = hw.latch
    v.push(
        Math.round(inp.forceRatio * 1e6), Math.round((inp.forceN / fc[0] + fc[1]) * 1000),
        mm === mm ? Math.round((d.feedbackRatioAt0Mm + mm * d.feedbackRatioPerMm) * 1e6) : -1, Math.round(selfTest.spinHz * 1000),
        calSource, (l.triggerPressed ? BUTTON_TRIGGER : 0) | (l.areaPressed ? BUTTON_AREA : 0), clip(calNote),
    )
    return v
}

/** disarmed (idle, or a latched fault) and no self-test running */
function mayCalibrate(): boolean {
    const s = (pen as Pen).status().state
    return !step.selfTesting() && (s === "idle" || s === "fault")
}

/** the console's set_calibration (its payload; scale 0: clear), only disarmed with no self-test running: "" when it may be stored, else why not */
function setCalibration(v: number[]): string {
    if (!mayCalibrate()) return "the calibration changes only while the pen is disarmed and no self-test runs"
    calPending = v[1] === 0 ? calOwn : wireUnits(v, 1, false)
    const why = tryCalibration(profile, hw.forceCal, calPending, false, calOwn[4])
    return why === "" ? "" : `calibration refused: ${why}`
}

/** lays `c` over the profile if it passes the checks: "" done (in use, from `source`), else why not (nothing changed) */
function useCalibration(c: number[], source: number): string {
    const why = tryCalibration(profile, hw.forceCal, c, true, calOwn[4])
    if (why === "") {
        calSource = source
        calNote = ""
    }
    return why
}

/**
 * The fingerprint of the force conversion in use (src/profile.g.ts): the load cell's once a
 * load-cell build switched to it (boards/*.loadcell.ts does, before boot() first runs), else the FSR's
 */
function forceBasis(): number {
    return hw.latch.forceExternal ? LOADCELL_BASIS : FSR_BASIS
}

/** stores what set_calibration took (both copies, each read back), then uses it */
async function storeCalibration(): Promise<string> {
    const c = calPending
    const rec = c === calOwn ? "" : encodeCalibrationRecord(wireUnits(c, 0, true), forceBasis())
    let r = await saveCalibration(settingsStore, rec, hw.budget, dsClock)
    // the store takes a while: a pen armed or a self-test started meanwhile keeps what it runs on
    if (r === "" && !mayCalibrate()) r = "the pen was armed or self-testing meanwhile: the stored calibration is used from the next start"
    else if (r === "") useCalibration(c, rec === "" ? CAL_PROFILE : CAL_STORED)
    console.log(r === "" ? "EVENT info calibration stored" : `EVENT error calibration: ${r}`)
    return r
}

/**
 * The runtime binds roles at its first periodic autobind, ~980 ms after start (jacdac-c
 * AUTOBIND_MS), though every device has announced within 500 ms; creating a role makes it bind at
 * once (devicescript jdiface.c, DEVS_CTX_PENDING_ROLES): a spare one, then (no device has to
 * serve it; docs/DEVICESCRIPT-NOTES.md)
 */
async function bindNow() {
    await ds.sleep(BIND_NOW_MS)
    new ds.Buzzer("bindnow")
}

async function boot() {
    // the writer first: until the core decides, it wants the needle stopped, and after a program
    // restart the motor may still hold the duty it had (docs/DEVICESCRIPT-NOTES.md)
    hw.writerLoop.start()
    bindNow.start()
    // the pen's own calibration first (one or two settings reads, long before the roles bind): the
    // self-test judges the force at rest, the depth step and the spin with it; a bad record: the
    // profile's, said
    const rec = await loadCalibration(settingsStore, forceBasis(), hw.budget, dsClock)
    if (rec !== "") {
        const d = decodeCalibrationRecord(rec, forceBasis())
        const why = d.error !== "" ? d.error : useCalibration(wireUnits(d.values, 0, false), CAL_STORED)
        if (why !== "") {
            calSource = CAL_FALLBACK
            calNote = `stored calibration not used: ${why}`
            console.log(`EVENT error calibration: ${calNote}; the profile's calibration is in use`)
        }
    }
    // the self-test at once, beside the settings reads (each read is a packet: ~0.7 s on an empty
    // store); it waits for the roles to bind. An invalid profile never arms: no test
    const valid = checkProfile(profile) === ""
    if (valid) {
        step.startSelfTest(selfTest, starting, ds.millis())
        console.log("SELFTEST start")
    }
    setInterval(() => {
        decide()
    }, profile.control.tickMs)
    const stored = await loadLedger(settingsStore, ids, hw.budget, dsClock)
    const presets = await loadPresets(settingsStore, ids, hw.budget, dsClock)
    presetRecords = presets.records
    const cart = await loadCartridge(settingsStore, hw.budget, dsClock)
    cartridgeRecord = cart.record
    // a bad record or an unknown id: the core counts with the most needles and says so
    const p = new Pen(profile, {
        ledger: stored.entries, settingsError: stored.error, presets: presets.presets, presetErrors: presets.errors,
        cartridgeId: cart.cartridgeId !== "" ? cart.cartridgeId : undefined, cartridgeError: cart.error, selfTest: true,
    })
    // until the test's verdict the Pen refuses to arm
    p.selfTestVerdict(ds.millis(), valid ? selfTest.verdict : "fail", valid ? selfTest.gateText() : "")
    pen = p
    // what the store holds restores this same choice (a lost record: the most needles again)
    hw.inputs.cartridgeStoredId = p.status().cartridgeId
    saver = new LedgerSaver(settingsStore, hw.budget, dsClock, stored.records, pen.ledgerEntries(), pen.ledgerVersion())
    printedVersion = pen.ledgerVersion()
    console.log(`BOOT ${profile.name}, ${ids.length} areas, tick ${profile.control.tickMs} ms`)
    startPenConsole(profile, hw.budget, {
        pen: () => pen,
        storePresets: storePresets,
        storeCartridge: storeCartridge,
        flags: () => (presetStoreFailed || hw.inputs.storeError !== "" ? FLAG_STORE_ERROR : 0) | (calSource === CAL_FALLBACK ? FLAG_CAL_FALLBACK : 0),
        runSelfTest: runSelfTest,
        calibration: calibrationInfo,
        setCalibration: setCalibration,
        storeCalibration: storeCalibration,
    })
    // storeError every 100 ms, also while a save waits on a store that does not answer; and the
    // decisions' lines when the writer is held up (printed sooner, they could precede a stop in flight)
    setInterval(() => {
        if (ds.millis() - saidMs >= SAY_LATE_MS) sayAll()
        const s = saver
        const p = pen
        if (s && p) {
            hw.inputs.storeError = s.error(ds.millis(), p.ledgerEntries())
            hw.inputs.storeBehind = s.behind(p.ledgerEntries())
        }
    }, 100)
    persistLoop.start()
}

// a fiber of its own: a board entry (boards/*.main.ts) goes on at once past its import of this
// file and sets its feed of the motor stage's dead-man (boards/deadman.ts) before the self-test can spin
// the needle, which it does while boot() still reads the settings
boot.start()
