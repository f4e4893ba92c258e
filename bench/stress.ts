// `npm run stress`: the firmware-in-the-loop cutoff test and the short scenario library, with the VM
// slowed to a chip's estimate (issue 15). bench/vm-cpu.cjs is preloaded into every VM the tests
// start (NODE_OPTIONS is inherited); after each call into the VM it spins (F - 1) × the call's own
// CPU time, so all of the firmware's work takes F times as long, as on a chip F times slower than
// this host (bench/chipmodel.ts). The stress starts at the firmware's BOOT line: start-up is not
// what is judged. On the DevKitC (ESP32) the display's pages are added as a block every 100 ms
// (the page's VM cost × F, plus the I2C transfer), and for both chips the motion role, which the
// test rigs do not bind (MOTION below), as a block every 10 ms, from the per-event costs of the
// last `npm run bench -- --only timing` (out/bench/timing.json) when there is one.
//
//   npm run stress                         ESP32-C3, upper end of the range
//   npm run stress -- --chip esp32 --end low
//   npm run stress -- --factor 5           any factor; --no-extras: the firmware's work only
//   npm run stress -- --only cutoff|scenarios
//   npm run stress -- --probe [--factor F]  no tests: 20 presses on the rig, each stop's latency and
//                                          the faults latched (a power-up fault cleared first)
//
// Exit code: vitest's (0 when every test held).
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { pressLatencyMs } from "../sim/cutoffs"
import { ROOT } from "../sim/vm"
import { CHIPS, I2C_PAGE_MS } from "./chipmodel"
import { DISPLAY_PAGES_PER_S } from "./cpu"

/**
 * The motion role's work, which the firmware-in-the-loop rigs do not bind: assumed (generously: the
 * timing bench's rig measures it bound, bench/cpu.ts) as 100 samples/s, each as dear as a force sample
 */
const MOTION = { hz: 100 }

const args = process.argv.slice(2)
const opt = (name: string, dflt: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : dflt)
const chipName = opt("chip", "c3")
const end = opt("end", "high")
const chip = CHIPS.find((c) => c.chip.toLowerCase().replace("esp32-", "") === chipName.toLowerCase())
if (!chip || (end !== "high" && end !== "low")) {
    console.error("usage: npm run stress -- [--chip c3|esp32] [--end high|low] [--factor F] [--no-extras] [--only cutoff|scenarios]")
    process.exit(2)
}
const factor = Number(opt("factor", String(end === "high" ? chip.high : chip.low)))
const extras = !args.includes("--no-extras") && !args.includes("--factor")
const only = opt("only", "")

// blocks: period:ms in the VM's process (bench/vm-cpu.cjs PEN_CPU_BLOCKS)
const blocks: string[] = []
const timingFile = join(ROOT, "out/bench/timing.json")
let ev: Record<string, number> | undefined = undefined
if (existsSync(timingFile)) {
    const rows = JSON.parse(readFileSync(timingFile, "utf8")).rows as { id: string; values: Record<string, number> }[]
    ev = rows.find((r) => r.id === "timing.events")?.values
}
if (extras && ev) {
    const motionMs = (ev["report.force"] * factor) / 1000
    blocks.push(`${1000 / MOTION.hz}:${motionMs.toFixed(2)}`)
    if (chip.chip === "ESP32") blocks.push(`${1000 / DISPLAY_PAGES_PER_S}:${((ev["display.page"] * factor) / 1000 + I2C_PAGE_MS).toFixed(2)}`)
}

if (args.includes("--probe")) {
    // the rig directly, no test assertions: 20 too-hard presses at this factor, each stop's
    // latency, and what the firmware latched (a power-up fault is cleared first, and said)
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${join(ROOT, "bench/vm-cpu.cjs")}`.trim()
    process.env.PEN_CPU_FACTOR = String(factor)
    process.env.PEN_CPU_BLOCKS = blocks.join(",")
    process.env.PEN_CPU_FROM = "BOOT "
    const { Rig } = await import("../sim/rig")
    const { FACTORY_PROFILE: P } = await import("../src/profile.g")
    const rig = new Rig(P, {})
    const said: string[] = []
    const lat: number[] = []
    try {
        await rig.start()
        await rig.pen.sleepSim(500)
        if (rig.state() === "fault") {
            said.push(`power-up fault cleared: ${rig.explain()}`)
            await rig.pen.press("trigger", P.control.clearHoldMs + 200)
            await rig.waitState("idle", 10000)
        }
        await rig.pen.press("trigger")
        await rig.waitState("armed", 10000)
        for (let trial = 0; trial < 20; trial++) lat.push(await pressLatencyMs(rig, P, trial, { driveMs: 5000, stopMs: 5000 }))
    } catch (e) {
        said.push(`stopped: ${(e as Error).message}; firmware ${rig.explain()}`)
    } finally {
        const faults = rig.events.filter((e) => e.kind === "fault").map((e) => `fault ${e.message}`)
        lat.sort((a, b) => a - b)
        const q = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(1) : "–")
        console.log(`probe ×${factor.toFixed(1)}: ${lat.length} stops, latency median ${q(50)} / p90 ${q(90)} / max ${q(100)} ms; ` +
            `faults ${faults.length ? faults.join(" | ") : "none"}; status ${rig.status?.raw ?? "–"}${said.length ? "; " + said.join("; ") : ""}`)
        await rig.stop()
    }
    process.exit(0)
}

const files: string[] = []
const filters: string[] = []
if (only !== "scenarios") {
    files.push("test/fil/firmware.test.ts")
    filters.push("H2")
}
if (only !== "cutoff") {
    // the short scenario library: agreement-outcome's and agreement-session's scenarios and agreement's one (the rise cutoff)
    files.push("test/fil/agreement.test.ts", "test/fil/agreement-outcome.test.ts", "test/fil/agreement-session.test.ts")
    filters.push("locked areas, too-hard presses")
}
console.log(`stress: ${chip.chip} ${args.includes("--factor") ? "(factor given)" : `${end} end`}: VM work × ${factor.toFixed(1)}` +
    (blocks.length ? `; blocks ${blocks.join(", ")} (period ms : spin ms: ${chip.chip === "ESP32" ? "motion role, display page" : "motion role"})` : extras ? "; no out/bench/timing.json: firmware work only" : "") +
    `; from the firmware's BOOT line`)
const env = {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${join(ROOT, "bench/vm-cpu.cjs")}`.trim(),
    PEN_CPU_FACTOR: String(factor),
    PEN_CPU_BLOCKS: blocks.join(","),
    PEN_CPU_FROM: "BOOT ",
}
const r = spawnSync("npx", ["vitest", "run", ...files, "-t", filters.join("|")], { cwd: ROOT, env, stdio: "inherit" })
process.exit(r.status ?? 1)
