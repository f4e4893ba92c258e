#!/usr/bin/env node
// Runs the shared suite (test/core/**/*.test.ts, the drivers' shared tests test/drivers/shared/*.test.ts,
// and the kit's self-test test/kit/*.test.ts)
// inside the DeviceScript VM; `npx vitest run test/core test/drivers/shared test/kit` runs the same files in Node.
//
//   node tools/vm-test.mjs [--timeout=MS] [FILTER...]     (npm run test:vm)
//
// FILTERs keep only test files whose path contains one of them. The VM run's time limit is
// --timeout or $VM_TEST_TIMEOUT_MS (default 120000); the devs child is killed when it is exceeded.
//
// How: `devs build` always writes ./.devicescript/bin/bytecode.devs and ./node_modules/@devicescript
// under its working directory (its -o/--out-dir flag takes no value in 2.16.4, so it cannot be
// redirected). So we build in a scratch directory, .devicescript/vm-suite/, whose top-level
// entries are symlinks to the repository's (test, src, drivers, boards, services, ...): the
// firmware build's .devicescript/bin in the repository root is never touched. A lock file
// (.devicescript/vm-suite.lock) serialises concurrent runs of this tool.
// The generated entry imports every test file, then test/kit/vm-harness.ts, which prints one
// `##vmtest pass|fail` line per test; `devs run --test --test-self-exit` prints the VM's own
// `tests: N, pass: N, error: N`.
//
// Exit code 0 only if the build succeeded, the VM exited 0, its summary line was seen, at least
// one test ran, and nothing failed. The last line is always `vm: N passed, N failed`.

import { spawn } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { setTimeout as delay } from "node:timers/promises"
import { fileURLToPath } from "node:url"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const CLI = path.join(ROOT, "node_modules/@devicescript/cli/devicescript")
const SCRATCH = path.join(ROOT, ".devicescript/vm-suite")
const LOCK = SCRATCH + ".lock"
// the shared suite (core, drivers), plus the kit's own self-test
const TEST_DIRS = [path.join(ROOT, "test/core"), path.join(ROOT, "test/drivers/shared"), path.join(ROOT, "test/kit")]
const ENTRY = "main.ts"
const BYTECODE = ".devicescript/bin/bytecode.devs"
const BUILD_TIMEOUT_MS = 120_000
// test files per VM run (see runBatch): a batch must fit the VM's 64 KB heap
const BATCH_FILES = 4
const LOCK_WAIT_MS = 300_000
// devs' own -T limit does not fire while tests keep yielding (seen with 2.16.4), so we kill it
const KILL_GRACE_MS = 3_000
// repository entries not linked into the scratch directory
const NOT_LINKED = new Set(["node_modules", "package.json", "package-lock.json", ENTRY])

/** the devs processes running (a build and a run may overlap) */
const children = new Set()
let lockHeld = false

function out(line) {
    process.stdout.write(line + "\n")
}

function finish(passed, failed, code) {
    out(`vm: ${passed} passed, ${failed} failed`)
    process.exit(code)
}

function cleanup() {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
    if (lockHeld) {
        try {
            fs.rmSync(LOCK, { force: true })
        } catch {}
        lockHeld = false
    }
}
process.on("exit", cleanup)
for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]]) {
    process.on(sig, () => {
        cleanup()
        out(`vm: interrupted by ${sig}`)
        process.exit(code)
    })
}

function parseArgs(argv) {
    let timeoutMs = Number(process.env.VM_TEST_TIMEOUT_MS || 120_000)
    const filters = []
    for (const a of argv) {
        const m = /^--timeout=(\d+)$/.exec(a)
        if (m) timeoutMs = Number(m[1])
        else if (a.startsWith("-")) {
            out(`unknown option ${a}`)
            finish(0, 0, 2)
        } else filters.push(a)
    }
    return { timeoutMs, filters }
}

function findTests(dir) {
    if (!fs.existsSync(dir)) return []
    const found = []
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) found.push(...findTests(p))
        else if (e.isFile() && e.name.endsWith(".test.ts")) found.push(p)
    }
    return found.sort()
}

function pidAlive(pid) {
    try {
        process.kill(pid, 0)
        return true
    } catch (e) {
        return e.code === "EPERM"
    }
}

async function acquireLock() {
    fs.mkdirSync(path.dirname(LOCK), { recursive: true })
    const t0 = Date.now()
    let told = false
    for (;;) {
        try {
            const fd = fs.openSync(LOCK, "wx")
            fs.writeSync(fd, String(process.pid))
            fs.closeSync(fd)
            lockHeld = true
            return
        } catch (e) {
            if (e.code !== "EEXIST") throw e
        }
        const pid = Number(fs.readFileSync(LOCK, "utf8").trim())
        if (!pid || !pidAlive(pid)) {
            fs.rmSync(LOCK, { force: true }) // stale: its owner is gone
            continue
        }
        if (!told) {
            out(`vm: waiting for another vm-test run (pid ${pid}) to finish`)
            told = true
        }
        if (Date.now() - t0 > LOCK_WAIT_MS) {
            out(`vm: gave up waiting for ${LOCK} (pid ${pid})`)
            finish(0, 0, 1)
        }
        await delay(200)
    }
}

