// Depth actuator driven as an RC servo: angle = angleAtZeroDeg + depthMm * degPerMm
// (calibration in devs.json depth). The actuator reports the angle it reached.
import { DepthProfile } from "../src/core/profile"

export function depthToAngleDeg(cal: DepthProfile, depthMm: number): number {
    return cal.angleAtZeroDeg + depthMm * cal.degPerMm
}

export function angleToDepthMm(cal: DepthProfile, angleDeg: number): number {
    return (angleDeg - cal.angleAtZeroDeg) / cal.degPerMm
}
