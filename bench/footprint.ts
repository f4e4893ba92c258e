// Firmware footprint: the bytecode `npm run build` wrote (what `devs` deploys to the board).
// Heap use in the VM is measured over the treatment run (bench/tick.ts) and shown here.
import { readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { BYTECODE } from "../sim/vm"
import { Row, Section, f, verdict } from "./lib"

/**
 * The simulator build's goal. 48 KB until issue 11; the hardening (the writer as its own module,
 * profile ranges, the fault schema, console payload checks and queue, two-copy persistence with
 * retries) took it to ~56 KB, so the goal is 64 KB: the ESP32 keeps the program in the 256 KB
 * `fstor` partition beside the settings log (devicescript-esp32 boards/partitions.csv), and the
 * largest board build (load cell, ~70 KB) must leave that log most of it.
 * Issue 14's power-on self-test (core/selftest.ts, its texts cut short: the bring-up checklist in
 * docs/HARDWARE.md explains each verdict) took it to ~69 KB, so the goal is 72 KB: the largest board
 * build then ~78 KB, leaving the settings log ~178 KB of the 256 KB partition.
 */
export const BYTECODE_GOAL_KB = 72

export function benchFootprint(heapRow: Row | undefined): Section {
    const t0 = performance.now()
    const bytes = statSync(BYTECODE).size
    // the compiler's own breakdown, if it wrote one
    let breakdown = ""
    try {
        const md = readFileSync(join(BYTECODE, "../bytecode-sizes.md"), "utf8")
        const m = /(\d+)\s*\|\s*Data TOTAL/.exec(md)
        if (m) breakdown = ` (${f(+m[1] / 1024, 1)} KB of it data: strings, floats; the rest functions)`
    } catch {
        // no breakdown
    }
    const rows: Row[] = [
        {
            id: "bytecode",
            what: "Firmware footprint: bytecode size (.devicescript/bin/bytecode.devs)",
            figure: `${bytes} B = ${f(bytes / 1024, 1)} KB${breakdown}`,
            goal: `≤ ${BYTECODE_GOAL_KB} KB`,
            verdict: verdict(bytes <= BYTECODE_GOAL_KB * 1024),
            values: { bytes },
        },
    ]
    if (heapRow) rows.push(heapRow)
    return {
        title: "Firmware footprint",
        rows,
        notes: ["Bytecode as built by `npm run build` at the start of `npm run bench` (devs build src/main.ts), the size the board receives."],
        wallMs: performance.now() - t0,
    }
}
