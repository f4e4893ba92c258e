// A session record: one scenario's run, closed loop or the firmware in the VM, as the data a
// report is made of (rows, events, outcome) and judged against the scenario's expectations.
//
//   const rec = recordClosedLoop(profile, scenario)        // or await recordVm(profile, scenario)
//   writeReport("reports/x", rec)                           // sim/report/write.ts
import type { Profile } from "../../core/profile"
import { runClosedLoop } from "../closedloop"
import { judge, judgeLocked, judgePasses } from "../judge"
import { doseRunOfVm, judgeDose } from "../judge-dose"
import {
    ScenarioOutcome,
    SessionEvent,
    SessionRow,
    eventsOfClosedLoop,
    outcomeOfClosedLoop,
    rowsOfClosedLoop,
} from "../outcome"
import type { Scenario, ScenarioExpect } from "../scenario"
import { VmScenarioOptions, VmScenarioResult, runScenarioInVm } from "../scenario-vm"
import { SkinSection, skinSection } from "./skin"

export type RunMode = "closed loop" | "vm"

export interface SessionRecord {
    scenario: { name: string; description: string; seed: number; durationMs: number }
    mode: RunMode
    profile: Profile
    /** each area's pass limit at the end of the run */
    passLimits: Record<string, number>
    outcome: ScenarioOutcome
    rows: SessionRow[]
    events: SessionEvent[]
    /** what did not hold against the scenario's expectations ([] = all held) */
    failures: string[]
    /** anything else a reader should know */
    notes: string[]
    /** the true density maps, if the scenario played a technique (either runner) */
    skin?: SkinSection
}

/** check an outcome against the fields of a scenario's expectations (for runs without a plant trace) */
export function checkOutcome(profile: Profile, o: ScenarioOutcome, expect: ScenarioExpect): string[] {
    const bad: string[] = []
    if (expect.passes) bad.push(...judgePasses(profile, o.passes, expect.passes))
    if (expect.locked) bad.push(...judgeLocked(o.locked, expect.locked))
    if (expect.overPressure)
        for (const a of profile.areas)
            if ((o.overPressure[a.id] ?? 0) !== (expect.overPressure[a.id] ?? 0))
                bad.push(`too-hard presses on ${a.id}: ${o.overPressure[a.id] ?? 0}, want ${expect.overPressure[a.id] ?? 0}`)
    if (expect.faults && o.faults.join(",") !== expect.faults.join(","))
        bad.push(`faults [${o.faults.join(",")}], want [${expect.faults.join(",")}]`)
    if (expect.overPressureCutoffsAtLeast !== undefined && o.overPressureCutoffs < expect.overPressureCutoffsAtLeast)
        bad.push(`over-pressure cutoffs ${o.overPressureCutoffs}, want >= ${expect.overPressureCutoffsAtLeast}`)
    if (expect.riseCutoffsAtLeast !== undefined && o.riseCutoffs < expect.riseCutoffsAtLeast)
        bad.push(`rise cutoffs ${o.riseCutoffs}, want >= ${expect.riseCutoffsAtLeast}`)
    if (expect.finalState !== undefined && o.finalState !== expect.finalState) bad.push(`final state ${o.finalState}, want ${expect.finalState}`)
    return bad
}

function scenarioHead(s: Scenario): SessionRecord["scenario"] {
    return { name: s.name, description: s.description, seed: s.seed, durationMs: s.durationMs }
}

/** a trace period that keeps a run to at most ~40 000 rows (5 ms for runs up to 200 s) */
export function tracePeriodMs(durationMs: number): number {
    return Math.max(5, Math.ceil(durationMs / 40000 / 5) * 5)
}

export function recordClosedLoop(profile: Profile, scenario: Scenario, traceEveryMs = tracePeriodMs(scenario.durationMs)): SessionRecord {
    const r = runClosedLoop(profile, scenario, { traceEveryMs })
    const outcome = outcomeOfClosedLoop(profile, r)
    const skin = skinSection(profile, r, outcome.passes)
    return {
        scenario: scenarioHead(scenario),
        mode: "closed loop",
        profile,
        passLimits: r.passLimits,
        outcome,
        rows: rowsOfClosedLoop(profile, r),
        events: eventsOfClosedLoop(r),
        failures: judge(profile, r, scenario.expect),
        notes: [
            `closed loop: ${(r.summary.simulatedMs / 1000).toFixed(1)} s simulated in ${(r.summary.wallMs / 1000).toFixed(2)} s, trace every ${traceEveryMs} ms`,
            ...r.summary.refused.map((m) => `refused: ${m}`),
            scenario.accelerometer ? "the handpiece accelerometer on the bus (role motion): the dwell rule runs" : "no handpiece accelerometer on the bus: dwell protection was off",
        ],
        ...(skin ? { skin } : {}),
    }
}

export async function recordVm(profile: Profile, scenario: Scenario, opts: VmScenarioOptions = {}): Promise<SessionRecord> {
    return recordOfVmRun(profile, scenario, await runScenarioInVm(profile, scenario, opts), opts)
}

/** the session record of a finished VM run (recordVm, or a test that ran the scenario itself) */
export function recordOfVmRun(profile: Profile, scenario: Scenario, r: VmScenarioResult, opts: VmScenarioOptions = {}): SessionRecord {
    // the true maps the VM plant's real strokes filled, judged as the closed loop's are
    const dose = doseRunOfVm(r)
    const skin = skinSection(profile, dose, r.outcome.passes)
    return {
        scenario: scenarioHead(scenario),
        mode: "vm",
        profile,
        passLimits: r.passLimits,
        outcome: r.outcome,
        rows: r.rows,
        events: r.events.filter((e) => e.tMs >= 0),
        failures: [...checkOutcome(profile, r.outcome, scenario.expect), ...(scenario.expect.dose ? judgeDose(profile, dose, scenario.expect.dose) : [])],
        notes: [
            `firmware in the VM, real time: ${(r.wallMs / 1000).toFixed(1)} s wall; the plant (true force, rate, depth, drive) ` +
                `sampled every ~10 ms, the firmware's side (state, set and measured rate, commanded depth) from its status line, ` +
                `every ${profile.control.statusEveryMs} ms` +
                (r.lagMs > 0 ? `; steps after the area presses moved by ${r.lagMs.toFixed(0)} ms` : "") +
                (opts.accelerometer ?? scenario.accelerometer ? "; the handpiece accelerometer on the bus (role motion): the dwell rule runs" : "; no handpiece accelerometer on the bus: dwell protection was off"),
            ...r.notes,
        ],
        ...(skin ? { skin } : {}),
    }
}
