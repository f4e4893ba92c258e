// Judging the dose from the true density map (sim/skin-dose.ts), never from the firmware's pass
// counters (issue 13). Two findings, in words a reader of a report can act on:
//   premature lock   the firmware locked an area while the skin's true mean dose was still under
//                    PREMATURE_LOCK_SHARE of the limit's dose (the rule before issue 13, a pass =
//                    a contact episode, let lifts use up the limit)
//   over-treatment   the densest 1 cm² of an area got more than OVER_TREATMENT_SHARE x the limit's
//                    dose (a dwell, stamping)
// The limit's dose = the area's pass limit in force (the run's passLimits: the preset, or what the
// operator set and the pen accepted; never the limit the pen's own events print) x the density of one pass, the profile's
// passDensityPerCm2 (devs.json, the number the firmware's rule uses; sim/plant/dose.ts
// perPassDensityPerCm2 for a profile without it). Both shares are assumptions in docs/DOSE.md.
// At a lock, the firmware's own estimate (the passes its area_locked event printed x
// passDensityPerCm2) is set beside the true mean density of the map at that moment (doseAtLock).
// Either runner's result is judged: a closed-loop result is a DoseRun as it is, the firmware in
// the VM's (sim/scenario-vm.ts) becomes one with doseRunOfVm.
import type { Profile } from "../core/profile"
import type { LockRecord } from "./closedloop-result"
import { perPassDensityPerCm2 } from "./plant/dose"
import type { DoseExpect } from "./scenario"
import type { AreaSkinResult } from "./skin-dose"

/** what the dose judge reads from a run, closed loop (ClosedLoopResult is one) or VM (doseRunOfVm) */
export interface DoseRun {
    /** per area a technique played on: the true density map (sim/skin-dose.ts) */
    skin?: Record<string, AreaSkinResult>
    /** the pen's events, at ms since the scenario started */
    events: { kind: string; areaId?: string; atMs: number; pass?: number; passLimit?: number }[]
    /** the closed loop's record of each lock, with the motor's stop after it (the VM has none) */
    summary?: { locks?: LockRecord[] }
    /** each area's pass limit in force, from the operator's side (ClosedLoopResult, VmScenarioResult); absent: the presets */
    passLimits?: Record<string, number>
}

/** a VM run's true maps and its events (timed tMs, as the firmware printed them) as the dose judge reads them */
export function doseRunOfVm(r: {
    skin?: Record<string, AreaSkinResult>
    events: { kind: string; areaId?: string; tMs: number; pass?: number; passLimit?: number }[]
    passLimits?: Record<string, number>
}): DoseRun {
    return {
        skin: r.skin,
        passLimits: r.passLimits,
        events: r.events.filter((e) => e.tMs >= 0).map((e) => ({ kind: e.kind, areaId: e.areaId, atMs: e.tMs, pass: e.pass, passLimit: e.passLimit })),
    }
}

/** a lock is premature while the true mean is under this share of the limit's dose */
export const PREMATURE_LOCK_SHARE = 0.5
/** a 1 cm² window over this many times the limit's dose is over-treated: a clinical technique's densest cm² is 1.1-2.1 x the limit's dose at the factory limits (docs/DOSE.md) */
export const OVER_TREATMENT_SHARE = 2

/**
 * the cam turns below 1 stroke/s this soon after the drive is cut at a lock: the brake stops the
 * coreless motor in ~100 ms (sim/plant/motor.ts; the fault scenarios see the same); a generous guard
 */
export const NEEDLE_STOP_AFTER_LOCK_MS = 300

export interface AreaDoseView {
    areaId: string
    passLimit: number
    perPassPerCm2: number
    /** the limit's dose (punctures/cm²) */
    limitPerCm2: number
    meanPasses: number
    worstPasses: number
}

