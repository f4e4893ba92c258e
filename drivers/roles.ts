// What a role's report or a change of its binding does to the core's inputs and the writer, the
// same on the pen (drivers/hardware.ts, from the role callbacks) and in the closed-loop simulator
// (sim/closedloop.ts, from the plant). Pure: no DeviceScript import.
import { PenInputs } from "../core/types"
import { DepthProfile } from "../core/profile"
import { feedbackRatioToDepthMm } from "./depth"
import { ratioToForceN } from "./force"
import { ITV_MOTION, ITV_STROKE, Writer } from "./writer"

/**
 * A `pressure` reading (ADC ratio 0..1) taken at nowMs, calibrated to newtons: the profile's curve,
 * then the pen's own calibration `fc` ([scale, newtons at rest], drivers/calibration.ts; [1, 0] none)
 */
export function forceReport(inp: PenInputs, curve: number[][], fc: number[], ratio: number, nowMs: number) {
    inp.forceRatio = ratio
    inp.forceN = (ratioToForceN(curve, ratio) - fc[1]) * fc[0]
    inp.forceSampleMs = nowMs
}

/** a `stroke` reading (cumulative encoder counts) taken at nowMs */
export function strokeReport(inp: PenInputs, countsPerStroke: number, count: number, nowMs: number) {
    inp.strokes = count / countsPerStroke
    inp.strokeSampleMs = nowMs
}

/** a `motion` reading (Jacdac Accelerometer `forces`, g) taken at nowMs */
export function accelReport(inp: PenInputs, xG: number, yG: number, zG: number, nowMs: number) {
    inp.accelXG = xG
    inp.accelYG = yG
    inp.accelZG = zG
    inp.accelSampleMs = nowMs
}

/** a `depthPos` reading (the feedback pot's ADC ratio 0..1), calibrated to mm of protrusion, and when it came */
export function depthReport(inp: PenInputs, cal: DepthProfile, ratio: number, nowMs: number) {
    inp.depthActualMm = feedbackRatioToDepthMm(cal, ratio)
    inp.depthSampleMs = nowMs
}

/**
 * The role `role` was bound or lost: the core sees the binding, a lost actuator's position is
 * unknown, and the writer forgets what it sent that role (a new device gets everything again).
 */
export function roleBound(role: string, bound: boolean, inp: PenInputs, writer: Writer) {
    if (role === "needle") {
        inp.needleBound = bound
        writer.needleRebound()
    } else if (role === "depth") {
        inp.depthBound = bound
        if (!bound) inp.depthActualMm = NaN
        writer.depthRebound()
    } else if (role === "depthPos") {
        writer.sensorRebound()
        if (!bound) inp.depthActualMm = NaN
    } else if (role === "pressure") {
        inp.pressureBound = bound
        writer.sensorRebound()
    } else if (role === "stroke") {
        inp.strokeBound = bound
        writer.streamRebound(ITV_STROKE, bound)
    } else if (role === "motion") {
        // optional: unbound, the core runs without dwell protection and says so
        inp.motionBound = bound
        writer.streamRebound(ITV_MOTION, bound)
    } else if (role === "status") writer.lightRebound()
    // the buttons: a new one is asked to stream at once
    else writer.sensorRebound()
}
