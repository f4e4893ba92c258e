// A scenario: what the operator and the world do to the pen, on the plant's clock. Plain data, so
// the same scenario drives the closed loop in Node (sim/closedloop.ts, virtual time) and the
// real-time rig with the firmware in the VM (sim/rig.ts: SimPen.playHand / press / fault / unplug).
//
//   { name, description, seed, durationMs, steps: [ { atMs, ...one or more actions } ], expect }
//
// Actions of a step (all optional; a step may carry several, applied in this order):
//   unplug:  { role, off }       a device leaves the bus (off: true) or comes back (off: false)
//   fault:   { name, on }        switch an injected plant fault (sim/plant PlantFaults) on or off
//   command: PenCommand          a console command, as typed by a person
//   press:   "trigger" | "area"  a button press held for holdMs (default 120 ms, as SimPen.press);
//                                holding the trigger for control.clearHoldMs asks to clear a fault
//   hand:    HandSegment[]       start playing a hand script (sim/plant/hand.ts) at atMs, replacing
//                                the one playing; after its end the last force is kept
//   technique: { areaId, tech }  with `hand` = techniqueHandScript(tech): the same hand moving over
//                                that area's skin (sim/plant/technique.ts); both runners put their
//                                plant's real strokes into the area's true density map
//                                (sim/skin-dose.ts; the VM's SimPen.playTechnique also feeds the
//                                path to the accelerometer, when it is on the bus)
// Times are plant milliseconds since the scenario started. `expect` is the outcome a runner
// checks against what the simulated hardware saw (see ScenarioExpect).
//
// Write scenarios with ScenarioBuilder: it keeps a cursor and advances it by the length of each
// hand script and press, so a treatment reads top to bottom.
import type { PenCommand, FaultCode, PenState } from "../core/types"
import type { PlantFaults } from "./plant/pen"
import type { HandSegment } from "./plant/hand"
import { FACTORY_PROFILE } from "../src/profile.g"
import { Technique, techniqueHandScript } from "./plant/technique"

/** the hardware roles a scenario can take off the bus (a subset of sim/devices RoleName) */
export type ScenarioRole = "needle" | "depth" | "pressure" | "stroke"

export type ScenarioButton = "trigger" | "area"

export interface ScenarioStep {
    /** plant time of the action (ms since the scenario started) */
    atMs: number
    unplug?: { role: ScenarioRole; off: boolean }
    fault?: { name: keyof PlantFaults; on: boolean }
    command?: PenCommand
    press?: ScenarioButton
    /** how long the button is held (ms); default DEFAULT_PRESS_MS */
    holdMs?: number
    hand?: HandSegment[]
    /** the hand's path over an area's skin; `hand` carries its force (ScenarioBuilder.technique) */
    technique?: { areaId: string; tech: Technique }
    /** why the step is there (for reports) */
    note?: string
}

/**
 * The outcome, as the hardware sees it. Every field is optional; a runner checks the ones given.
 * Invariants that hold for every scenario (no drive while the true force is above
 * what the sensor surely reads as force.overPressureN for longer than one force sample, no drive outside a pass, no drive in a
 * fault, real depth within the area cap in contact) are checked by the runners, not listed here.
 */
export interface ScenarioExpect {
    /**
     * the firmware's dose per area at the end, in passes (its ledger: punctures over the punctures
     * of one pass, a fraction), as [at least, at most]; areas not listed: none at all. Build it
     * with needledPasses(): a range around what the hand's contact time can deliver
     */
    passes?: Record<string, [number, number]>
    /** the areas the firmware locks (an area_locked event), in any order; areas not listed must not lock */
    locked?: string[]
    /** final too-hard-press count per area (areas not listed: 0) */
    overPressure?: Record<string, number>
    /** fault codes raised, in order; [] = none */
    faults?: FaultCode[]
    /** at least this many over-pressure cutoffs */
    overPressureCutoffsAtLeast?: number
    /** at least this many fast-jab (rise) cutoffs */
    riseCutoffsAtLeast?: number
    /** at least this many refused commands */
    refusedAtLeast?: number
    finalState?: PenState
    /**
     * what an unplugged role leaves behind. "drive_held": the needle's motor driver is off the bus
     * and keeps the last drive it got (nothing can stop it): the runner reports, does not fail.
     */
    hazard?: "drive_held"
    /**
     * the true dose on an area's skin map (sim/judge-dose.ts), in passes of the per-pass dose
     * (sim/plant/dose.ts perPassDensityPerCm2 at the area's preset rate)
     */
    dose?: DoseExpect
}

