// Shared pieces of the benchmarks: the row format of the table, distributions, the machine and
// the commit a run came from.
import { execFileSync } from "node:child_process"
import os from "node:os"
import { ROOT } from "../sim/vm"
import { percentile } from "../sim/stats"

export { percentile }

export type Verdict = "pass" | "short" | "n/a"

/** one line of the table */
export interface Row {
    /** stable id: the quick test checks every id is there */
    id: string
    /** what is measured, in words */
    what: string
    /** the figure as shown */
    figure: string
    /** the goal as shown, with where it comes from when it is not the issue's */
    goal: string
    verdict: Verdict
    /** numbers behind the figure, for the quick test and the JSON copy */
    values: Record<string, number>
}

/** what a measurement hands back: its rows and the notes that explain them */
export interface Section {
    title: string
    rows: Row[]
    /** method, where the time goes, caveats: markdown lines for BENCHMARKS.md */
    notes: string[]
    wallMs: number
}

export interface Dist {
    n: number
    median: number
    p99: number
    max: number
    min: number
}

export function dist(xs: number[]): Dist {
    if (xs.length === 0) return { n: 0, median: NaN, p99: NaN, max: NaN, min: NaN }
    let max = -Infinity
    let min = Infinity
    for (const x of xs) {
        if (x > max) max = x
        if (x < min) min = x
    }
    return { n: xs.length, median: percentile(xs, 50), p99: percentile(xs, 99), max, min }
}

export function f(x: number, digits = 1): string {
    if (x === null || x === undefined || Number.isNaN(x)) return "–"
    if (!Number.isFinite(x)) return x > 0 ? "∞" : "-∞"
    return x.toFixed(digits)
}

/** "median 0.9 / p99 3.1 / max 4.0 ms" */
export function fd(d: Dist, unit: string, digits = 1): string {
    return `median ${f(d.median, digits)} / p99 ${f(d.p99, digits)} / max ${f(d.max, digits)} ${unit} (n=${d.n})`
}

export function verdict(ok: boolean): Verdict {
    return ok ? "pass" : "short"
}

export interface Machine {
    cpu: string
    cores: number
    memGb: number
    node: string
    platform: string
    /** 1-minute load average at the start and at the end of the run: how busy the machine was */
    loadStart: number
    loadEnd: number
}

export function machine(loadStart: number): Machine {
    const cpus = os.cpus()
    return {
        cpu: cpus[0]?.model?.trim() ?? "unknown",
        cores: cpus.length,
        memGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        loadStart,
        loadEnd: os.loadavg()[0],
    }
}

export interface Commit {
    sha: string
    dirty: boolean
    /** changed paths when dirty (first few) */
    changed: string[]
}

/** the commit id shown for a tree that is not a git checkout (a tarball, a copy) or has no git */
export const NO_GIT = "unknown (not a git checkout)"

export function commit(dir = ROOT): Commit {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
    try {
        const sha = git("rev-parse", "HEAD").trim()
        // porcelain lines are "XY path": keep the leading blank of " M"
        const changed = git("status", "--porcelain").split("\n").filter((l) => l.trim() !== "").map((l) => l.slice(3))
        return { sha, dirty: changed.length > 0, changed }
    } catch {
        return { sha: NO_GIT, dirty: false, changed: [] }
    }
}

/** a line for the live progress on stderr (the table itself goes to stdout) */
export function progress(quiet: boolean, msg: string) {
    if (!quiet) process.stderr.write(`bench: ${msg}\n`)
}