function prepareScratch(testFiles) {
    fs.mkdirSync(SCRATCH, { recursive: true })
    for (const e of fs.readdirSync(SCRATCH, { withFileTypes: true })) {
        if (e.isSymbolicLink()) fs.unlinkSync(path.join(SCRATCH, e.name))
    }
    for (const name of fs.readdirSync(ROOT)) {
        if (name.startsWith(".") || NOT_LINKED.has(name)) continue
        const at = path.join(SCRATCH, name)
        if (fs.existsSync(at)) continue // devs' own output (node_modules, .devicescript)
        fs.symlinkSync(path.join("..", "..", name), at)
    }
    const lines = [
        "// GENERATED by tools/vm-test.mjs on every run. Do not edit.",
        ...testFiles.map(f => `import "./${path.relative(ROOT, f).replace(/\\/g, "/").replace(/\.ts$/, "")}"`),
        'import { installHarness } from "./test/kit/vm-harness"',
        "installHarness()",
        "",
    ]
    fs.writeFileSync(path.join(SCRATCH, ENTRY), lines.join("\n"))
    fs.rmSync(path.join(SCRATCH, BYTECODE), { force: true })
}

/** Run the devs CLI in the scratch directory; onLine gets each output line (ANSI stripped). */
function devs(args, timeoutMs, onLine) {
    return new Promise(resolve => {
        const t0 = Date.now()
        const child = spawn(process.execPath, [CLI, "--no-colors", ...args], {
            cwd: SCRATCH,
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, NO_COLOR: "1" },
        })
        children.add(child)
        let timedOut = false
        const timer = setTimeout(() => {
            timedOut = true
            child.kill("SIGKILL")
        }, timeoutMs)
        const feed = stream => {
            let buf = ""
            stream.setEncoding("utf8")
            stream.on("data", d => {
                buf += d
                let i
                while ((i = buf.indexOf("\n")) >= 0) {
                    onLine(buf.slice(0, i).replace(/\x1b\[[0-9;]*m/g, "").replace(/\r$/, ""))
                    buf = buf.slice(i + 1)
                }
            })
            stream.on("end", () => {
                if (buf) onLine(buf.replace(/\x1b\[[0-9;]*m/g, ""))
                buf = ""
            })
        }
        feed(child.stdout)
        feed(child.stderr)
        child.on("close", (code, signal) => {
            clearTimeout(timer)
            children.delete(child)
            resolve({ code, signal, timedOut, ms: Date.now() - t0 })
        })
    })
}

const NOISE = [
    /^using devs: /,
    /^DeviceScript Simulator \(WASM\)/,
    /^start: /,
    /^preparing to run tests\.\.\.$/,
    /^RESTART requested$/,
    /^stop program$/,
    /^test OK$/,
    /^npm warn /,
]

async function main() {
    const { timeoutMs, filters } = parseArgs(process.argv.slice(2))
    if (!fs.existsSync(CLI)) {
        out(`vm: ${path.relative(ROOT, CLI)} not found (npm install)`)
        finish(0, 0, 1)
    }
    let files = TEST_DIRS.flatMap(findTests)
    if (filters.length) files = files.filter(f => filters.some(x => path.relative(ROOT, f).includes(x)))
    if (!files.length) {
        out(`vm: no test files under ${TEST_DIRS.map(d => path.relative(ROOT, d)).join(", ")}${filters.length ? " matching " + filters.join(" ") : ""}`)
        finish(0, 0, 1)
    }
    await acquireLock()
    // One VM per batch: all test files' registrations live in the VM's 64 KB heap at once, and
    // the whole suite no longer fits (verification error -1051, or out of memory mid-run).
    let passed = 0
    let failed = 0
    let ok = true
    const batches = []
    for (let i = 0; i < files.length; i += BATCH_FILES) batches.push(files.slice(i, i + BATCH_FILES))
    // each batch's build runs while the batch before it runs in the VM: a build writes only the
    // scratch's entry, bin/ and node_modules, and a run reads its own copy of the bytecode
    let next = buildBatch(batches[0], 0)
    for (let k = 0; k < batches.length; k++) {
        const built = await next
        next = k + 1 < batches.length ? buildBatch(batches[k + 1], k + 1) : undefined
        const r = await runBatch(batches[k], built, timeoutMs)
        passed += r.passed
        failed += r.failed
        ok = ok && r.ok
    }
    finish(passed, failed, ok && failed === 0 && passed > 0 ? 0 : 1)
}

/** builds batch `k` in the scratch directory, its bytecode moved to a file of its own: b (the build's result), lines, bytecode ("" when it failed) */
async function buildBatch(files, k) {
    prepareScratch(files)
    const lines = []
    const b = await devs(["build", "--ignore-missing-config", ENTRY], BUILD_TIMEOUT_MS, l => lines.push(l))
    if (b.code !== 0 || b.timedOut || !fs.existsSync(path.join(SCRATCH, BYTECODE))) return { b, lines, bytecode: "" }
    const bytecode = path.join(path.dirname(BYTECODE), `batch-${k}.devs`)
    fs.renameSync(path.join(SCRATCH, BYTECODE), path.join(SCRATCH, bytecode))
    return { b, lines, bytecode }
}

/** runs one built batch of test files in a fresh VM; the counts come from the VM's own line */
async function runBatch(files, built, timeoutMs) {
    out(`vm: ${files.length} test file(s): ${files.map(f => path.relative(ROOT, f)).join(", ")}`)
    const b = built.b
    if (!built.bytecode) {
        for (const l of built.lines) if (!NOISE.some(r => r.test(l))) out(l)
        out(`vm: build failed (${b.timedOut ? "timed out" : "exit " + (b.code ?? b.signal)}) in ${(b.ms / 1000).toFixed(1)} s`)
        return { passed: 0, failed: 1, ok: false }
    }

    // run
    let passMarks = 0
    const failMarks = []
    const harnessErrors = []
    let announced = -1
    let summary = null
    let vmFailed = false
    let current = ""
    let tMark = Date.now()
    const took = () => {
        const now = Date.now()
        const ms = now - tMark
        tMark = now
        return ms >= 100 ? ` (${ms} ms)` : ""
    }
    const r = await devs(
        ["run", built.bytecode, "--test", "--test-self-exit", "-T", String(timeoutMs)],
        timeoutMs + KILL_GRACE_MS,
        raw => {
            const l = raw.replace(/^WASM> /, "")
            let m
            if (!l.trim() || NOISE.some(x => x.test(l))) return
            if ((m = /^##vmtest start (.*)$/.exec(l))) {
                current = m[1]
            } else if ((m = /^##vmtest pass (.*)$/.exec(l))) {
                passMarks++
                current = ""
                out(`  ✓ ${m[1]}${took()}`)
            } else if ((m = /^##vmtest fail (.*?) :: (.*)$/.exec(l))) {
                failMarks.push(m[1])
                current = ""
                out(`  ✗ ${m[1]}${took()}`)
                out(`      ${m[2]}`)
            } else if ((m = /^##vmtest error (.*)$/.exec(l))) {
                harnessErrors.push(m[1])
                out(`  ✗ harness: ${m[1]}`)
            } else if ((m = /^tests: (\d+), pass: (\d+), error: (\d+)$/.exec(l))) {
                summary = { total: +m[1], pass: +m[2], error: +m[3] }
                out(l)
            } else if ((m = /^running (\d+) tests$/.exec(l))) {
                if (announced < 0) out(l) // printed twice when describes nest (upstream timer bug)
                announced = +m[1]
                tMark = Date.now()
            } else if (/^(test failed|timeout)$/.test(l)) {
                vmFailed = true
                out(l)
            } else out(`      ${l}`)
        },
    )

    const problems = []
    if (r.timedOut) problems.push(`killed after ${timeoutMs + KILL_GRACE_MS} ms`)
    if (r.code !== 0) problems.push(`devs run exited ${r.code ?? r.signal}`)
    if (!summary && current) {
        failMarks.push(current)
        if (r.timedOut) problems.push(`timed out during "${current}" (--timeout=${timeoutMs})`)
        else problems.push(`VM aborted during "${current}" (see the output above; "InfiniteLoop" means too many steps without \`await breathe()\`)`)
    } else if (!summary && vmFailed) problems.push("VM aborted outside any test (see the output above)")
    if (!summary) problems.push("no `tests: N, pass: N, error: N` line from the VM")
    if (summary && summary.total === 0) problems.push("zero tests ran")
    if (summary && summary.pass !== passMarks) problems.push(`VM counted ${summary.pass} passes, harness printed ${passMarks}`)
    if (harnessErrors.length) problems.push("harness error")

    let passed, failed
    if (summary) {
        passed = summary.pass
        failed = summary.error
        const skipped = summary.total - summary.pass - summary.error
        if (skipped > 0) out(`vm: ${skipped} skipped`)
    } else {
        passed = passMarks
        failed = Math.max(1, (announced > 0 ? announced : 0) - passMarks)
    }
    if (failMarks.length) {
        out("vm: failed:")
        for (const f of failMarks) out(`  ✗ ${f}`)
    }
    for (const p of problems) out(`vm: ${p}`)
    out(`vm: build ${(b.ms / 1000).toFixed(1)} s, run ${(r.ms / 1000).toFixed(1)} s`)
    return { passed, failed, ok: problems.length === 0 && failed === 0 && passed > 0 }
}

main().catch(e => {
    out(`vm: internal error: ${e?.stack || e}`)
    finish(0, 0, 1)
})
