// The pen profile: the shape of devs.json, as the core uses it.

export interface Preset {
    depthMm: number
    strokeHz: number
    passLimit: number
}

export interface AreaProfile {
    id: string
    label: string
    depthCapMm: number
    preset: Preset
}

export interface ForceProfile {
    contactN: number
    releaseN: number
    overPressureN: number
    contactConfirmMs: number
    releaseDebounceMs: number
    riseLimitNPerS: number
    riseDebounceSamples: number
    openBelowRatio: number
    saturatedAboveRatio: number
    rangeDebounceSamples: number
    staleAfterMs: number
    stuckAfterMs: number
    /** [adc ratio, newtons] points, ratio ascending */
    curve: number[][]
}

export interface StrokeProfile {
    countsPerStroke: number
    rateWindowMs: number
    silentAfterMs: number
    silentAboveDuty: number
    overspeedHz: number
    overspeedAfterMs: number
}

export interface NeedleProfile {
    noLoadHzPerDuty: number
    maxDuty: number
    kp: number
    ki: number
    rampHzPerS: number
}

export interface DepthProfile {
    angleAtZeroDeg: number
    degPerMm: number
    /** depthPos feedback pot: ADC ratio at 0 mm, and its change per mm of protrusion */
    feedbackRatioAt0Mm: number
    feedbackRatioPerMm: number
    toleranceMm: number
    followTimeoutMs: number
}

export interface ControlProfile {
    tickMs: number
    overrunAfterMs: number
    /** least time between two non-stop motor commands (a stop is never delayed) */
    driveWriteMs: number
    statusEveryMs: number
    clearHoldMs: number
}

export interface Profile {
    profileVersion: number
    name: string
    areas: AreaProfile[]
    force: ForceProfile
    stroke: StrokeProfile
    needle: NeedleProfile
    depth: DepthProfile
    control: ControlProfile
}
