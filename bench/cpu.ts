// Timing on the chip (issue 15): what the firmware's work costs the VM, and what that means on the
// pen's chip. Three measurements, all of VM CPU time (bench/vm-cpu.cjs, preloaded into the VM
// process: the time spent inside the VM's WebAssembly, µs resolution, host I/O and idle excluded):
//
//   per event   bench/vm/timing.ts (built and run by bench/vmtiming.ts): each kind of event many
//               times with the firmware's own code, baseline off; medians over `rounds` VMs
//   per state   the real firmware (the bytecode `npm run build` made) in the rig (sim/rig.ts) with
//               the console polling its status 4/s: VM CPU per wall second idle, armed, treating
//               (and treating without the console), medians over `rounds` fresh rigs
//   the chip    bench/chipmodel.ts: how much longer the same work takes on an ESP32-C3 / ESP32,
//               as a range with its sources; the worst state's CPU share and the cutoff latency
//               there, with verdicts against the issue's goals
//
// `npm run bench -- --only timing` runs this section alone and rewrites only its block of
// BENCHMARKS.md (bench/run.ts).
import type { Profile } from "../core/profile"
import { CHIPS, CHIP_DERATE, ChipFactor, HOST_COREMARK, I2C_PAGE_MS, WASM_SLOWDOWN } from "./chipmodel"
import { Row, Section, dist, f, progress } from "./lib"
import type { PenLink } from "../console/link"
import { connectLoopback } from "../console/transports"
import { Rig } from "../sim/rig"
import { AREA_SIZES } from "../sim/plant/areas"
import { Technique, TechniqueBuilder } from "../sim/plant/technique"
import { SimPen } from "../sim/devices"
import { startHub } from "../sim/hub"
import { KindCost, TimingRound, buildBenchProgram, buildTiming, runTimingOnce } from "./vmtiming"
import os from "node:os"
import { join, resolve } from "node:path"
import { ROOT, startVm } from "../sim/vm"

const PRELOAD = resolve(ROOT, "bench/vm-cpu.cjs")

export interface TimingOptions {
    /** timing-program VMs and rigs (medians over them) */
    rounds: number
    /** wall ms of each state window in the rig */
    stateMs: number
    quiet?: boolean
}

/** the goals (issue 15) */
export const SHARE_GOAL = 0.5
export const CUTOFF_GOAL_MS = 8


/** the on-pen display while the needle runs: one page per 100 ms at most (drivers/display.ts), DevKitC (ESP32) builds only */
export const DISPLAY_PAGES_PER_S = 10

const STATES = ["idle", "armed", "treating", "treating.noconsole"] as const
type StateName = (typeof STATES)[number]
const STATE_TEXT: Record<StateName, string> = {
    idle: "idle, console polling 4/s",
    armed: "armed (off the skin), console polling 4/s",
    treating: "treating at 1.5 N, console polling 4/s",
    "treating.noconsole": "treating at 1.5 N, no console",
}

interface StateShare {
    share: number
    tps: number
}

interface CpuLine {
    cpu: number
    wall: number
}

function lastCpuLine(lines: string[], from = lines.length - 1): CpuLine | undefined {
    for (let i = from; i >= 0; i--) {
        const m = /^CPUBUSY cpu=(\d+) busy=\d+ burn=\d+ wall=(\d+)/.exec(lines[i])
        if (m) return { cpu: Number(m[1]), wall: Number(m[2]) }
    }
    return undefined
}

/**
 * how the board streams (README, docs/HARDWARE.md): force every 10 ms, stroke every 20 ms (the
 * simulator's defaults are 5 and 10); the motion role bound, its accelerometer reported at every
 * read, every ~15 ms as jacdac-c polls an LSM6DS (at most: the worst state has it)
 */
export const BOARD_STREAMING = { forceSampleMs: 10, strokeReportMs: 20, accelerometer: true, accelPush: true }

/** faults the firmware latched at power-up in the rigs of this run (cleared before measuring) */
const powerUpFaults: string[] = []

