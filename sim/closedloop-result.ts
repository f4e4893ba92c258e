// What a closed-loop run (sim/closedloop.ts) returns: the summary judged from the plant, the trace
// columns a report draws, the events, commands and faults with their timing.
import type { AreaSkinResult } from "./skin-dose"
import type { SelfTestCheck } from "../core/selftest"
import type { FaultCode, LedgerEntry, PenCommand, PenEvent, PenState } from "../core/types"

/** One row per traceEveryMs, columns as typed arrays (length rows are valid). */
export interface Trace {
    length: number
    tMs: Float64Array
    /** the hand's true force (N) and the force the core last received (N) */
    forceTrueN: Float32Array
    forceMeasN: Float32Array
    /** true stroke rate (plant) and the core's measured rate (strokes/s) */
    strokeHzTrue: Float32Array
    strokeHzMeas: Float32Array
    /** set point: the area's preset rate while treating, else 0 */
    setHz: Float32Array
    /** the core's needle output and the drive the motor really applies */
    dutyCore: Float32Array
    dutyPlant: Float32Array
    /** core depth target, real protrusion, what the firmware last read back (mm) */
    depthTargetMm: Float32Array
    depthActualMm: Float32Array
    depthMeasMm: Float32Array
    /** index into STATES */
    state: Uint8Array
    /** index into profile.areas */
    area: Uint8Array
    /** passes used on that area (a fraction of the dose) */
    passes: Float32Array
}

export interface FaultRecord {
    code: FaultCode
    atMs: number
    message: string
    /** ms from the fault until the motor's drive was 0 (-1: never) */
    driveCutAfterMs: number
    /** ms from the fault until the cam turned slower than 1 stroke/s (-1: never) */
    needleStoppedAfterMs: number
}

/** an area_locked event (the first per area and run) and what the motor did after it */
export interface LockRecord {
    areaId: string
    atMs: number
    /** the dose the firmware said at the lock (passes, as the event printed it: 2 decimals) */
    passes: number
    passLimit: number
    /** ms from the lock until the motor's drive was 0 (-1: never) */
    driveCutAfterMs: number
    /** ms from the lock until the cam turned slower than 1 stroke/s (-1: never) */
    needleStoppedAfterMs: number
}

export interface CommandRecord {
    atMs: number
    kind: PenCommand["kind"]
    source: "console" | "trigger" | "area"
    ok: boolean
    message: string
}

export interface ClosedLoopSummary {
    scenario: string
    simulatedMs: number
    wallMs: number
    simSecondsPerWallSecond: number
    controlSteps: number
    passes: Record<string, number>
    overPressureCount: Record<string, number>
    treatedMs: Record<string, number>
    overPressureCutoffs: number
    riseCutoffs: number
    faults: FaultRecord[]
    /** each area's first lock, with the motor's stop after it */
    locks: LockRecord[]
    faultsCleared: number
    refused: string[]
    finalState: PenState
    finalArea: string
    /** highest drive on the motor while the true force was above force.overPressureN (read as below) */
    maxDutyWhileOverPressure: number
    /** longest stretch of drive on the motor while the true force was above what the sensor, as it was then, surely reads as force.overPressureN (plant/forceSensor.ts surelyReadsN: ~4.15 N while loading) */
    maxOverPressureDriveMs: number
    /** total time with drive on the motor while the core was not treating */
    driveOutsideTreatingMs: number
    /** total time with drive on the motor while the core was in a fault */
    driveInFaultMs: number
    /** how far the real protrusion went past the area's cap while on the skin (mm, <= 0 is fine) */
    maxDepthOverCapMm: number
    /** largest |real depth - area preset| while the motor was driven (mm) */
    maxDepthErrWhileDrivenMm: number
    /** highest true stroke rate (strokes/s) */
    maxStrokeHzTrue: number
    /** highest true rate above the area's set point while driven (% of the set point) */
    maxOvershootPct: number
    /** total time the true rate was more than 20% above the set point while driven (ms) */
    over20PctMs: number
    /** longest such stretch (ms) */
    maxOver20PctRunMs: number
    /** time the core spent treating (ms) */
    treatingMs: number
    /** share of settled treating time with the true rate within ±5% of the set point */
    rateWithin5PctShare: number
    /** mean |true rate - set point| / set point over settled treating time (%) */
    rateMeanAbsErrPct: number
}

export interface ClosedLoopResult {
    summary: ClosedLoopSummary
    trace: Trace | undefined
    events: PenEvent[]
    commands: CommandRecord[]
    /** each area's pass limit in force at the end: the preset, or the last set_preset the pen accepted */
    passLimits: Record<string, number>
    ledger: LedgerEntry[]
    /** per area a technique played on: the true density map and its summary (sim/skin-dose.ts); absent without one */
    skin?: Record<string, AreaSkinResult>
    /** the power-on self-test before the scenario (core/selftest.ts); absent when the run had none */
    selfTest?: SelfTestRun
}

/**
 * The power-on self-test as the closed loop saw it. The scenario starts when its verdict comes
 * (`tookMs` after power-on); every other time in the result is on the scenario's clock.
 * The needle figures are measured at the plant's motor (the duty the bridge applies).
 */
export interface SelfTestRun {
    verdict: string
    /** the first failed (or skipped) check's id; "" on a pass */
    failId: string
    checks: SelfTestCheck[]
    /** the SELFTEST lines the firmware prints */
    lines: string[]
    /** power-on to the verdict (ms) */
    tookMs: number
    /** the needle driven at the motor during the test, in all and the longest run (ms) */
    drivenMs: number
    longestDriveMs: number
    /** driven while the firmware's force reading said contact (force.contactN or more) (ms) */
    drivenWhileContactMs: number
    /** driven while the true force on the needle was at force.releaseN or more (ms) */
    drivenWhileTouchedMs: number
}


export function newTrace(rows: number): Trace {
    const f = () => new Float32Array(rows)
    return {
        length: 0,
        tMs: new Float64Array(rows),
        forceTrueN: f(), forceMeasN: f(), strokeHzTrue: f(), strokeHzMeas: f(), setHz: f(),
        dutyCore: f(), dutyPlant: f(), depthTargetMm: f(), depthActualMm: f(), depthMeasMm: f(),
        state: new Uint8Array(rows), area: new Uint8Array(rows), passes: new Float32Array(rows),
    }
}