export interface DoseExpect {
    areaId: string
    /** true mean density at the end, in passes: at least / at most */
    meanPassesAtLeast?: number
    meanPassesAtMost?: number
    /** no finding (premature lock, over-treatment) on any area */
    noFindings?: boolean
    /** no premature lock on any area (over-treatment is reported, not judged) */
    noPrematureLock?: boolean
    /**
     * the area locks, and at its first lock the firmware's dose estimate agrees with the map's true
     * mean density within this share (0.15 = ±15 %), a dose_warning came before it, the motor's drive
     * was cut at once and the cam stopped (sim/judge-dose.ts doseAtLock)
     */
    lockAgreesWithin?: number
}

export interface Scenario {
    name: string
    description: string
    /** seed of the plant's sensor noise and of every hand script */
    seed: number
    /** how long to run (ms) */
    durationMs: number
    steps: ScenarioStep[]
    expect: ScenarioExpect
    /** the handpiece accelerometer (role `motion`) is on the bus, fed by the technique's path (both runners) */
    accelerometer?: boolean
}

/** SimPen.press holds a button this long by default (ms) */
export const DEFAULT_PRESS_MS = 120
/** SimPen.press waits this long after the release (ms) */
export const PRESS_TAIL_MS = 60

export function handScriptMs(script: HandSegment[]): number {
    let t = 0
    for (const s of script) t += s.durationMs
    return t
}

/** "" if the scenario is well formed, else what is wrong */
export function checkScenario(s: Scenario): string {
    if (!s.name) return "scenario without a name"
    if (!(s.durationMs > 0)) return `${s.name}: durationMs must be > 0`
    let last = 0
    for (let i = 0; i < s.steps.length; i++) {
        const st = s.steps[i]
        if (!(st.atMs >= 0) || !isFinite(st.atMs)) return `${s.name} step ${i}: atMs must be >= 0`
        if (st.atMs < last) return `${s.name} step ${i}: steps must be in time order (${st.atMs} < ${last})`
        last = st.atMs
        if (st.atMs > s.durationMs) return `${s.name} step ${i}: at ${st.atMs} ms, after the end (${s.durationMs} ms)`
        if (!st.unplug && !st.fault && !st.command && !st.press && !st.hand) return `${s.name} step ${i}: no action`
        if (st.technique && !st.hand) return `${s.name} step ${i}: a technique without its hand script`
        if (st.holdMs !== undefined && !(st.holdMs > 0)) return `${s.name} step ${i}: holdMs must be > 0`
    }
    return ""
}

// ---- the dose a hand script can deliver ------------------------------------------------

/** the simulated pen's default cartridge (devs.json dose.cartridge) */
function defaultNeedles(): number {
    const c = FACTORY_PROFILE.cartridges.find((x) => x.id === FACTORY_PROFILE.dose.cartridge)
    if (!c) throw new Error(`devs.json: no cartridge ${FACTORY_PROFILE.dose.cartridge}`)
    return c.needles
}

/**
 * The dose (passes, as the firmware counts them) of needling an area for needlingMs at its factory
 * preset's rate (or strokeHz) with the default cartridge: strokes x needles / (areaCm2 x
 * passDensityPerCm2).
 */
export function passesOfNeedling(areaId: string, needlingMs: number, strokeHz?: number): number {
    const a = FACTORY_PROFILE.areas.find((x) => x.id === areaId)
    if (!a) throw new Error(`no area ${areaId} in the profile`)
    const hz = strokeHz ?? a.preset.strokeHz
    return ((needlingMs / 1000) * hz * defaultNeedles()) / (a.areaCm2 * a.passDensityPerCm2)
}