/** one fresh rig (the sensors streaming at the board's intervals): the VM's CPU share in each state */
async function statesOnce(profile: Profile, stateMs: number): Promise<Record<StateName, StateShare>> {
    const statuses: Record<string, string>[] = []
    const rig = new Rig(profile, { ...BOARD_STREAMING, onLine: (l) => {
        if (l.startsWith("STATUS ") && rig.status) statuses.push(rig.status.fields)
    } })
    const out = {} as Record<StateName, StateShare>
    let link: PenLink | undefined = undefined
    let polling = false
    let poller: Promise<void> = Promise.resolve()
    const poll = () => {
        polling = true
        const l = link!
        poller = (async () => {
            while (polling) {
                const t = performance.now()
                await l.status().catch(() => {})
                while (polling && performance.now() < t + 250) await rig.pen.sleepSim(5)
            }
        })()
    }
    const unpoll = async () => {
        polling = false
        await poller
    }
    const window = async (name: StateName, state: string) => {
        await rig.pen.sleepSim(1000)
        const a = lastCpuLine(rig.vm.lines)
        const s0 = statuses.length
        await rig.pen.sleepSim(stateMs)
        const b = lastCpuLine(rig.vm.lines)
        if (!a || !b || b.wall <= a.wall) throw new Error("no CPUBUSY lines from the VM (bench/vm-cpu.cjs not loaded?)")
        const st = statuses.slice(s0)
        // the worst state counts the motion role's work: it must be bound (else the status says so)
        const noMotion = st.filter((x) => x.dwell === "protection off")
        if (noMotion.length) throw new Error(`state ${name}: the motion role is not bound (dwell="protection off")`)
        const wrong = st.filter((x) => x.state !== state)
        if (wrong.length) throw new Error(`state ${name}: the firmware was ${wrong[0].state} (${rig.explain()})`)
        out[name] = { share: (b.cpu - a.cpu) / (b.wall - a.wall), tps: dist(st.map((x) => Number(x.tps))).median }
    }
    try {
        await withCpuPreload(() => rig.start())
        // the depth actuator reaches the area's preset first (as after any power-up), then the console joins
        const depthThere = () => {
            const [t, a] = (rig.status?.fields.depth ?? "").replace("mm", "").split("/").map(Number)
            return Math.abs(t - a) <= profile.depth.toleranceMm
        }
        await rig.pen.until(depthThere, 5000, "the depth actuator at its preset")
        if (rig.state() === "fault") {
            // a fault latched at power-up (seen: depth_not_following when the boot takes longer than
            // depth.followTimeoutMs): cleared as the operator would, and said in the notes
            powerUpFaults.push(rig.explain())
            await rig.pen.press("trigger", profile.control.clearHoldMs + 200)
            await rig.waitState("idle")
        }
        link = await connectLoopback(rig.hub.port)
        poll()
        await window("idle", "idle")
        await rig.pen.press("trigger")
        await rig.waitState("armed")
        await window("armed", "armed")
        // treating as an operator does: gliding back and forth over a curved patch (the dwell rule,
        // bound here, stops a pen held still on one spot), for as long as both treating windows last
        rig.pen.playTechnique(glidingRows(4 * stateMs)).catch(() => {})
        await rig.waitState("treating")
        await window("treating", "treating")
        await unpoll()
        await window("treating.noconsole", "treating")
    } finally {
        polling = false
        await poller.catch(() => {})
        await link?.close().catch(() => {})
        await rig.stop()
    }
    return out
}

/** rows of 80 mm back and forth on the skin at 10 mm/s, never lifted, over a patch curved as a cheek, lasting at least durationMs */
function glidingRows(durationMs: number): Technique {
    const b = new TechniqueBuilder(10, 10)
    b.forceN = 1.5
    b.rampMs = 150
    for (let i = 0; b.nowMs < durationMs; i++) b.glideTo(i % 2 === 0 ? 90 : 10, 10, 10)
    const tech = b.build()
    tech.surface = { widthMm: 100, heightMm: 20, radiusXMm: AREA_SIZES.cheeks.radiusXMm, radiusYMm: AREA_SIZES.cheeks.radiusYMm }
    return tech
}

/** the variables a VM process inherits for bench/vm-cpu.cjs: it reports its CPU every 100 ms, no stress */
const PRELOAD_ENV = ["NODE_OPTIONS", "PEN_CPU_REPORT_MS", "PEN_CPU_FACTOR", "PEN_CPU_BLOCKS"] as const

