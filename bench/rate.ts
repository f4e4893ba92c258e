// Stroke-rate hold under the contact load of a typical pass, closed-loop simulation
// (sim/closedloop.ts compareOpenLoop): the pen runs at a light touch (0.7 N), then the hand loads
// it to 1.5 N at 1.0 mm depth (100 ms ramp) and holds for 3 s. The same hand, seed and depth on an
// open-loop drive (a fixed duty for the rate, as commercial pens do), in the same run. One run per
// seed (the hand's tremor and wander, the sensor noise differ by seed); figures are over seeds.
import type { Profile } from "../core/profile"
import { compareOpenLoop, OpenVsClosed } from "./openloop"
import { Row, Section, dist, f, progress, verdict } from "./lib"

export interface RateOptions {
    seeds: number
    quiet?: boolean
}

export const RATES = [56, 100, 150]
const FORCE_N = 1.5
const DEPTH_MM = 1.0
/** goals of test/sim/closedloopRate.test.ts; the issue names none */
export const STEADY_GOAL_PCT = 5
export const RECOVERY_GOAL_MS = 1000
export const DIP_RATIO_GOAL = 2

export function benchRate(profile: Profile, o: RateOptions): Section {
    const t0 = performance.now()
    const rows: Row[] = []
    const lines: string[] = []
    const perSeed: string[] = []
    for (const hz of RATES) {
        const runs: OpenVsClosed[] = []
        for (let seed = 1; seed <= o.seeds; seed++) runs.push(compareOpenLoop(profile, hz, FORCE_N, DEPTH_MM, { seed }))
        const steady = dist(runs.map((r) => Math.abs(r.closed.steadyErrPct)))
        const dip = dist(runs.map((r) => r.closed.worstDipPct))
        const rec = runs.map((r) => (r.closed.recoveryMs === null ? Infinity : r.closed.recoveryMs))
        const recD = dist(rec)
        const openSteady = dist(runs.map((r) => r.open.steadyErrPct))
        const openDip = dist(runs.map((r) => r.open.worstDipPct))
        const ratio = dist(runs.map((r) => r.dipRatio))
        const openRecovered = runs.filter((r) => r.open.recoveryMs !== null).length
        rows.push({
            id: `rate.${hz}`,
            what: `Stroke-rate hold at ${hz}/s, closed loop, ${FORCE_N} N pass load at ${DEPTH_MM} mm: |steady error|, worst dip, recovery to ±5%`,
            figure: `steady ${f(steady.median)}% (worst ${f(steady.max)}%), dip ${f(dip.median)}% (worst ${f(dip.max)}%), ` +
                `recovery ${f(recD.median, 0)} ms (worst ${f(recD.max, 0)} ms); n=${runs.length} seeds`,
            goal: `steady < ${STEADY_GOAL_PCT}%, recovery < ${RECOVERY_GOAL_MS} ms (test/sim)`,
            verdict: verdict(steady.max < STEADY_GOAL_PCT && recD.max < RECOVERY_GOAL_MS),
            values: { n: runs.length, steadyMax: steady.max, steadyMedian: steady.median, dipMedian: dip.median, dipMax: dip.max, recoveryMedian: recD.median, recoveryMax: recD.max },
        })
        rows.push({
            id: `rate.${hz}.open`,
            what: `… same load, open-loop drive (fixed duty ${f(runs[0].openDuty, 2)}), same run: steady error, worst dip; dip ratio open/closed`,
            figure: `steady ${f(openSteady.median)}%, dip ${f(openDip.median)}%, back within ±5% in ${openRecovered} of ${runs.length}; ` +
                `ratio ${f(ratio.median)}× (lowest ${f(ratio.min)}×)`,
            goal: `ratio > ${DIP_RATIO_GOAL}× (test/sim)`,
            verdict: verdict(ratio.min > DIP_RATIO_GOAL),
            values: { n: runs.length, openSteadyMedian: openSteady.median, openDipMedian: openDip.median, ratioMedian: ratio.median, ratioMin: ratio.min },
        })
        perSeed.push(`${hz}/s: ${runs.map((r, i) => `seed ${i + 1} dip ${f(r.closed.worstDipPct)}% / ${r.closed.recoveryMs === null ? "no recovery" : f(r.closed.recoveryMs, 0) + " ms"}`).join(", ")}`)
        lines.push(`| ${hz} | ${f(dist(runs.map((r) => r.closed.beforeHz)).median)} | ${f(dist(runs.map((r) => r.closed.steadyHz)).median)} | ${f(dist(runs.map((r) => r.closed.dutyEnd)).median, 2)} | ${f(dist(runs.map((r) => r.open.steadyHz)).median)} | ${f(runs[0].openDuty, 2)} |`)
    }
    progress(o.quiet ?? false, `rate: ${RATES.length} rates × ${o.seeds} seeds`)
    const notes = [
        `compareOpenLoop (sim/closedloop.ts) on the virtual clock, seeds 1..${o.seeds}: the pen on the cheeks preset set to the ` +
            `rate (set_preset), light touch 0.7 N, then ${FORCE_N} N at ${DEPTH_MM} mm held 3 s. Rates are the plant's true cam ` +
            `rate averaged over stroke.rateWindowMs (${profile.stroke.rateWindowMs} ms); steady = mean over the last second of the ` +
            `load; recovery = until the rate stays within ±5% of the set point. The open-loop pen runs a fixed duty of ` +
            `rate / needle.noLoadHzPerDuty (${profile.needle.noLoadHzPerDuty}).`,
        "",
        "| set (/s) | closed: before load | closed: under load | closed: duty at end | open: under load | open: duty |",
        "|---:|---:|---:|---:|---:|---:|",
        ...lines,
        "",
        `Closed loop per seed, worst dip / recovery to ±5%: ${perSeed.join("; ")}.`,
    ]
    return { title: "Stroke-rate hold under load (closed-loop simulation)", rows, notes, wallMs: performance.now() - t0 }
}
