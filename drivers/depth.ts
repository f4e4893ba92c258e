// Depth actuator driven as an RC servo: angle = angleAtZeroDeg + depthMm * degPerMm
// (calibration in devs.json depth). Its position comes back from a feedback potentiometer (role
// depthPos, an ADC ratio): ratio = feedbackRatioAt0Mm + depthMm * feedbackRatioPerMm.
import { DepthProfile } from "../src/core/profile"
import { DEPTH_FEEDBACK_SLACK_MM, DEPTH_MAX_MM } from "../src/core/limits"

export function depthToAngleDeg(cal: DepthProfile, depthMm: number): number {
    return cal.angleAtZeroDeg + depthMm * cal.degPerMm
}

export function angleToDepthMm(cal: DepthProfile, angleDeg: number): number {
    return (angleDeg - cal.angleAtZeroDeg) / cal.degPerMm
}

/**
 * Feedback pot ratio -> mm of protrusion. NaN (no position) when it reads more than
 * DEPTH_FEEDBACK_SLACK_MM outside 0..DEPTH_MAX_MM: an open wiper (pulled to 0) or a short to 3V3.
 */
export function feedbackRatioToDepthMm(cal: DepthProfile, ratio: number): number {
    const mm = (ratio - cal.feedbackRatioAt0Mm) / cal.feedbackRatioPerMm
    return mm >= -DEPTH_FEEDBACK_SLACK_MM && mm <= DEPTH_MAX_MM + DEPTH_FEEDBACK_SLACK_MM ? mm : NaN
}