/** runs `start` (which starts a VM, a child process) with the CPU preload in its environment, then restores ours */
async function withCpuPreload<T>(start: () => T | Promise<T>): Promise<T> {
    const saved = PRELOAD_ENV.map((k) => process.env[k])
    process.env.NODE_OPTIONS = `${saved[0] ?? ""} --require ${PRELOAD}`.trim()
    process.env.PEN_CPU_REPORT_MS = "100"
    process.env.PEN_CPU_FACTOR = "1"
    process.env.PEN_CPU_BLOCKS = ""
    try {
        return await start()
    } finally {
        PRELOAD_ENV.forEach((k, i) => {
            const v = saved[i]
            if (v === undefined) delete process.env[k]
            else process.env[k] = v
        })
    }
}

const med = (xs: number[]) => dist(xs.filter((x) => Number.isFinite(x))).median

/**
 * The runtime's floor: bench/vm/floor.ts (the pen's roles bound, a report handler on each sensor,
 * nothing else) in the same rig, streaming as a board does. VM CPU per wall second over stateMs.
 */
async function floorOnce(profile: Profile, bytecode: string, stateMs: number): Promise<number> {
    const pen = new SimPen(profile, BOARD_STREAMING)
    pen.start()
    let hub: Awaited<ReturnType<typeof startHub>> | undefined = undefined
    let vm: ReturnType<typeof startVm> | undefined = undefined
    try {
        const h = await startHub(pen.bus, 0)
        hub = h
        vm = await withCpuPreload(() => startVm({ port: h.port, bytecode }))
        const lines = vm.lines
        // every role bound and every sensor heard (no count 0), then one second more (as the states' windows)
        const heard = (l: string) => /^FLOOR bound=1 reports=/.test(l) && l.split("=")[2].split(",").every((c) => Number(c) > 0)
        await pen.until(() => lines.some(heard), 20000, "the floor program's roles bound and every sensor heard")
        await pen.sleepSim(1000)
        const a = lastCpuLine(lines)
        await pen.sleepSim(stateMs)
        const b = lastCpuLine(lines)
        if (!a || !b || b.wall <= a.wall) throw new Error("no CPUBUSY lines from the floor VM")
        return (b.cpu - a.cpu) / (b.wall - a.wall)
    } finally {
        await vm?.stop()
        await hub?.close()
        pen.stop()
    }
}

/** what the chip would see, from host-VM figures and one chip factor */
export interface ChipEstimate {
    chip: string
    display: boolean
    /** CPU share in the worst state at the low / high end of the factor */
    shareLow: number
    shareHigh: number
    /** parts of the high-end share */
    parts: { base: number; display: number }
    /** stop latency on the chip (ms) at the low / high end; Infinity when the share is ≥ 100 % */
    cutoffLow: number
    cutoffHigh: number
    /** the same if the VM had the CPU to spare (no queue): the path and one blocker only */
    aloneLow: number
    aloneHigh: number
    /** host µs of the stop's own path */
    pathUs: number
    /** the longest piece of work a force sample may have to wait behind (host µs, and its name) */
    blockerUs: number
    blocker: string
}

