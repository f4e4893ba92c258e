// The table, and BENCHMARKS.md around it.
import { Row } from "./lib"
import { SuiteReport, allRows } from "./suite"

/** the goal of the whole run (the issue): `npm run bench` under 5 minutes on a 2-core machine */
export const RUN_GOAL_S = 300

/** BENCHMARKS.md's commit line: a commit id, or NO_GIT outside a git checkout (bench/lib.ts) */
export const COMMIT_LINE = /\*\*commit\*\*: `([0-9a-f]{40}|unknown \(not a git checkout\))`/

function cell(s: string): string {
    return s.replace(/\|/g, "\\|").replace(/\n/g, " ")
}

export function table(rows: Row[]): string {
    const out = ["| measurement | figure | goal | verdict |", "|---|---|---|---|"]
    for (const r of rows) out.push(`| ${cell(r.what)} | ${cell(r.figure)} | ${cell(r.goal)} | ${r.verdict === "short" ? "**short**" : r.verdict} |`)
    return out.join("\n")
}

/** the run's own row: how long the whole command took (build included when run.ts built) */
export function runtimeRow(r: SuiteReport, totalMs: number): Row {
    const s = totalMs / 1000
    return {
        id: "runtime",
        what: `\`npm run bench\` itself: wall time, build included (${r.machine.cores} cores)`,
        figure: `${s.toFixed(0)} s`,
        goal: `< ${RUN_GOAL_S} s on a 2-core machine`,
        verdict: r.mode === "quick" ? "n/a" : s < RUN_GOAL_S ? "pass" : "short",
        values: { seconds: s },
    }
}

export function summary(rows: Row[]): string {
    const pass = rows.filter((r) => r.verdict === "pass").length
    const short = rows.filter((r) => r.verdict === "short")
    return `${pass} pass, ${short.length} short` + (short.length ? ` (${short.map((r) => r.id).join(", ")})` : "")
}

export function markdown(r: SuiteReport, totalMs: number): string {
    const m = r.machine
    const c = r.commit
    const rows = [...allRows(r), runtimeRow(r, totalMs)]
    const out: string[] = [
        "# Benchmarks",
        "",
        "Written by `npm run bench` (bench/run.ts); do not edit by hand, rerun it. Every figure below comes from that one",
        "run. Machines are shared and noisy, so timings are distributions over many trials (median, p99, max) or ratios",
        "taken side by side in the same run. A quick run of the same code is part of `npm test` (test/fil/bench-quick.test.ts).",
        "",
        `- **commit**: \`${c.sha}\`${c.dirty ? ` **plus uncommitted changes** (${c.changed.slice(0, 8).join(", ")}${c.changed.length > 8 ? ", …" : ""})` : " (clean)"}`,
        `- **date**: ${r.date}`,
        `- **machine**: ${m.cpu}, ${m.cores} cores, ${m.memGb} GB, ${m.platform}; Node ${m.node}`,
        `- **load** (1-min average): ${m.loadStart.toFixed(2)} at the start, ${m.loadEnd.toFixed(2)} at the end` +
            (Math.max(m.loadStart, m.loadEnd) > m.cores * 0.5 ? ` — **a busy machine: the VM timings are pessimistic**` : ""),
        `- **run**: ${r.mode}, ${(totalMs / 1000).toFixed(0)} s; ${summary(rows)}`,
        "",
        // the timing section's rows are in its own block below (bench/cpu.ts), which
        // `npm run bench -- --only timing` rewrites alone
        table(rows.filter((x) => !x.id.startsWith("timing."))),
        "",
    ]
    if (r.errors.length) out.push("**Measurements that failed:** " + r.errors.join("; "), "")
    for (const s of r.sections) {
        if (!s.notes.length) continue
        out.push(`## ${s.title}`, "", ...s.notes, "")
    }
    out.push(
        "## Rerun",
        "",
        "```sh",
        "npm run bench            # builds the firmware, runs everything (about 8 min on 2 cores), prints the table, rewrites this file",
        "npm run bench -- --quick # the small sizes npm test uses; writes out/bench/ only, never this file",
        "npm run bench -- --only timing  # only the timing-on-the-chip section; rewrites only its block of this file",
        "npm run bench -- --only dwell   # only the dwell rule in the VM; prints, rewrites nothing",
        "npm run stress           # the cutoff test and the short scenarios with the VM slowed to the ESP32-C3's estimate",
        "```",
        ""
    )
    return out.join("\n")
}
