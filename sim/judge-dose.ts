// Judging the dose from the true density map (sim/skin-dose.ts), never from the firmware's pass
// counters (issue 13). Two findings, in words a reader of a report can act on:
//   premature lock   the firmware locked an area while the skin's true mean dose was still under
//                    PREMATURE_LOCK_SHARE of the limit's dose (today's rule: a pass = a contact
//                    episode, so lifts used up the limit)
//   over-treatment   the densest 1 cm² of an area got more than OVER_TREATMENT_SHARE x the limit's
//                    dose (a dwell, stamping)
// The limit's dose = the area's pass limit x the per-pass dose at its preset rate
// (sim/plant/dose.ts perPassDensityPerCm2; both shares are assumptions in docs/DOSE.md).
// Either runner's result is judged: a closed-loop result is a DoseRun as it is, the firmware in
// the VM's (sim/scenario-vm.ts) becomes one with doseRunOfVm.
import type { Profile } from "../core/profile"
import { perPassDensityPerCm2 } from "./plant/dose"
import type { DoseExpect } from "./scenario"
import type { AreaSkinResult } from "./skin-dose"

/** what the dose judge reads from a run, closed loop (ClosedLoopResult is one) or VM (doseRunOfVm) */
export interface DoseRun {
    /** per area a technique played on: the true density map (sim/skin-dose.ts) */
    skin?: Record<string, AreaSkinResult>
    /** the pen's events, at ms since the scenario started */
    events: { kind: string; areaId?: string; atMs: number }[]
}

/** a VM run's true maps and its events (timed tMs, as the firmware printed them) as the dose judge reads them */
export function doseRunOfVm(r: { skin?: Record<string, AreaSkinResult>; events: { kind: string; areaId?: string; tMs: number }[] }): DoseRun {
    return { skin: r.skin, events: r.events.filter((e) => e.tMs >= 0).map((e) => ({ kind: e.kind, areaId: e.areaId, atMs: e.tMs })) }
}

/** a lock is premature while the true mean is under this share of the limit's dose */
export const PREMATURE_LOCK_SHARE = 0.5
/** a 1 cm² window over this many times the limit's dose is over-treated: a clinical technique's densest cm² is 1.3-1.9 x its mean */
export const OVER_TREATMENT_SHARE = 2

export interface AreaDoseView {
    areaId: string
    passLimit: number
    perPassPerCm2: number
    /** the limit's dose (punctures/cm²) */
    limitPerCm2: number
    meanPasses: number
    worstPasses: number
}

/** the dose of an area in passes of its preset's per-pass dose */
export function areaDoseView(profile: Profile, skin: AreaSkinResult): AreaDoseView {
    const area = profile.areas.find((a) => a.id === skin.areaId)
    const strokeHz = area ? area.preset.strokeHz : 100
    const passLimit = area ? area.preset.passLimit : 1
    const perPass = perPassDensityPerCm2(strokeHz, skin.needles, skin.footprintMm)
    return {
        areaId: skin.areaId,
        passLimit,
        perPassPerCm2: perPass,
        limitPerCm2: passLimit * perPass,
        meanPasses: skin.meanPerCm2 / perPass,
        worstPasses: skin.worst.perCm2 / perPass,
    }
}

/** the true mean density of an area at tMs (the last sample at or before it); NaN if not played by then */
export function meanAtMs(skin: AreaSkinResult, tMs: number): number {
    let v = NaN
    for (let i = 0; i < skin.seriesMs.length && skin.seriesMs[i] <= tMs; i++) v = skin.seriesMeanPerCm2[i]
    return v
}

/** premature locks and over-treatment, from the true maps ([] = none, or no technique played) */
export function doseFindings(profile: Profile, r: DoseRun): string[] {
    const out: string[] = []
    if (!r.skin) return out
    for (const id of Object.keys(r.skin)) {
        const skin = r.skin[id]
        const v = areaDoseView(profile, skin)
        // the area's first lock (area_locked is said again on a re-arm or re-select of a locked area)
        const e = r.events.find((x) => x.kind === "area_locked" && x.areaId === id)
        if (e) {
            const mean = meanAtMs(skin, e.atMs)
            if (mean < PREMATURE_LOCK_SHARE * v.limitPerCm2)
                out.push(`premature lock: ${id} locked at ${(e.atMs / 1000).toFixed(1)} s with a true mean of ${Math.round(mean)}/cm² ` +
                    `(${(mean / v.perPassPerCm2).toFixed(2)} passes of ${Math.round(v.perPassPerCm2)}/cm²), limit ${v.passLimit} passes`)
        }
        if (skin.worst.perCm2 > OVER_TREATMENT_SHARE * v.limitPerCm2)
            out.push(`over-treatment: ${id}'s densest 1 cm² (centre ${skin.worst.xMm.toFixed(0)}, ${skin.worst.yMm.toFixed(0)} mm) got ` +
                `${Math.round(skin.worst.perCm2)}/cm² = ${v.worstPasses.toFixed(1)} passes, over ${OVER_TREATMENT_SHARE} x the limit's ` +
                `${v.passLimit} passes (${Math.round(v.limitPerCm2)}/cm²)`)
    }
    return out
}

/** a scenario's dose expectation against the true map ([] = held) */
export function judgeDose(profile: Profile, r: DoseRun, d: DoseExpect): string[] {
    const bad: string[] = []
    const skin = r.skin ? r.skin[d.areaId] : undefined
    if (!skin) return [`dose on ${d.areaId}: no technique was played there`]
    const v = areaDoseView(profile, skin)
    if (d.meanPassesAtLeast !== undefined && v.meanPasses < d.meanPassesAtLeast)
        bad.push(`true mean dose on ${d.areaId}: ${v.meanPasses.toFixed(2)} passes, want >= ${d.meanPassesAtLeast.toFixed(2)}`)
    if (d.meanPassesAtMost !== undefined && v.meanPasses > d.meanPassesAtMost)
        bad.push(`true mean dose on ${d.areaId}: ${v.meanPasses.toFixed(2)} passes, want <= ${d.meanPassesAtMost.toFixed(2)}`)
    if (d.noFindings) bad.push(...doseFindings(profile, r))
    return bad
}