/**
 * An expectation for a short treatment: the pen was on the skin for contactMs in all; the firmware
 * counts at most that at the preset rate (+10 %: the rate loop's overshoot on a start) and at least
 * `share` of it (the needle starts only after contact is confirmed and the depth is there, spins
 * up, and stops on every cutoff and lift)
 */
export function needledPasses(areaId: string, contactMs: number, share = 0.5, strokeHz?: number): [number, number] {
    const p = passesOfNeedling(areaId, contactMs, strokeHz)
    return [share * p, 1.1 * p]
}

// ---- hand scripts of a treatment ---------------------------------------------------------

/** off the skin long enough (> force.releaseDebounceMs = 300 ms) for the pass to end */
export const BETWEEN_PASSES_MS = 700

/**
 * One pass: touch down, glide (split in `pieces` with a quick reposition between them, off the
 * skin for well under releaseDebounceMs, so it stays one pass), lift and stay off the skin.
 */
export function passScript(glideMs: number, forceN = 1.5, pieces = 1, offMs = BETWEEN_PASSES_MS): HandSegment[] {
    const s: HandSegment[] = [{ kind: "approach", durationMs: 200, forceN }]
    for (let i = 0; i < pieces; i++) {
        if (i > 0) {
            s.push({ kind: "lift", durationMs: 80, forceN: 0 })
            s.push({ kind: "approach", durationMs: 200, forceN })
        }
        s.push({ kind: "glide", durationMs: glideMs / pieces, forceN })
    }
    s.push({ kind: "lift", durationMs: 100, forceN: 0 })
    s.push({ kind: "hold", durationMs: offMs, forceN: 0 })
    return s
}

// ---- builder -----------------------------------------------------------------------------

export class ScenarioBuilder {
    private t = 0
    private steps: ScenarioStep[] = []

    constructor(private name: string, private seed: number, private description = "") {}

    /** the cursor (ms) */
    now(): number {
        return this.t
    }

    wait(ms: number): this {
        this.t += ms
        return this
    }

    hand(script: HandSegment[], note?: string): this {
        this.steps.push({ atMs: this.t, hand: script, note })
        this.t += handScriptMs(script)
        return this
    }

    /** the operator treats an area with a technique: its force as the hand, its path over the area's skin */
    technique(areaId: string, tech: Technique, note?: string): this {
        const hand = techniqueHandScript(tech)
        this.steps.push({ atMs: this.t, hand, technique: { areaId, tech }, note })
        this.t += handScriptMs(hand)
        return this
    }

    /** a pass (see passScript) */
    pass(glideMs: number, forceN = 1.5, pieces = 1, note?: string): this {
        return this.hand(passScript(glideMs, forceN, pieces), note)
    }

    press(button: ScenarioButton, holdMs = DEFAULT_PRESS_MS, note?: string): this {
        this.steps.push({ atMs: this.t, press: button, holdMs, note })
        this.t += holdMs + PRESS_TAIL_MS
        return this
    }

    command(cmd: PenCommand, note?: string): this {
        this.steps.push({ atMs: this.t, command: cmd, note })
        this.t += 20
        return this
    }

    fault(name: keyof PlantFaults, on: boolean, note?: string): this {
        this.steps.push({ atMs: this.t, fault: { name, on }, note })
        return this
    }

    unplug(role: ScenarioRole, off: boolean, note?: string): this {
        this.steps.push({ atMs: this.t, unplug: { role, off }, note })
        return this
    }

    build(expect: ScenarioExpect, tailMs = 1000, accelerometer = false): Scenario {
        const s: Scenario = {
            name: this.name,
            description: this.description,
            seed: this.seed,
            durationMs: this.t + tailMs,
            steps: this.steps,
            expect,
        }
        if (accelerometer) s.accelerometer = true
        const why = checkScenario(s)
        if (why !== "") throw new Error(why)
        return s
    }
}
