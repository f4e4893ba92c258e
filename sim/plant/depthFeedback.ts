// Depth feedback potentiometer: a pot on the actuator's real position (the wiper of the
// actuator's own feedback pot, or a linear pot on the threaded collar), read by the 12-bit ADC as
// the `depthPos` role. ratio = at0 + perMm * positionMm (devs.json depth.feedbackRatioAt0Mm /
// feedbackRatioPerMm), clamped to 0..1 and quantised to 1/4095 (DeviceScript reads raw/4095).
// Fault: `open` (open wiper or cut lead: the 1 MΩ pull-down at the ADC pin takes it to ~0).

export interface DepthFeedbackParams {
    ratioAt0Mm: number
    ratioPerMm: number
}

const ADC_FULL = 4095

export function depthFeedbackRatio(p: DepthFeedbackParams, positionMm: number, open: boolean): number {
    if (open) return 0
    let r = p.ratioAt0Mm + p.ratioPerMm * positionMm
    if (r < 0) r = 0
    if (r > 1) r = 1
    return Math.round(r * ADC_FULL) / ADC_FULL
}
