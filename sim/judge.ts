// Judging a closed-loop run from the plant (what the needle, the skin and the motor really did),
// not from the firmware's own counters: the scenario's expectations and the invariants every run
// must keep. Used by the scenario library's tests, the reports and the bench.
import type { Profile } from "../core/profile"
import { ClosedLoopResult, PLANT_STEP_MS } from "./closedloop"
import { judgeDose } from "./judge-dose"
import type { ScenarioExpect } from "./scenario"

/** the areas an area_locked event named, each once, in the order they first locked */
export function lockedAreas(events: { kind: string; areaId?: string }[]): string[] {
    const out: string[] = []
    for (const e of events) if (e.kind === "area_locked" && e.areaId !== undefined && out.indexOf(e.areaId) < 0) out.push(e.areaId)
    return out
}

/** the firmware's dose per area (passes, a fraction) against [at least, at most]; unlisted areas must have none */
export function judgePasses(profile: Profile, got: Record<string, number>, want: Record<string, [number, number]>): string[] {
    const bad: string[] = []
    for (const a of profile.areas) {
        const g = got[a.id] ?? 0
        const w = want[a.id]
        if (!w) {
            if (g !== 0) bad.push(`passes on ${a.id}: ${g.toFixed(3)}, want none`)
        } else if (!(g >= w[0] && g <= w[1])) bad.push(`passes on ${a.id}: ${g.toFixed(3)}, want ${w[0].toFixed(3)}..${w[1].toFixed(3)}`)
    }
    return bad
}

/** the areas that locked against the ones that should have, and only those */
export function judgeLocked(got: string[], want: string[]): string[] {
    const g = got.slice().sort().join(",")
    const w = want.slice().sort().join(",")
    return g === w ? [] : [`locked areas [${g}], want [${w}]`]
}

export interface JudgeOptions {
    /** force sample period the run used (ms); default 5 */
    forceSampleMs?: number
    /** actuator deadband: how far the real depth may sit from its target (mm); default 0.02 */
    depthSlackMm?: number
}

/**
 * What failed, judged from the plant (empty = all held): the scenario's expectations, and the
 * invariants every run must keep. A `hazard: "drive_held"` scenario skips the drive invariants
 * (the needle driver is off the bus; nothing the firmware does reaches it).
 */
export function judge(profile: Profile, r: ClosedLoopResult, expect: ScenarioExpect, o: JudgeOptions = {}): string[] {
    const s = r.summary
    const bad: string[] = []
    const sampleMs = o.forceSampleMs ?? 5
    const slack = o.depthSlackMm ?? 0.02
    if (s.maxOverPressureDriveMs > sampleMs + PLANT_STEP_MS)
        bad.push(`drive ${s.maxOverPressureDriveMs} ms with the true force above what the sensor surely reads as ${profile.force.overPressureN} N (limit one sample, ${sampleMs} ms)`)
    if (expect.hazard !== "drive_held") {
        if (s.driveOutsideTreatingMs > 0) bad.push(`drive ${s.driveOutsideTreatingMs} ms outside a pass`)
        if (s.driveInFaultMs > 0) bad.push(`drive ${s.driveInFaultMs} ms in a fault`)
        for (const f of s.faults)
            if (f.driveCutAfterMs !== 0) bad.push(`${f.code} at ${f.atMs} ms: drive cut after ${f.driveCutAfterMs} ms (want at once)`)
    }
    if (s.maxDepthOverCapMm > slack + 1e-9) bad.push(`real depth ${s.maxDepthOverCapMm.toFixed(3)} mm past the area cap on the skin`)
    if (s.maxDepthErrWhileDrivenMm > profile.depth.toleranceMm + 1e-9)
        bad.push(`needle driven ${s.maxDepthErrWhileDrivenMm.toFixed(3)} mm away from the preset depth (tolerance ${profile.depth.toleranceMm} mm)`)
    if (expect.passes) bad.push(...judgePasses(profile, s.passes, expect.passes))
    if (expect.locked) bad.push(...judgeLocked(lockedAreas(r.events), expect.locked))
    if (expect.overPressure) {
        for (const a of profile.areas) {
            const want = expect.overPressure[a.id] ?? 0
            if (s.overPressureCount[a.id] !== want) bad.push(`too-hard presses on ${a.id}: ${s.overPressureCount[a.id]}, want ${want}`)
        }
    }
    if (expect.faults) {
        const got = s.faults.map((f) => f.code).join(",")
        if (got !== expect.faults.join(",")) bad.push(`faults [${got}], want [${expect.faults.join(",")}]`)
    }
    if (expect.overPressureCutoffsAtLeast !== undefined && s.overPressureCutoffs < expect.overPressureCutoffsAtLeast)
        bad.push(`over-pressure cutoffs ${s.overPressureCutoffs}, want >= ${expect.overPressureCutoffsAtLeast}`)
    if (expect.riseCutoffsAtLeast !== undefined && s.riseCutoffs < expect.riseCutoffsAtLeast)
        bad.push(`rise cutoffs ${s.riseCutoffs}, want >= ${expect.riseCutoffsAtLeast}`)
    if (expect.refusedAtLeast !== undefined && s.refused.length < expect.refusedAtLeast)
        bad.push(`refused commands ${s.refused.length}, want >= ${expect.refusedAtLeast}`)
    if (expect.finalState !== undefined && s.finalState !== expect.finalState)
        bad.push(`final state ${s.finalState}, want ${expect.finalState}`)
    if (expect.dose) bad.push(...judgeDose(profile, r, expect.dose))
    return bad
}