/** the dose of an area in passes of its per-pass dose, against the limit in force (the run's, else the preset's) */
export function areaDoseView(profile: Profile, skin: AreaSkinResult, r?: DoseRun): AreaDoseView {
    const area = profile.areas.find((a) => a.id === skin.areaId)
    const strokeHz = area ? area.preset.strokeHz : 100
    let passLimit = area ? area.preset.passLimit : 1
    if (r && r.passLimits && skin.areaId in r.passLimits) passLimit = r.passLimits[skin.areaId]
    const perPass = area && area.passDensityPerCm2 > 0 ? area.passDensityPerCm2 : perPassDensityPerCm2(strokeHz, skin.needles, skin.footprintMm)
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

/** an area's first lock, the firmware's dose estimate beside the true map's, the warning and the motor's stop */
export interface DoseAtLock {
    areaId: string
    lockAtMs: number
    /** the firmware's estimate: the passes its area_locked event printed x passDensityPerCm2 */
    firmwarePerCm2: number
    firmwarePasses: number
    /** the map's true mean density at the lock (punctures on the area's rectangle / its cm²) */
    truePerCm2: number
    /** firmwarePerCm2 / truePerCm2 - 1 (0.05 = the firmware says 5 % more than the skin got) */
    error: number
    /** the true mean over the limit's dose (a premature lock is under PREMATURE_LOCK_SHARE) */
    trueShareOfLimit: number
    /** the share of the punctures the needle field put beyond the rectangle's edges, at the end */
    offAreaShare: number
    /** when the firmware warned of the end of the area's dose (NaN: never) */
    warnAtMs: number
    /** ms from the lock to the motor's drive at 0 and to the cam below 1 stroke/s (-1: never) */
    driveCutAfterMs: number
    needleStoppedAfterMs: number
}

/** the area's first lock seen from the map; undefined if it never locked or no technique was played there */
export function doseAtLock(profile: Profile, r: DoseRun, areaId: string): DoseAtLock | undefined {
    const skin = r.skin ? r.skin[areaId] : undefined
    const e = r.events.find((x) => x.kind === "area_locked" && x.areaId === areaId)
    if (!skin || !e) return undefined
    const v = areaDoseView(profile, skin, r)
    const firmwarePasses = e.pass ?? NaN
    const firmwarePerCm2 = firmwarePasses * v.perPassPerCm2
    const truePerCm2 = meanAtMs(skin, e.atMs)
    const warn = r.events.find((x) => x.kind === "dose_warning" && x.areaId === areaId)
    const locks = r.summary && r.summary.locks ? r.summary.locks : []
    const rec = locks.find((l) => l.areaId === areaId)
    const m = skin.map
    return {
        areaId,
        lockAtMs: e.atMs,
        firmwarePerCm2,
        firmwarePasses,
        truePerCm2,
        error: firmwarePerCm2 / truePerCm2 - 1,
        trueShareOfLimit: truePerCm2 / v.limitPerCm2,
        offAreaShare: m.totalPunctures > 0 ? m.offAreaPunctures / m.totalPunctures : 0,
        warnAtMs: warn ? warn.atMs : NaN,
        driveCutAfterMs: rec ? rec.driveCutAfterMs : -1,
        needleStoppedAfterMs: rec ? rec.needleStoppedAfterMs : -1,
    }
}

/** premature locks and over-treatment, from the true maps ([] = none, or no technique played) */
export function doseFindings(profile: Profile, r: DoseRun): string[] {
    const out: string[] = []
    if (!r.skin) return out
    for (const id of Object.keys(r.skin)) {
        const skin = r.skin[id]
        // against the limit in force (the run's: what the operator set and the pen accepted), never
        // the one the pen's events print: a pen that locked early and said a lower limit is caught
        const v = areaDoseView(profile, skin, r)
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
    const v = areaDoseView(profile, skin, r)
    if (d.meanPassesAtLeast !== undefined && v.meanPasses < d.meanPassesAtLeast)
        bad.push(`true mean dose on ${d.areaId}: ${v.meanPasses.toFixed(2)} passes, want >= ${d.meanPassesAtLeast.toFixed(2)}`)
    if (d.meanPassesAtMost !== undefined && v.meanPasses > d.meanPassesAtMost)
        bad.push(`true mean dose on ${d.areaId}: ${v.meanPasses.toFixed(2)} passes, want <= ${d.meanPassesAtMost.toFixed(2)}`)
    if (d.noFindings) bad.push(...doseFindings(profile, r))
    else if (d.noPrematureLock) bad.push(...doseFindings(profile, r).filter((f) => f.startsWith("premature lock")))
    if (d.lockAgreesWithin !== undefined) {
        const l = doseAtLock(profile, r, d.areaId)
        if (!l) bad.push(`${d.areaId} never locked`)
        else {
            if (!(Math.abs(l.error) <= d.lockAgreesWithin))
                bad.push(`${d.areaId} locked at ${(l.lockAtMs / 1000).toFixed(1)} s: the firmware's estimate ${Math.round(l.firmwarePerCm2)}/cm² ` +
                    `(${l.firmwarePasses.toFixed(2)} passes) against a true mean of ${Math.round(l.truePerCm2)}/cm²: ${(100 * l.error).toFixed(1)} %, ` +
                    `want within ±${(100 * d.lockAgreesWithin).toFixed(0)} %`)
            if (!(l.warnAtMs < l.lockAtMs)) bad.push(`${d.areaId}: no dose_warning before the lock at ${(l.lockAtMs / 1000).toFixed(1)} s`)
            if (l.driveCutAfterMs !== 0) bad.push(`${d.areaId}: the motor's drive was cut ${l.driveCutAfterMs} ms after the lock (want at once)`)
            if (!(l.needleStoppedAfterMs >= 0 && l.needleStoppedAfterMs <= NEEDLE_STOP_AFTER_LOCK_MS))
                bad.push(`${d.areaId}: the cam stopped ${l.needleStoppedAfterMs} ms after the lock (want <= ${NEEDLE_STOP_AFTER_LOCK_MS} ms)`)
        }
    }
    return bad
}
