// Depth actuator: a micro linear actuator with RC-servo input (DOMAIN.md: e.g. Actuonix PQ12-R,
// or a small servo on a threaded collar) that sets the needle protrusion.
//
// Command: the servo angle (deg) the firmware writes to the `depth` role (drivers/depth.ts) ->
// target mm with the devs.json depth calibration
//   depthMm = (angleDeg - angleAtZeroDeg) / degPerMm      (devs.json depth.*: -60 deg, 40 deg/mm)
// clamped to the mechanical travel 0..3.2 mm (assumed: a little past the 3.0 mm hard limit).
// Motion: bang-bang at the slew limit (~4 mm/s, assumed for a PQ12-class actuator under the light
// load of a cartridge), with the servo's deadband (~0.02 mm, assumed): it starts only when the
// error exceeds the deadband and stops as soon as the error falls inside it, i.e. at the deadband
// edge on the side it approached from.
// Timing: an RC servo reads its pulse once per frame (20 ms, the RC standard's 50 Hz), and its
// controller and motor take a while more to act on a new width (reactMs, ~10 ms assumed for a
// PQ12-class actuator, to measure at bring-up: docs/HARDWARE.md); until then it keeps running to the
// previous target. The firmware waits core/limits.ts DEPTH_TOLD_MS (60 ms) after a write before
// a reading counts.
// No feedback from here: a servo reports no position, so the real one is read by a separate pot
// (depthFeedback.ts, the firmware's `depthPos` role).
// A command that is not a finite number means "no pulse": the previous target is kept.
// Faults: `stuck` (the lead screw no longer moves); `missing` (unpowered / unplugged: does not
// move; its feedback pot then reads ~0, pen.ts).

export interface DepthActuatorParams {
    /** devs.json depth.angleAtZeroDeg */
    angleAtZeroDeg: number
    /** devs.json depth.degPerMm */
    degPerMm: number
    /** mechanical travel (mm): 0 .. 3.2, assumed */
    travelMinMm: number
    travelMaxMm: number
    /** slew limit (mm/s): ~4, assumed */
    slewMmPerS: number
    /** deadband (mm): ~0.02, assumed */
    deadbandMm: number
    /** the RC frame (ms): the pulse is read once per frame; 20 */
    frameMs: number
    /** from the frame that brings a new pulse until the actuator acts on it (ms): ~10, assumed */
    reactMs: number
}

export const DEFAULT_DEPTH_ACTUATOR = {
    travelMinMm: 0,
    travelMaxMm: 3.2,
    slewMmPerS: 4,
    deadbandMm: 0.02,
    frameMs: 20,
    reactMs: 10,
}

export interface DepthActuatorState {
    /** where the needle field really is (mm of protrusion) */
    positionMm: number
    /** the clamped target it runs to (mm): the last pulse it has acted on */
    targetMm: number
    moving: boolean
    /** the actuator's own clock (ms of steps), the last pulse's target (mm), and when it acts on it */
    tMs: number
    pulseMm: number
    pulseActsAtMs: number
}

export function depthMmFromAngleDeg(p: DepthActuatorParams, angleDeg: number): number {
    return (angleDeg - p.angleAtZeroDeg) / p.degPerMm
}

export function createDepthActuator(p: DepthActuatorParams, initialMm = 0): DepthActuatorState {
    if (!(p.degPerMm !== 0 && isFinite(p.degPerMm))) throw new Error("degPerMm must be finite and non-zero")
    if (!(p.travelMaxMm > p.travelMinMm)) throw new Error("travelMaxMm must exceed travelMinMm")
    if (!(p.slewMmPerS > 0) || !(p.deadbandMm >= 0)) throw new Error("slew must be > 0, deadband >= 0")
    if (!(p.frameMs > 0) || !(p.reactMs >= 0)) throw new Error("frameMs must be > 0, reactMs >= 0")
    const pos = Math.min(p.travelMaxMm, Math.max(p.travelMinMm, initialMm))
    return { positionMm: pos, targetMm: pos, moving: false, tMs: 0, pulseMm: pos, pulseActsAtMs: 0 }
}

/** Advance by dtMs. Mutates `s`. */
export function stepDepthActuator(
    s: DepthActuatorState,
    p: DepthActuatorParams,
    angleCmdDeg: number,
    stuck: boolean,
    missing: boolean,
    dtMs: number
): void {
    s.tMs += dtMs
    if (isFinite(angleCmdDeg)) {
        let t = depthMmFromAngleDeg(p, angleCmdDeg)
        if (t < p.travelMinMm) t = p.travelMinMm
        if (t > p.travelMaxMm) t = p.travelMaxMm
        // a new width is read at the next frame, acted on reactMs later
        if (t !== s.pulseMm) {
            s.pulseMm = t
            s.pulseActsAtMs = Math.ceil(s.tMs / p.frameMs) * p.frameMs + p.reactMs
        }
    }
    if (s.tMs >= s.pulseActsAtMs) s.targetMm = s.pulseMm
    if (stuck || missing) {
        s.moving = false
    } else {
        const err = s.targetMm - s.positionMm
        const absErr = err < 0 ? -err : err
        if (!s.moving && absErr > p.deadbandMm) s.moving = true
        if (s.moving) {
            const maxStepMm = (p.slewMmPerS * dtMs) / 1000
            const toEdgeMm = absErr - p.deadbandMm // distance until the error enters the deadband
            if (toEdgeMm <= maxStepMm) {
                if (toEdgeMm > 0) s.positionMm += err > 0 ? toEdgeMm : -toEdgeMm
                s.moving = false
            } else {
                s.positionMm += err > 0 ? maxStepMm : -maxStepMm
            }
        }
    }
}