export function estimate(chip: ChipFactor, display: boolean, worstShare: number, ev: Record<string, number>): ChipEstimate {
    const displayHost = display ? (DISPLAY_PAGES_PER_S * ev["display.page"]) / 1e6 : 0
    const displayBus = display ? (DISPLAY_PAGES_PER_S * I2C_PAGE_MS) / 1000 : 0
    const share = (F: number) => (worstShare + displayHost) * F + displayBus
    // the stop: the sample's report, the decision that cuts, the writer's packet (assumed as dear
    // as a report); waiting first behind the longest piece of work already running (the VM runs one
    // fiber at a time to its next yield)
    const handler = Math.max(0, ev["report.force"] - ev["decide.treating"])
    const path = handler + ev["trip.overpressure"] + handler
    const blockers: [string, number][] = [
        ["a treating decision", ev["decide.treating"]],
        ["the status line", ev["statusline"]],
        ["a console area_info", ev["console.areainfo"]],
        ["a full GC", ev["gc"]],
    ]
    if (display) blockers.push(["a display page", ev["display.page"]])
    blockers.sort((a, b) => b[1] - a[1])
    const [blocker, blockerUs] = blockers[0]
    const bus = display && blocker === "a display page" ? I2C_PAGE_MS : 0
    const alone = (F: number) => ((path + blockerUs) * F) / 1000 + bus
    const cutoff = (F: number) => (share(F) >= 1 ? Infinity : alone(F))
    return {
        chip: chip.chip,
        display,
        shareLow: share(chip.low),
        shareHigh: share(chip.high),
        parts: { base: worstShare * chip.high, display: displayHost * chip.high + displayBus },
        cutoffLow: cutoff(chip.low),
        cutoffHigh: cutoff(chip.high),
        aloneLow: alone(chip.low),
        aloneHigh: alone(chip.high),
        pathUs: path,
        blockerUs,
        blocker: blocker + (bus ? ` (+ ${I2C_PAGE_MS} ms on the I2C bus)` : ""),
    }
}

const pct = (x: number) => (Number.isFinite(x) ? `${f(x * 100, x < 0.1 ? 1 : 0)} %` : "∞")
const ms = (x: number) => (Number.isFinite(x) ? `${f(x, x < 10 ? 1 : 0)} ms` : "∞ (the VM cannot keep up)")
const us = (x: number) => f(x, 0)

/** the event table: id, words, and whether it is per event of its kind */
const EVENTS: [string, string][] = [
    ["decide.idle", "control decision, idle"],
    ["decide.armed", "control decision, armed (off the skin)"],
    ["decide.treating", "control decision, treating"],
    ["trip.overpressure", "decision that cuts (over-pressure: event, pause, ledger count)"],
    ["trip.stale", "decision that latches force_stale"],
    ["trip.rolelost", "decision that latches role_lost"],
    ["report.force", "force sample: role report → handler → decision"],
    ["report.stroke", "stroke report → handler"],
    ["statusline", "STATUS line (formatted and logged; every 250 ms)"],
    ["display.page", "display page: screenLines (ending) + one 128-byte page built (I2C excluded)"],
    ["display.lines", "… of which screenLines (the 8 text lines, with the ending warning)"],
    ["console.statuswork", "console status request: the core's part"],
    ["console.areainfo", "console area_info: presets.info() + ledger entries"],
    ["console.setpreset", "console set_preset (validated, applied)"],
    ["gc", "one full GC cycle (program heap + 8 KB ballast)"],
]

