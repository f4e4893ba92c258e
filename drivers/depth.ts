// Depth actuator driven as an RC servo: angle = angleAtZeroDeg + depthMm * degPerMm
// (calibration in devs.json depth). Its position comes back from a feedback potentiometer (role
// depthPos, an ADC ratio): ratio = feedbackRatioAt0Mm + depthMm * feedbackRatioPerMm.
import { DepthProfile } from "../core/profile"

export function depthToAngleDeg(cal: DepthProfile, depthMm: number): number {
    return cal.angleAtZeroDeg + depthMm * cal.degPerMm
}

/**
 * Feedback pot ratio -> mm of protrusion, as read: whether that is a plausible position (an open
 * wiper reads far below 0 mm) is the core's decision (core/validate.ts depthPositionMm).
 */
export function feedbackRatioToDepthMm(cal: DepthProfile, ratio: number): number {
    return (ratio - cal.feedbackRatioAt0Mm) / cal.feedbackRatioPerMm
}
