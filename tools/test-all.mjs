#!/usr/bin/env node
// `npm test`: every runner, one verdict. Builds the firmware, type-checks the Node side, then runs
//   1. vitest: core, kit, drivers, simulator, property and tooling tests (Node)
//   2. vitest: firmware in the loop (the built bytecode in the DeviceScript VM), on its own, so
//      its timing is not measured on a machine busy with the other tests
//   3. the shared core suite inside the DeviceScript VM (tools/vm-test.mjs)
// and ends with `N passed, N failed` summed over all three. Exit 0 only if nothing failed and
// every runner ran tests.
import { spawn } from "node:child_process"
import { mkdirSync, readFileSync, rmSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const OUT = path.join(ROOT, "out/test")
const quick = process.argv.includes("--no-fil")

function run(cmd, args, onLine) {
    return new Promise((resolve) => {
        const p = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } })
        const pipe = (stream, to) => {
            let buf = ""
            stream.on("data", (d) => {
                to.write(d)
                buf += d.toString()
                let i
                while ((i = buf.indexOf("\n")) >= 0) {
                    onLine?.(buf.slice(0, i))
                    buf = buf.slice(i + 1)
                }
            })
            stream.on("end", () => buf && onLine?.(buf))
        }
        pipe(p.stdout, process.stdout)
        pipe(p.stderr, process.stderr)
        p.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)))
    })
}

/** counts from a vitest JSON report; a missing report counts as one failure */
function vitestCounts(file, label) {
    try {
        const r = JSON.parse(readFileSync(file, "utf8"))
        return { label, passed: r.numPassedTests, failed: r.numFailedTests + (r.numTotalTests === 0 ? 1 : 0) }
    } catch {
        return { label, passed: 0, failed: 1 }
    }
}

async function vitest(label, args) {
    const file = path.join(OUT, `${label}.json`)
    rmSync(file, { force: true })
    const code = await run(process.execPath, [
        "node_modules/vitest/vitest.mjs", "run", ...args,
        "--reporter=default", "--reporter=json", `--outputFile.json=${file}`,
    ])
    const c = vitestCounts(file, label)
    if (code !== 0 && c.failed === 0) c.failed = 1 // crashed outside any test
    return c
}

mkdirSync(OUT, { recursive: true })
const results = []
const build = await run("npm", ["run", "--silent", "build"])
if (build !== 0) results.push({ label: "build", passed: 0, failed: 1 })
else {
    const tsc = await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"])
    results.push({ label: "typecheck", passed: tsc === 0 ? 1 : 0, failed: tsc === 0 ? 0 : 1 })
    results.push(await vitest("node", ["--exclude", "test/fil/**"]))
    if (!quick) results.push(await vitest("fil", ["test/fil", "--no-file-parallelism"]))
    let vm = { label: "vm", passed: 0, failed: 1 }
    await run(process.execPath, ["tools/vm-test.mjs"], (line) => {
        const m = /^vm: (\d+) passed, (\d+) failed/.exec(line.trim())
        if (m) vm = { label: "vm", passed: +m[1], failed: +m[2] }
    })
    results.push(vm)
}
console.log("\nrunners: " + results.map((r) => `${r.label} ${r.passed} passed, ${r.failed} failed`).join("; "))
const passed = results.reduce((a, r) => a + r.passed, 0)
const failed = results.reduce((a, r) => a + r.failed, 0)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