export async function benchTiming(profile: Profile, o: TimingOptions): Promise<Section> {
    const t0 = performance.now()
    powerUpFaults.length = 0
    const load0 = os.loadavg()[0]
    const quiet = o.quiet ?? false
    progress(quiet, "timing: building the timing program (bench/vm/timing.ts)")
    await buildTiming()
    const rounds: TimingRound[] = []
    const retried: string[] = []
    for (let r = 0; r < o.rounds; r++) {
        // the program's heap is the VM's 64 KB with the firmware's objects and a GC ballast in it:
        // an out-of-memory there is the bench's, not the pen's; a fresh VM, said in the notes
        for (let attempt = 1; ; attempt++) {
            try {
                rounds.push(await runTimingOnce())
                break
            } catch (e) {
                const msg = e instanceof Error ? e.message : String(e)
                if (attempt >= 3) throw e
                retried.push(msg.slice(0, 160))
                progress(quiet, `timing: per-event program failed (${msg.slice(0, 120)}); a fresh VM`)
            }
        }
        progress(quiet, `timing: per-event round ${r + 1}/${o.rounds} done`)
    }
    const ev: Record<string, number> = {}
    const n: Record<string, number> = {}
    for (const k of Object.keys(rounds[0])) {
        ev[k] = med(rounds.map((x) => (x[k] as KindCost | undefined)?.us ?? NaN))
        n[k] = rounds.reduce((a, x) => a + ((x[k] as KindCost | undefined)?.n ?? 0), 0)
    }
    // a full collection: with GC stress (one before every allocation) minus without, same allocations
    ev["gc"] = med(rounds.map((x) => (x["gc.on.8"]?.rawUs ?? NaN) - (x["gc.off.8"]?.rawUs ?? NaN)))
    n["gc"] = n["gc.on.8"]
    const steps = ev["steps.decide.treating"]

    const states: Record<StateName, StateShare>[] = []
    for (let r = 0; r < o.rounds; r++) {
        // a host stall latches tick_overrun (as it should) and spoils the rig: a fresh one, said in the notes
        for (let attempt = 1; ; attempt++) {
            try {
                states.push(await statesOnce(profile, o.stateMs))
                break
            } catch (e) {
                const msg = e instanceof Error ? e.message : String(e)
                if (attempt >= 3) throw e
                retried.push(msg.slice(0, 160))
                progress(quiet, `timing: rig failed (${msg.slice(0, 120)}); a fresh one`)
            }
        }
        progress(quiet, `timing: firmware states round ${r + 1}/${o.rounds}: ` + STATES.map((s) => `${s} ${pct(states[r][s].share)}`).join(", "))
    }
    const share = {} as Record<StateName, number>
    const tps = {} as Record<StateName, number>
    for (const s of STATES) {
        share[s] = med(states.map((x) => x[s].share))
        tps[s] = med(states.map((x) => x[s].tps))
    }
    progress(quiet, "timing: building the floor program (bench/vm/floor.ts)")
    const floorCode = await buildBenchProgram(join(ROOT, ".devicescript/cpu-floor"), "floor")
    const floors: number[] = []
    for (let r = 0; r < o.rounds; r++) floors.push(await floorOnce(profile, floorCode, o.stateMs))
    const floor = med(floors)
    progress(quiet, `timing: the runtime's floor ${floors.map(pct).join(", ")}`)
    const worst = Math.max(...STATES.map((s) => share[s]))
    const worstState = STATES.find((s) => share[s] === worst)!
    const est = [estimate(CHIPS[0], false, worst, ev), estimate(CHIPS[1], true, worst, ev)]

    const rows: Row[] = []
    rows.push({
        id: "timing.events",
        what: "VM CPU per event, host VM (µs; medians of " + o.rounds + " VMs): decision idle / armed / treating / that cuts; force sample; stroke report; status line; display page; console status / area_info / set_preset; full GC",
        figure: `${us(ev["decide.idle"])} / ${us(ev["decide.armed"])} / ${us(ev["decide.treating"])} / ${us(ev["trip.overpressure"])}; ${us(ev["report.force"])}; ${us(ev["report.stroke"])}; ` +
            `${us(ev["statusline"])}; ${us(ev["display.page"])}; ${us(ev["console.statuswork"])} / ${us(ev["console.areainfo"])} / ${us(ev["console.setpreset"])}; ${us(ev["gc"])} µs` +
            (steps > 0 ? ` (${f(steps, 0)} bytecode steps per treating decision)` : ""),
        goal: "–",
        verdict: "n/a",
        values: { ...ev },
    })
    rows.push({
        id: "timing.states",
        what: "VM CPU share of one host core, the firmware in the rig: idle / armed / treating (console polling 4/s) / treating without the console",
        figure: `${pct(share.idle)} / ${pct(share.armed)} / ${pct(share.treating)} / ${pct(share["treating.noconsole"])}; decisions ${f(tps.idle, 0)} / ${f(tps.armed, 0)} / ${f(tps.treating, 0)} / ${f(tps["treating.noconsole"], 0)} per s`,
        goal: "–",
        verdict: "n/a",
        values: { idle: share.idle, armed: share.armed, treating: share.treating, treatingNoConsole: share["treating.noconsole"], tpsTreating: tps.treating, rounds: o.rounds },
    })
    rows.push({
        id: "timing.floor",
        what: "The DeviceScript runtime's floor: the pen's roles bound, a report handler per sensor, nothing else (bench/vm/floor.ts), same streaming: VM CPU share of one host core, and on the chips",
        figure: `${pct(floor)}; ESP32-C3 ${pct(floor * CHIPS[0].low)}–${pct(floor * CHIPS[0].high)}, ESP32 ${pct(floor * CHIPS[1].low)}–${pct(floor * CHIPS[1].high)} (the goal leaves ${pct(SHARE_GOAL / CHIPS[0].high)} of the host core at the C3's upper end)`,
        goal: "–",
        verdict: "n/a",
        values: { floor, rounds: o.rounds },
    })
    rows.push({
        id: "timing.model",
        what: "Chip model: how much longer the same VM work takes on the chip (bench/chipmodel.ts)",
        figure: CHIPS.map((c) => `${c.chip} ${f(c.low, 0)}–${f(c.high, 0)}×`).join(", "),
        goal: "a range from published figures",
        verdict: "n/a",
        values: Object.fromEntries(CHIPS.flatMap((c) => [[`${c.chip}.low`, c.low], [`${c.chip}.high`, c.high]])),
    })
    for (const e of est) {
        const id = e.chip === "ESP32-C3" ? "c3" : "esp32"
        const worstText = `${STATE_TEXT[worstState]}, motion role bound${e.display ? ", display on" : ""}`
        rows.push({
            id: `timing.${id}.share`,
            what: `${e.chip}: estimated CPU share in the worst state (${worstText})`,
            figure: `${pct(e.shareLow)}–${pct(e.shareHigh)} (upper end: firmware ${pct(e.parts.base)}${e.display ? `, display ${pct(e.parts.display)}` : ""}; of the firmware's, the runtime's floor ${pct(floor * (e.chip === CHIPS[0].chip ? CHIPS[0].high : CHIPS[1].high))})`,
            goal: `≤ ${SHARE_GOAL * 100} % at the upper end`,
            verdict: e.shareHigh <= SHARE_GOAL ? "pass" : "short",
            values: { low: e.shareLow, high: e.shareHigh, ...e.parts },
        })
        rows.push({
            id: `timing.${id}.cutoff`,
            what: `${e.chip}: estimated stop latency, force sample → stop packet to the motor's server (worst state)`,
            figure: Number.isFinite(e.cutoffHigh)
                ? `${ms(e.cutoffLow)}–${ms(e.cutoffHigh)} (waiting behind ${e.blocker} included)`
                : `${Number.isFinite(e.cutoffLow) ? `${ms(e.cutoffLow)}–∞` : "∞ at both ends"}: the CPU share is over 100 %, work queues without bound; were the CPU free: ${ms(e.aloneLow)}–${ms(e.aloneHigh)} (the stop's path ${us(e.pathUs)} µs on the host, after ${e.blocker})`,
            goal: `≤ ${CUTOFF_GOAL_MS} ms (one stroke) at the upper end`,
            verdict: e.cutoffHigh <= CUTOFF_GOAL_MS ? "pass" : "short",
            values: { low: e.cutoffLow, high: e.cutoffHigh, aloneLow: e.aloneLow, aloneHigh: e.aloneHigh, pathUs: e.pathUs, blockerUs: e.blockerUs },
        })
    }

    // ---- notes: its own table (so --only timing can rewrite this block alone), method, model ----
    const evTable = ["| event | host VM µs | events timed | on the ESP32-C3 (ms) | on the ESP32 (ms) |", "|---|---:|---:|---:|---:|"]
    for (const [k, what] of EVENTS) {
        if (!(k in ev)) continue
        const c = CHIPS[0]
        const e = CHIPS[1]
        evTable.push(`| ${what} | ${f(ev[k], 0)} | ${n[k]} | ${f((ev[k] * c.low) / 1000, 1)}–${f((ev[k] * c.high) / 1000, 1)} | ${f((ev[k] * e.low) / 1000, 1)}–${f((ev[k] * e.high) / 1000, 1)} |`)
    }
    const stTable = ["| state (firmware in the rig) | VM CPU, host core | decisions/s | ESP32-C3 | ESP32 |", "|---|---:|---:|---:|---:|"]
    for (const s of STATES)
        stTable.push(`| ${STATE_TEXT[s]} | ${pct(share[s])} | ${f(tps[s], 0)} | ${pct(share[s] * CHIPS[0].low)}–${pct(share[s] * CHIPS[0].high)} | ${pct(share[s] * CHIPS[1].low)}–${pct(share[s] * CHIPS[1].high)} |`)
    const cell = (s: string) => s.replace(/\|/g, "\\|")
    const ownRows = ["| measurement | figure | goal | verdict |", "|---|---|---|---|", ...rows.map((r) => `| ${cell(r.what)} | ${cell(r.figure)} | ${cell(r.goal)} | ${r.verdict === "short" ? "**short**" : r.verdict} |`)]
    const per = (x: number) => f(x, 0)
    const notes = [
        TIMING_BEGIN,
        `Run: ${new Date().toISOString()}, ${o.rounds} timing-program VMs and ${o.rounds} rigs, load (1-min average, ${os.cpus().length} cores) ${f(load0, 1)} at the start, ${f(os.loadavg()[0], 1)} at the end${Math.max(load0, os.loadavg()[0]) > os.cpus().length * 0.5 ? " (a busy machine: the host figures, and so the chip's, are pessimistic)" : ""}. Rerun this section alone: \`npm run bench -- --only timing\`.`,
        "",
        ...ownRows,
        "",
        "**Per event** (bench/vm/timing.ts, a DeviceScript program that runs each kind of event many times with the firmware's own code, in a VM of its own; bench/vmtiming.ts builds and runs it). " +
            "VM CPU time comes from bench/vm-cpu.cjs, preloaded into the VM process: it times every call from JavaScript into the VM's WebAssembly (process CPU time, so a busy machine does not stretch it; the host's log and socket I/O taken out), and answers each `CPUMARK` log line with the total so far. " +
            "An empty loop with the same yields is taken off. `devs run --test` starts the VM in GC-stress mode; the program switches it off first. " +
            `V8's baseline WebAssembly tier is switched off in the VM process, so the figures are of optimised code. Bytecode steps: the VM panics after 128 K steps without a yield (DEVS_MAX_STEPS); decisions without a yield until it does give ${steps > 0 ? f(steps, 0) : "–"} steps per treating decision.`,
        "",
        ...evTable,
        "",
        `Reports: the core library's report emitter starts a fiber for the handler (drivers/hardware.ts's body, copied into the program); its loop waits until the handler has run (${f(ev["report.waits"], 1)} waits per report on average) and the same waits without a report are taken off. ` +
            `A force sample's figure includes the decision its handler runs. ` +
            `Not measured: a settings write (\`devs run --test\` has no settings store; the ledger write is one record of ~100 B per new pass, from a fiber of its own, drivers/persist.ts). The chip columns multiply by the chip factor's range (below).`,
        "",
        `**Per state** (the firmware as built by \`npm run build\`, in the rig with the simulated pen streaming force every ${BOARD_STREAMING.forceSampleMs} ms and strokes every ${BOARD_STREAMING.strokeReportMs} ms as a board does (the simulator's default is 5 and 10 ms), the same preload): VM CPU per wall second over ` +
            `${f(o.stateMs / 1000, 1)} s windows, 1 s after each state is reached; the console (console/) polls the status 4 times a second as its \`watch\` does. Medians over ${o.rounds} fresh rigs` +
            (powerUpFaults.length ? ` (a fault latched at power-up in ${powerUpFaults.length} rig${powerUpFaults.length > 1 ? "s" : ""}, cleared by a trigger hold before measuring: ${[...new Set(powerUpFaults.map((x) => x.replace(/ for \d+ ms/, "")))].join("; ")})` : "") +
            (retried.length ? ` (${retried.length} more VM${retried.length > 1 ? "s" : ""} started after one failed, a rig spoiled by a host stall or the per-event program out of its heap: ${retried.join("; ")})` : "") + ". " +
            `The firmware decides on its ${profile.control.tickMs} ms timer and on every force sample in every state, so idle costs about what treating does. The worst state measured: ${STATE_TEXT[worstState]}.`,
        "",
        ...stTable,
        "",
        `**The runtime's floor** (bench/vm/floor.ts, built into .devicescript/cpu-floor): a DeviceScript program that binds the pen's roles as drivers/hardware.ts does, subscribes a handler that only counts to each sensor's reports and asks each sensor to keep streaming once a second (as the firmware's writer does), in the same rig (same streaming, same preload), ${o.rounds} fresh VMs, ${f(o.stateMs / 1000, 1)} s each after every role bound and every sensor was heard: ${floors.map(pct).join(", ")} of a host core. ` +
            `It is what the VM's own packet routing, fibers and report emitters cost before the firmware decides anything: ${pct(floor / share.treating)} of the treating state's share. ` +
            `At the upper end of the C3's range this floor alone is ${pct(floor * CHIPS[0].high)} of the chip, against a goal of ${pct(SHARE_GOAL)} for everything.`,
        "",
        "**The chip model** (bench/chipmodel.ts): F = (host CoreMark / chip CoreMark) / WebAssembly slowdown × chip derate, as a range.",
        "",
        `- chips, one core: ${CHIPS.map((c) => `${c.chip} ${f(c.coremark, 2)} CoreMark at ${c.mhz} MHz (${c.source})`).join("; ")}`,
        `- host: ${HOST_COREMARK.low}–${HOST_COREMARK.high} CoreMark/core (${HOST_COREMARK.source})`,
        `- WebAssembly vs native: ${WASM_SLOWDOWN.low}–${WASM_SLOWDOWN.high}× (${WASM_SLOWDOWN.source})`,
        `- chip derate: ${CHIP_DERATE.low}–${CHIP_DERATE.high}× (${CHIP_DERATE.source})`,
        `- so: ${CHIPS.map((c) => `${c.chip} ${f(c.low, 1)}–${f(c.high, 1)}×`).join(", ")} the host VM's time. The goals are judged at the upper end.`,
        "",
        `**The worst state on the chip**: the measured treating state with the console polling and the motion role bound (its reports and the dwell filter are in the measurement), times F; on the ESP32 (DevKitC) the display too: ${DISPLAY_PAGES_PER_S} pages/s while the needle runs, each ${per(ev["display.page"])} µs of VM work times F plus ${I2C_PAGE_MS} ms on the I2C bus, which holds the VM (synchronous, computed from 400 kHz; not scaled). The XIAO ESP32-C3 build has no display.`,
        "**The stop on the chip**: the force sample's report and handler, the decision that cuts, and the writer's fiber and packet (assumed as dear as the report's fiber and handler), times F, after waiting for the longest piece of work that may already be running (the VM runs one fiber at a time to its next yield): " +
            est.map((e) => `${e.chip}: ${e.blocker}, ${per(e.blockerUs)} µs on the host`).join("; ") + ". With the CPU share at or above 100 % the work queues without bound and so does the stop. " +
            "On the board the motor's server is on the same chip (no bus transfer); the Jacdac send queue and the PWM update are not counted.",
        TIMING_END,
    ]
    return { title: TIMING_TITLE, rows, notes, wallMs: performance.now() - t0 }
}

