// Every benchmark, in one run: `npm run bench` (bench/run.ts) runs the full sizes, the quick test
// (test/fil/bench-quick.test.ts) the same code with small ones. The VM benchmarks run one VM at a
// time, each stopped before the next starts, also when one fails.
import os from "node:os"
import type { Profile } from "../core/profile"
import { benchCutoff } from "./cutoff"
import { DepthStep, depthSection } from "./depth"
import { benchFlashWear } from "./flashwear"
import { TIMING_FULL, benchTiming } from "./cpu"
import { DWELL_FULL, benchDwell } from "./dwell"
import { benchFootprint } from "./footprint"
import { Commit, Machine, Row, Section, commit, machine, progress } from "./lib"
import { benchRate } from "./rate"
import { benchSimSpeed } from "./simspeed"
import { StartupSample, startupRuns, startupSection } from "./startup"
import { benchTick } from "./tick"

export interface SuiteSizes {
    cutoffTrialsPerGroup: number
    warmupMs: number
    treatMs: number
    liveHeapSamples: number
    startupRuns: number
    rateSeeds: number
    simRuns: number
}

export const FULL: SuiteSizes = { cutoffTrialsPerGroup: 60, warmupMs: 3000, treatMs: 60000, liveHeapSamples: 3, startupRuns: 3, rateSeeds: 5, simRuns: 3 }
export const QUICK: SuiteSizes = { cutoffTrialsPerGroup: 4, warmupMs: 500, treatMs: 3000, liveHeapSamples: 1, startupRuns: 0, rateSeeds: 1, simRuns: 1 }

/** every row a complete run has, in table order (the quick test checks them all) */
export const ROW_IDS = [
    "cutoff", "cutoff.56", "cutoff.100", "cutoff.120", "cutoff.150", "cutoff.spinup",
    "tick.rate", "tick.period", "tick.time",
    "rate.56", "rate.56.open", "rate.100", "rate.100.open", "rate.150", "rate.150.open",
    "depth.closed", "depth.vm",
    "simspeed",
    "flashwear.session", "flashwear.worst",
    "bytecode", "bytecode.functions", "heap",
    "startup.ready", "startup.selftest", "startup.drive", "startup.boot",
]

export interface SuiteReport {
    mode: "full" | "quick"
    sizes: SuiteSizes
    date: string
    machine: Machine
    commit: Commit
    sections: Section[]
    /** measurements that threw (their rows are missing) */
    errors: string[]
    wallMs: number
}

export async function runSuite(profile: Profile, mode: "full" | "quick", o: { quiet?: boolean } = {}): Promise<SuiteReport> {
    const t0 = performance.now()
    const sizes = mode === "full" ? FULL : QUICK
    const quiet = o.quiet ?? false
    const load0 = os.loadavg()[0]
    const startups: StartupSample[] = []
    const depthSteps: DepthStep[] = []
    const errors: string[] = []
    const done = new Map<string, Section>()
    const attempt = async (name: string, fn: () => Promise<Section> | Section) => {
        try {
            done.set(name, await fn())
        } catch (e) {
            const msg = e instanceof Error ? e.message : String(e)
            errors.push(`${name}: ${msg}`)
            progress(quiet, `${name} FAILED: ${msg}`)
        }
    }
    await attempt("cutoff", () => benchCutoff(profile, { trialsPerGroup: sizes.cutoffTrialsPerGroup, quiet }, startups, depthSteps))
    await attempt("tick", () => benchTick(profile, { warmupMs: sizes.warmupMs, treatMs: sizes.treatMs, liveSamples: sizes.liveHeapSamples, quiet }, startups))
    const tStart = performance.now()
    await attempt("startup-runs", async () => {
        await startupRuns(profile, sizes.startupRuns, startups, quiet)
        return { title: "", rows: [], notes: [], wallMs: 0 }
    })
    const startupMs = performance.now() - tStart
    await attempt("rate", () => benchRate(profile, { seeds: sizes.rateSeeds, quiet }))
    await attempt("depth", () => depthSection(profile, depthSteps, quiet))
    await attempt("simspeed", () => benchSimSpeed(profile, sizes.simRuns, quiet))
    await attempt("flashwear", () => benchFlashWear(profile, quiet))
    // the heap row is measured with the tick but belongs to the footprint
    const tick = done.get("tick")
    const heapRow: Row | undefined = tick?.rows.find((r) => r.id === "heap")
    if (tick) tick.rows = tick.rows.filter((r) => r.id !== "heap")
    await attempt("footprint", () => benchFootprint(heapRow))
    await attempt("startup", () => startupSection(profile, startups, startupMs))
    // timing on the chip (bench/cpu.ts): full runs only, two rounds here to keep the whole run under
    // its 5 minutes (`npm run bench -- --only timing` takes three); its rows (TIMING_ROW_IDS) are
    // not in ROW_IDS, which the quick test checks
    if (mode === "full") await attempt("timing", () => benchTiming(profile, { ...TIMING_FULL, rounds: 2, stateMs: 2500, quiet }))
    // the dwell rule in the VM (bench/dwell.ts): full runs only, ~3 minutes of real time
    if (mode === "full") await attempt("dwell", () => benchDwell(profile, { ...DWELL_FULL, quiet }))
    const order = ["cutoff", "tick", "rate", "depth", "simspeed", "flashwear", "footprint", "startup", "dwell", "timing"]
    return {
        mode,
        sizes,
        date: new Date().toISOString(),
        machine: machine(load0),
        commit: commit(),
        sections: order.filter((k) => done.has(k)).map((k) => done.get(k)!),
        errors,
        wallMs: performance.now() - t0,
    }
}

export function allRows(r: SuiteReport): Row[] {
    return r.sections.flatMap((s) => s.rows)
}
