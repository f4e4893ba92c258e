// `npm run bench`: build the firmware, run every benchmark, print the table, rewrite BENCHMARKS.md
// (and out/bench/bench.json with the numbers behind it).
//   --quick     the small sizes the quick test uses; prints, writes out/bench/quick.json and
//               out/bench/BENCHMARKS.quick.md, never BENCHMARKS.md
//   --no-build  measure the bytecode already built
//   --strict    exit 1 when a figure falls short of its goal (default: only when a measurement fails)
//   --only startup [--runs N]  only the start-up runs (default 5): prints its rows, rewrites nothing
//   --only dwell [--push]  only the dwell rule in the VM (bench/dwell.ts): prints its rows, rewrites
//               nothing; --push: the accelerometer reports at every chip poll, not every 20 ms
//               --tick=MS: its reads wait for the board's main loop tick (the ESP32's: 10)
//   --only timing  only the timing-on-the-chip section (bench/cpu.ts): prints its rows and rewrites
//               only its block of BENCHMARKS.md (with --quick: one round, out/bench/ only)
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { FACTORY_PROFILE } from "../src/profile.g"
import { ROOT } from "../sim/vm"
import { markdown, runtimeRow, summary, table } from "./report"
import { allRows, runSuite } from "./suite"
import { TIMING_FULL, benchTiming, spliceTiming } from "./cpu"
import { StartupSample, startupRuns, startupSection } from "./startup"
import { DWELL_FULL, benchDwell } from "./dwell"

const args = process.argv.slice(2)
const quick = args.includes("--quick")
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : ""
const t0 = performance.now()
if (only !== "" && only !== "timing" && only !== "startup" && only !== "dwell") {
    process.stderr.write(`bench: --only knows three sections: timing, startup, dwell\n`)
    process.exit(2)
}

if (!args.includes("--no-build")) {
    process.stderr.write("bench: npm run build\n")
    const b = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] })
    if (b.status !== 0) {
        process.stderr.write("bench: the build failed\n")
        process.exit(1)
    }
}

if (only === "startup") {
    // start-up alone (issue 14): prints its rows, rewrites nothing
    const samples: StartupSample[] = []
    const runs = args.includes("--runs") ? parseInt(args[args.indexOf("--runs") + 1], 10) : 5
    const w0 = performance.now()
    await startupRuns(FACTORY_PROFILE, runs, samples)
    console.log(table(startupSection(FACTORY_PROFILE, samples, performance.now() - w0).rows))
    process.exit(0)
}

if (only === "dwell") {
    const tick = args.find((a) => a.startsWith("--tick="))
    const s = await benchDwell(FACTORY_PROFILE, { ...DWELL_FULL, accelPush: args.includes("--push"), accelLoopTickMs: tick ? Number(tick.split("=")[1]) : 0 })
    console.log(table(s.rows))
    process.exit(0)
}

if (only === "timing") {
    const s = await benchTiming(FACTORY_PROFILE, quick ? { rounds: 1, stateMs: 1500 } : TIMING_FULL)
    // the notes hold the section's own table (its rows) and what is behind them
    console.log("")
    for (const l of s.notes) if (!l.startsWith("<!--")) console.log(l)
    const outDir = join(ROOT, "out/bench")
    mkdirSync(outDir, { recursive: true })
    writeFileSync(join(outDir, "timing.json"), JSON.stringify({ rows: s.rows, wallMs: s.wallMs }, null, 2))
    const file = join(ROOT, "BENCHMARKS.md")
    if (!quick && existsSync(file)) {
        writeFileSync(file, spliceTiming(readFileSync(file, "utf8"), s))
        console.log(`rewrote the timing block of BENCHMARKS.md (${((performance.now() - t0) / 1000).toFixed(0)} s)`)
    }
    process.exit(args.includes("--strict") && s.rows.some((r) => r.verdict === "short") ? 1 : 0)
}

// the profile module is imported above, before the build regenerates it: a stale profile.g.ts is
// caught by npm test (test/profile.test.ts); the bytecode measured is always the fresh one
const report = await runSuite(FACTORY_PROFILE, quick ? "quick" : "full")
const totalMs = performance.now() - t0
const rows = [...allRows(report), runtimeRow(report, totalMs)]

console.log("")
console.log(table(rows))
console.log("")
console.log(`${report.mode} run, ${(totalMs / 1000).toFixed(0)} s, commit ${report.commit.sha.slice(0, 10)}${report.commit.dirty ? " (dirty)" : ""}, ` +
    `${report.machine.cpu} × ${report.machine.cores}, load ${report.machine.loadStart.toFixed(1)} → ${report.machine.loadEnd.toFixed(1)}: ${summary(rows)}`)

const outDir = join(ROOT, "out/bench")
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, quick ? "quick.json" : "bench.json"), JSON.stringify({ ...report, totalMs, rows }, null, 2))
if (report.errors.length) {
    console.error(`\nmeasurements failed (BENCHMARKS.md not rewritten):\n  ${report.errors.join("\n  ")}`)
    process.exit(1)
}
if (!quick) {
    writeFileSync(join(ROOT, "BENCHMARKS.md"), markdown(report, totalMs))
    console.log("wrote BENCHMARKS.md")
} else writeFileSync(join(outDir, "BENCHMARKS.quick.md"), markdown(report, totalMs))
process.exit(args.includes("--strict") && rows.some((r) => r.verdict === "short") ? 1 : 0)
