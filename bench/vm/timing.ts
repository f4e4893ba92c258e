// DeviceScript program (built and run by bench/cpu.ts, never part of the firmware): what each
// kind of event costs the VM, with the firmware's own code (core, drivers/). Each kind runs
// many times between two "CPUMARK" log lines; bench/vm-cpu.cjs, preloaded into the VM process,
// answers each with the VM's busy time so far (µs, idle excluded), so bench/cpu.ts gets the cost
// per event at µs resolution. The elapsed ds.millis() of each block is in its end line too.
// Loops yield every CHUNK iterations (the VM panics after ~128K steps without a yield); an empty
// loop with the same yields is measured as the baseline and taken off.
// decide() below runs the firmware's control step (drivers/step.ts) as src/main.ts decide() does
// (that one is not exported: main.ts starts the firmware when imported).
import * as ds from "@devicescript/core"
import { readSetting, writeSetting } from "@devicescript/settings"
import { PenHardware } from "../../drivers/hardware"
import { forceReport, strokeReport } from "../../drivers/roles"
import { ControlStep } from "../../drivers/step"
import { OledPages, OledPort } from "../../drivers/oled"
import { eventLine } from "../../core/events"
import { Pen } from "../../core/pen"
import { encodeLedgerEntry } from "../../core/records"
import { screenLines } from "../../core/screen"
import { statusLine } from "../../core/statusline"
import { FACTORY_PROFILE } from "../../src/profile.g"

const profile = FACTORY_PROFILE
const CHUNK = 40
const N = 400
let pen: Pen = undefined
let simStrokes = true
let t0 = 0
const hw = new PenHardware(profile, () => {
    decide()
}, () => {})
const step = new ControlStep(profile, hw.inputs, hw.want, hw.writer, ds.millis, () => {
    hw.wake()
})
const inp = hw.inputs

let decisions = 0
function decide() {
    const p = pen
    if (!p) return
    decisions++
    const now = ds.millis()
    // the sensors the program does not feed through reports: the cam turns at the preset rate,
    // and the depth feedback reports the actuator at its preset (a reading as fresh as a board's);
    // no servo is on the bus, so the actuator takes each command the core decided at once
    if (simStrokes) {
        inp.strokes = (now - t0) * 0.1
        inp.strokeSampleMs = now
    }
    inp.depthSampleMs = now
    inp.depthSentMm = hw.want.depthTargetMm
    step.run(p, now, hw.latch.triggerPressed, hw.latch.areaPressed)
    // printed here, inside the timed decision; the firmware prints after the writer's pass
    // (src/main.ts), so the stop no longer waits for it: the figures are a little high
    for (const e of p.takeEvents()) console.log(eventLine(e))
}

function mark(s: string) {
    console.log(`CPUMARK ${s}`)
}

let ratioWobble = 0
const pressureSpec = hw.pressure.spec.lookup("reading")
const strokeSpec = hw.stroke.spec.lookup("reading")

function forcePacket(ratio: number): ds.Packet {
    ratioWobble = ratioWobble > 0 ? 0 : 0.002
    return pressureSpec.encode(ratio + ratioWobble)
}

/** a pen in `want` (idle, armed or treating): bound, depth at the preset, touched for treating */
async function penIn(want: string): Promise<Pen> {
    // a host stall over control.overrunAfterMs latches tick_overrun, as it should: start again
    for (let attempt = 0; attempt < 8; attempt++) {
        await penTry(want)
        if (pen.status().state === want) return pen
    }
    console.log(`CPUMARK fail ${want}: state ${pen.status().state} (${pen.status().holdReason})`)
    return pen
}

async function penTry(want: string) {
    pen = new Pen(profile, {})
    t0 = ds.millis()
    simStrokes = true
    inp.needleBound = true
    inp.depthBound = true
    inp.pressureBound = true
    inp.strokeBound = true
    inp.depthActualMm = profile.areas[0].preset.depthMm
    inp.forceN = 0
    inp.forceRatio = 0.02
    inp.forceSampleMs = ds.millis()
    decide()
    if (want !== "idle") pen.command(ds.millis(), { kind: "toggle_arm" })
    if (want === "treating") {
        inp.forceN = 1.5
        inp.forceRatio = 0.6
    }
    for (let i = 0; i < 400 && pen.status().state !== want; i++) {
        inp.forceSampleMs = ds.millis()
        decide()
        await ds.sleep(5)
    }
}

/** `body` N times in chunks, between marks; the same with an empty body first (the baseline) */
async function loop(name: string, n: number, body: (i: number) => void) {
    mark(`b ${name}`)
    const m0 = ds.millis()
    for (let i = 0; i < n; i++) {
        if (i % CHUNK === 0) await ds.sleep(0)
        body(i)
    }
    mark(`e ${name} ${n} ${ds.millis() - m0}`)
}

