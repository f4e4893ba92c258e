// What a run of a scenario came to, in one shape for both ways of running it: the closed loop
// (sim/closedloop.ts, core + plant on a virtual clock) and the firmware bytecode in the VM against
// the plant in real time (sim/scenario-vm.ts). Outcomes, not times: real-time runs jitter.
// Also the rows and events a session report draws (sim/report/).
import type { Profile } from "../core/profile"
import type { EventData, FaultCode } from "../core/types"
import { ClosedLoopResult, STATES } from "./closedloop"
import { lockedAreas } from "./judge"

export interface ScenarioOutcome {
    /** passes used per area, a fraction of the dose (the firmware's ledger), every area of the profile (0 if none) */
    passes: Record<string, number>
    /** the areas the firmware locked (area_locked events), each once, in order */
    locked: string[]
    /** too-hard presses recorded per area, every area of the profile */
    overPressure: Record<string, number>
    /** over-pressure and fast-jab (rise) cutoff events */
    overPressureCutoffs: number
    riseCutoffs: number
    /** fault codes raised, in order */
    faults: FaultCode[]
    finalState: string
}

/** the fields compareOutcomes looks at */
export type OutcomeField = "passes" | "locked" | "overPressure" | "faults" | "overPressureCutoffs" | "riseCutoffs" | "finalState"

export const ALL_OUTCOME_FIELDS: OutcomeField[] = ["passes", "locked", "overPressure", "faults", "overPressureCutoffs", "riseCutoffs", "finalState"]

/**
 * How far two runs' doses (passes) may differ and still agree: DOSE_AGREE_ABS_PASSES plus
 * DOSE_AGREE_SHARE of the larger. Why they differ at all: the VM runs in real time, so when the
 * firmware sees a touch, starts the needle and sees the lift shifts by a few control ticks and
 * Jacdac packets against the closed loop's virtual clock: tens of ms per contact episode, a few
 * strokes x 12 needles each (e.g. 50 ms at 120 strokes/s = 6 strokes = 72 punctures = 0.0008 of a
 * cheek pass), and the motor's spin-up and coast differ with the drive's write times. A short
 * scenario has ~5-10 episodes (< 0.01 pass on any area); a long one a few per cent of its dose.
 * A lock is compared on its own (field "locked"): it must be the same areas.
 */
export const DOSE_AGREE_ABS_PASSES = 0.01
export const DOSE_AGREE_SHARE = 0.05

export function dosesAgree(a: number, b: number): boolean {
    return Math.abs(a - b) <= DOSE_AGREE_ABS_PASSES + DOSE_AGREE_SHARE * Math.max(Math.abs(a), Math.abs(b))
}

/** One sample of a run, for the trace file and the picture. */
export interface SessionRow {
    /** ms since the scenario started (plant clock) */
    tMs: number
    /** the hand's true force and the force the controller received (N) */
    forceTrueN: number
    forceMeasN: number
    /** stroke rate: set point while treating (else 0), the controller's measurement, the plant's truth */
    setHz: number
    measHz: number
    trueHz: number
    /** drive on the motor (0..1) */
    duty: number
    /** commanded depth and the real protrusion (mm) */
    depthTargetMm: number
    depthActualMm: number
    state: string
    area: string
    /** passes used on that area */
    passes: number
}

/** an event with its fields (core/events.ts) and when it happened in the run */
export interface SessionEvent extends EventData {
    tMs: number
}

export function emptyCounts(profile: Profile): Record<string, number> {
    const r: Record<string, number> = {}
    for (const a of profile.areas) r[a.id] = 0
    return r
}

export function outcomeOfClosedLoop(profile: Profile, r: ClosedLoopResult): ScenarioOutcome {
    const s = r.summary
    const passes = emptyCounts(profile)
    const overPressure = emptyCounts(profile)
    for (const a of profile.areas) {
        passes[a.id] = s.passes[a.id] ?? 0
        overPressure[a.id] = s.overPressureCount[a.id] ?? 0
    }
    return {
        passes,
        locked: lockedAreas(r.events),
        overPressure,
        overPressureCutoffs: s.overPressureCutoffs,
        riseCutoffs: s.riseCutoffs,
        faults: s.faults.map((f) => f.code),
        finalState: s.finalState,
    }
}

