// `npm run sim -- <scenario> [--vm [--accel]]`: run one scenario and write a session report under
// reports/<scenario>/ (closed loop) or reports/<scenario>-vm/ (the firmware in the VM, real time;
// needs `npm run build`; --accel puts the handpiece accelerometer on its bus). `npm run sim` alone
// lists the scenarios.
//
//   trace.csv     one row per sample: force, rates, drive, depth, state, area, passes
//   events.jsonl  the pen's events (pass start/end, cutoffs, faults, ...)
//   outcome.json  passes and too-hard presses per area, cutoffs, faults, what failed, the true
//                 density maps (scenarios that play a technique, in either runner: also printed,
//                 and drawn)
//   report.svg / report.png / report.html   the picture (see sim/report/spec.ts)
//
// Exit 0 if the scenario's expectations held, 1 if not, 2 on a usage error.
import { existsSync } from "node:fs"
import { join, relative } from "node:path"
import { FACTORY_PROFILE } from "../src/profile.g"
import { describeOutcome } from "./outcome"
import type { Scenario } from "./scenario"
import { SessionRecord, recordClosedLoop, recordVm } from "./report/record"
import { findScenario, scenarioLibrary, slug } from "./report/scenarios"
import { skinText } from "./report/skin"
import { writeReport } from "./report/write"
import { BYTECODE, ROOT } from "./vm"

function list(all: Scenario[]) {
    console.log("scenarios (npm run sim -- <name> [--vm [--accel]]):\n")
    const width = Math.max(...all.map((s) => slug(s.name).length))
    for (const s of all) {
        console.log(`  ${slug(s.name).padEnd(width)}  ${(s.durationMs / 1000).toFixed(1).padStart(7)} s  ${s.description}`)
    }
    console.log("\nreports go to reports/<name>/ (closed loop) or reports/<name>-vm/ (--vm: the firmware in the DeviceScript VM, in real time, console commands through its console service; --accel: with the handpiece accelerometer on its bus)")
}

async function main(): Promise<number> {
    const args = process.argv.slice(2)
    const vm = args.includes("--vm")
    const accelerometer = args.includes("--accel")
    const words = args.filter((a) => !a.startsWith("--"))
    const all = scenarioLibrary()
    if (words.length === 0) {
        list(all)
        return 0
    }
    const found = findScenario(words.join(" "), all)
    if (typeof found === "string") {
        console.error(`${found}; \`npm run sim\` lists them`)
        return 2
    }
    const s = found
    let rec: SessionRecord
    if (vm) {
        if (!existsSync(BYTECODE)) {
            console.error("firmware not built: run `npm run build` first")
            return 2
        }
        console.log(`${s.name}: the firmware in the VM, in real time (${(s.durationMs / 1000).toFixed(1)} s) ...`)
        rec = await recordVm(FACTORY_PROFILE, s, { accelerometer })
    } else {
        console.log(`${s.name}: closed loop, virtual time (${(s.durationMs / 1000).toFixed(1)} s simulated) ...`)
        rec = recordClosedLoop(FACTORY_PROFILE, s)
    }
    const dir = join(ROOT, "reports", slug(s.name) + (vm ? "-vm" : ""))
    const w = await writeReport(dir, rec)
    console.log(`  ${describeOutcome(rec.outcome)}`)
    for (const n of rec.notes) console.log(`  ${n}`)
    if (rec.skin) for (const l of skinText(rec.skin)) console.log(`  ${l}`)
    console.log(rec.failures.length === 0 ? "  the scenario's expectations held" : `  FAILED: ${rec.failures.join("; ")}`)
    console.log(`report: ${relative(process.cwd(), dir) || "."}/`)
    for (const f of w.files) console.log(`  ${relative(dir, f)}`)
    if (!w.png) console.log("  (no report.png: @resvg/resvg-js could not be loaded here; report.svg and report.html are there)")
    return rec.failures.length === 0 ? 0 : 1
}

main().then(
    (code) => process.exit(code),
    (e) => {
        console.error(e instanceof Error ? e.message : e)
        process.exit(1)
    }
)