export const TIMING_TITLE = "Timing on the chip (VM CPU time, scaled to the ESP32-C3 and the ESP32)"
export const TIMING_BEGIN = "<!-- timing:begin (bench/cpu.ts; npm run bench -- --only timing rewrites this block) -->"
export const TIMING_END = "<!-- timing:end -->"

/** the rows this section adds (full runs and --only timing; the quick run leaves it out) */
export const TIMING_ROW_IDS = ["timing.events", "timing.states", "timing.floor", "timing.model", "timing.c3.share", "timing.c3.cutoff", "timing.esp32.share", "timing.esp32.cutoff"]

/** full-run sizes: three timing-program VMs and three rigs, 3 s per state window */
export const TIMING_FULL: TimingOptions = { rounds: 3, stateMs: 3000 }

/**
 * BENCHMARKS.md with this section's block replaced by a fresh one (`--only timing`): the rest of
 * the file, from the last full run, is left as it is. Without a block yet, the section goes in
 * before "## Rerun".
 */
export function spliceTiming(md: string, s: Section): string {
    const block = s.notes.join("\n")
    const a = md.indexOf(TIMING_BEGIN)
    const b = md.indexOf(TIMING_END)
    if (a >= 0 && b > a) return md.slice(0, a) + block + md.slice(b + TIMING_END.length)
    const at = md.indexOf("## Rerun")
    const text = `## ${s.title}\n\n${block}\n\n`
    return at >= 0 ? md.slice(0, at) + text + md.slice(at) : md + "\n" + text
}