/** "" = the same on every field asked; else one line per difference */
export function compareOutcomes(a: ScenarioOutcome, b: ScenarioOutcome, fields: OutcomeField[] = ALL_OUTCOME_FIELDS, names = ["closed loop", "vm"]): string[] {
    const bad: string[] = []
    const counts = (what: string, x: Record<string, number>, y: Record<string, number>) => {
        const ids = new Set([...Object.keys(x), ...Object.keys(y)])
        for (const id of ids)
            if ((x[id] ?? 0) !== (y[id] ?? 0)) bad.push(`${what} on ${id}: ${names[0]} ${x[id] ?? 0}, ${names[1]} ${y[id] ?? 0}`)
    }
    for (const f of fields) {
        if (f === "passes") {
            const ids = new Set([...Object.keys(a.passes), ...Object.keys(b.passes)])
            for (const id of ids)
                if (!dosesAgree(a.passes[id] ?? 0, b.passes[id] ?? 0))
                    bad.push(`passes on ${id}: ${names[0]} ${(a.passes[id] ?? 0).toFixed(3)}, ${names[1]} ${(b.passes[id] ?? 0).toFixed(3)} (tolerance ${DOSE_AGREE_ABS_PASSES} + ${DOSE_AGREE_SHARE * 100} %)`)
        } else if (f === "locked") {
            const x = a.locked.slice().sort().join(",")
            const y = b.locked.slice().sort().join(",")
            if (x !== y) bad.push(`locked areas: ${names[0]} [${x}], ${names[1]} [${y}]`)
        }
        else if (f === "overPressure") counts("too-hard presses", a.overPressure, b.overPressure)
        else if (f === "faults") {
            if (a.faults.join(",") !== b.faults.join(",")) bad.push(`faults: ${names[0]} [${a.faults.join(",")}], ${names[1]} [${b.faults.join(",")}]`)
        } else if (a[f] !== b[f]) bad.push(`${f}: ${names[0]} ${a[f]}, ${names[1]} ${b[f]}`)
    }
    return bad
}

export function describeOutcome(o: ScenarioOutcome): string {
    const nonZero = (r: Record<string, number>, digits = 0) => Object.entries(r).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n.toFixed(digits)}`).join(", ") || "none"
    return `passes ${nonZero(o.passes, 3)}; locked [${o.locked.join(",")}]; too-hard presses ${nonZero(o.overPressure)}; ` +
        `cutoffs ${o.overPressureCutoffs} over-pressure + ${o.riseCutoffs} rise; faults [${o.faults.join(",")}]; final ${o.finalState}`
}

/** the trace of a closed-loop run as rows (the run needs traceEveryMs > 0) */
export function rowsOfClosedLoop(profile: Profile, r: ClosedLoopResult): SessionRow[] {
    const t = r.trace
    if (!t) return []
    const rows: SessionRow[] = []
    for (let i = 0; i < t.length; i++)
        rows.push({
            tMs: t.tMs[i],
            forceTrueN: t.forceTrueN[i],
            forceMeasN: t.forceMeasN[i],
            setHz: t.setHz[i],
            measHz: t.strokeHzMeas[i],
            trueHz: t.strokeHzTrue[i],
            duty: t.dutyPlant[i],
            depthTargetMm: t.depthTargetMm[i],
            depthActualMm: t.depthActualMm[i],
            state: STATES[t.state[i]],
            area: profile.areas[t.area[i]]?.id ?? "",
            passes: t.passes[i],
        })
    return rows
}

export function eventsOfClosedLoop(r: ClosedLoopResult): SessionEvent[] {
    return r.events.map(({ atMs, ...fields }) => ({ ...fields, tMs: atMs }))
}