async function emptyLoop(name: string, n: number) {
    await loop(name, n, () => {})
}

class NullPort implements OledPort {
    async writeReg(reg: number, byte: number) {}
    async writeRegBuf(reg: number, buf: Buffer) {}
}

/** the state whose decisions the step probe counts (the runner builds one VM per state) */
const stepsState = "treating"

async function main() {
    await ds.sleep(200)
    // `devs run --test` starts the VM in GC-stress mode (a full collection before every
    // allocation: cli runTest, devsGcStress(true)); a board runs without it
    mark("gcstress 0")
    mark("start")
    await emptyLoop("base.warm", N)
    await emptyLoop("base.sync", N)
    // ---- decisions, by state ----
    await penIn("idle")
    await loop("decide.idle", N, () => decide())
    await penIn("armed")
    await loop("decide.armed", N, () => decide())
    await penIn("treating")
    await loop("decide.treating", N, () => {
        inp.forceSampleMs = ds.millis()
        decide()
    })
    // ---- a treating decision's parts: the core's tick alone; the hand-over to the writer and its wake ----
    await loop("part.tick", N, () => {
        const now = ds.millis()
        inp.forceSampleMs = now
        inp.nowMs = now
        pen.tick(inp)
    })
    const outs = pen.tick(inp)
    await loop("part.hw", N, () => {
        step.handOver(outs)
    })
    await loop("part.rest", N, () => {
        const now = ds.millis()
        step.buttons(pen, now, hw.latch.triggerPressed, hw.latch.areaPressed)
        for (const e of pen.takeEvents()) console.log(eventLine(e))
    })
    // ---- decisions that act: one per fresh treating pen, each between its own marks ----
    const R = 15
    for (let r = 0; r < R; r++) {
        await penIn("treating")
        mark("b trip.base")
        mark(`e trip.base 1 0`)
        mark("b trip.overpressure")
        inp.forceN = 5
        inp.forceRatio = 0.83
        inp.forceSampleMs = ds.millis()
        decide()
        mark(`e trip.overpressure 1 0`)
        await penIn("treating")
        mark("b trip.stale")
        inp.forceSampleMs = ds.millis() - 200
        decide()
        mark(`e trip.stale 1 0`)
        await penIn("treating")
        mark("b trip.rolelost")
        inp.needleBound = false
        decide()
        mark(`e trip.rolelost 1 0`)
    }
    // ---- reports: the core library's report emitter -> a fiber -> the handler drivers/hardware.ts
    // subscribes (its body: drivers/roles.ts forceReport, decide). role._onPacket cannot be fed here:
    // a packet made by spec.encode() is a command, and the library passes only reports on. ----
    await penIn("treating")
    mark("b base.yield")
    let m0 = ds.millis()
    for (let i = 0; i < N; i++) await ds.sleep(0)
    mark(`e base.yield ${N} ${ds.millis() - m0}`)
    // the same waits without a report: three yields and a 1 ms sleep (the reports' handlers ran
    // after the first 1 ms sleep: their loops count the waits, `CPUMARK w`)
    mark("b base.wake")
    m0 = ds.millis()
    for (let i = 0; i < N; i++) for (let k = 0; k < 4; k++) await ds.sleep(k < 3 ? 0 : 1)
    mark(`e base.wake ${N} ${ds.millis() - m0}`)
    let waits = 0
    let handled = 0
    const forceEm = ds.emitter<ds.Packet>()
    forceEm.subscribe((pkt: ds.Packet) => {
        handled++
        forceReport(inp, profile.force.curve, [1, 0], pkt.decode(), ds.millis())
        decide()
    })
    const d0 = decisions
    mark("b report.force")
    m0 = ds.millis()
    for (let i = 0; i < N; i++) {
        const h = handled
        forceEm.emit(forcePacket(0.6))
        // until the handler's fiber has run (the scheduler may want a timer tick first: a few yields, ~1 µs each)
        for (let k = 0; k < 50 && handled === h; k++) {
            await ds.sleep(k < 3 ? 0 : 1)
            waits++
        }
    }
    mark(`e report.force ${N} ${ds.millis() - m0}`)
    // every report must have reached the handler and its decision (the runner fails otherwise)
    if (decisions - d0 < N) mark(`fail report.force: ${decisions - d0} decisions for ${N} reports (${handled} handled)`)
    simStrokes = false
    const strokeEm = ds.emitter<ds.Packet>()
    let strokes = 0
    strokeEm.subscribe((pkt: ds.Packet) => {
        strokes++
        strokeReport(inp, profile.stroke.countsPerStroke, pkt.decode(), ds.millis())
    })
    mark("b report.stroke")
    m0 = ds.millis()
    for (let i = 0; i < N; i++) {
        const h = strokes
        strokeEm.emit(strokeSpec.encode(Math.round((ds.millis() - t0) * 0.2)))
        for (let k = 0; k < 50 && strokes === h; k++) {
            await ds.sleep(k < 3 ? 0 : 1)
            waits++
        }
    }
    mark(`e report.stroke ${N} ${ds.millis() - m0}`)
    mark(`w ${waits} ${2 * N}`)
    if (strokes < N) mark(`fail report.stroke: ${strokes} handled for ${N} reports`)
    simStrokes = true
    // ---- status line, display page ----
    await penIn("treating")
    await loop("statusline", 100, () => {
        console.log(`STATUS ${statusLine(pen.status())} tps=0 gapmax=0 tickmax=0`)
    })
    const pages = new OledPages(new NullPort(), 128, 8)
    mark("b display.page")
    m0 = ds.millis()
    for (let i = 0; i < 100; i++) {
        pages.invalidate()
        await pages.writeNext(screenLines(pen.status()))
        await ds.sleep(0)
    }
    mark(`e display.page 100 ${ds.millis() - m0}`)
    mark("b display.lines")
    m0 = ds.millis()
    for (let i = 0; i < 100; i++) {
        screenLines(pen.status())
        await ds.sleep(0)
    }
    mark(`e display.lines 100 ${ds.millis() - m0}`)
    await loop("status.only", 100, () => {
        pen.status()
    })
    // ---- console work: what its requests run in the core (the server's packet path is in the rig figure) ----
    await loop("console.statuswork", 100, () => {
        const s = pen.status()
        let a = 0
        for (let i = 0; i < profile.areas.length; i++) if (profile.areas[i].id === s.areaId) a = i
        pen.presets.changed()
        pen.presets.fellBack()
    })
    await loop("console.areainfo", 100, (i) => {
        pen.presets.info()
        pen.ledgerEntries()
    })
    await loop("console.setpreset", 50, (i) => {
        pen.command(ds.millis(), { kind: "set_preset", areaId: "cheeks", depthMm: 1 + (i % 2) * 0.05, strokeHz: 120, passLimit: 3 })
    })
    // ---- GC: a full collection before every allocation (gcstress) vs none, same allocations ----
    // 8 arrays of ~1 KB: the firmware's live set is ~36 KB since issue 13/14's work (was ~26 KB,
    // with a 16 KB ballast then), and 16 KB more no longer fits the VM's 64 KB heap
    const ballast: number[][] = []
    for (let kb = 0; kb <= 8; kb += 8) {
        while (ballast.length < kb) {
            const a: number[] = []
            for (let j = 0; j < 120; j++) a.push(j + 0.5)
            ballast.push(a)
        }
        await ds.sleep(0)
        await loop(`gc.off.${kb}`, 100, (i) => {
            const o = [i, i + 1]
        })
        mark("gcstress 1")
        await loop(`gc.on.${kb}`, 100, (i) => {
            const o = [i, i + 1]
        })
        mark("gcstress 0")
    }
    mark("done")
    // ---- bytecode steps: the VM panics (InfiniteLoop) after 128K steps without a yield
    // (DEVS_MAX_STEPS, runtime/devicescript/vm_main.c); decisions without a yield until it does,
    // one line every 10: 128K / the last count = steps per decision (a few per line included).
    // The runner reads the last line and stops at the panic.
    await penIn(stepsState)
    await ds.sleep(0)
    for (let i = 0; ; i++) {
        inp.forceSampleMs = ds.millis()
        decide()
        if (i % 10 === 0) console.log(`CPUMARK s ${i}`)
    }
    // not measured: in `devs run --test` (no sockets) the settings store never answers, so the
    // runner stops the VM at "done". Kept for a run against a hub.
    // ---- settings: one ledger record written and read back (drivers/store.ts saveLedger) ----
    const entry = pen.ledgerEntries()[0]
    mark("b settings.write")
    m0 = ds.millis()
    for (let i = 0; i < 20; i++) {
        entry.treatedMs = 1000 + i
        const rec = encodeLedgerEntry(entry)
        await writeSetting("lgT", rec)
        const back: string = await readSetting("lgT", "")
        if (back !== rec) console.log("CPUMARK fail settings read back")
    }
    mark(`e settings.write 20 ${ds.millis() - m0}`)
}

await main()
