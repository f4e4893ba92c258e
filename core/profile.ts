// The pen profile: the shape of devs.json, as the core uses it.

export interface Preset {
    depthMm: number
    strokeHz: number
    passLimit: number
}

/** what a preset is checked against: the area and its depth cap */
export interface AreaCap {
    id: string
    depthCapMm: number
}

export interface AreaProfile extends AreaCap {
    label: string
    /** the area's skin (cm²): with passDensityPerCm2, how many punctures one pass is (core/dose.ts) */
    areaCm2: number
    /** punctures per cm² that one pass of the area leaves (docs/DOSE.md: a calibrated setting) */
    passDensityPerCm2: number
    preset: Preset
}

/** A needle cartridge: every stroke on the skin puts `needles` punctures into the area. */
export interface Cartridge {
    id: string
    label: string
    needles: number
    /** diameter of the needle field (mm); shown to the operator, used by the simulator's skin map */
    footprintMm: number
}

/** How the dose rule ends an area's last pass and keeps the ledger safe over a power cycle. */
export interface DoseProfile {
    /** the cartridge a pen without a stored choice assumes (an id in cartridges) */
    cartridge: string
    /** the warning (light, display, console) comes this many passes before the limit */
    warnPasses: number
    /**
     * the ledger in the store runs this many passes ahead of the dose delivered, written before
     * the needle gets there, so a power cycle at any moment restores at least the dose delivered
     */
    reservePasses: number
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
    /** present when force comes from a load cell through a NAU7802 (drivers/nau7802.ts) instead of the FSR */
    loadCell?: LoadCellProfile
}

/**
 * Load cell behind a NAU7802 24-bit ADC (gain 128, 320 SPS, internal 3.3 V LDO exciting the
 * bridge): newtons = (counts - zeroCounts) / countsPerN.
 * Nominal for a 1 kg, 1 mV/V cell: the bridge gives 1 mV per V of excitation at 9.80665 N, the
 * ADC reads (gain x differential input / reference) x 2^24 counts and the reference is the
 * excitation (ratiometric), so countsPerN = 1e-3 x 128 x 2^24 / 9.80665 = 218982 and the supply
 * voltage drops out. zeroCounts 0 is nominal only: every cell has its own zero balance (up to
 * about 0.1 mV/V, ~1 N, on cheap cells), so each pen is tared and calibrated with weights.
 */
export interface LoadCellProfile {
    /** 7-bit I2C address of the NAU7802 (fixed at 42 = 0x2a on the chip) */
    i2cAddress: number
    /** ADC counts at 0 N */
    zeroCounts: number
    /** ADC counts per newton */
    countsPerN: number
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
    /**
     * after a stop the motor bridge stays enabled this long before it may open: with the
     * TB6612FNG wiring (docs/HARDWARE.md) speed 0 is a short brake and a disabled bridge coasts.
     * The 0816 motor brakes to rest in ~20 ms and coasts for up to ~130 ms (sim/plant, stepPlant).
     */
    brakeHoldMs: number
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

/**
 * The dwell rule and the accelerometer's checks (core/motion.ts; docs/DOSE.md "The dwell rule").
 * Used only when the `motion` role is bound.
 */
export interface MotionProfile {
    /** still this long in contact while treating: dwell_warning (ms) */
    warnAfterMs: number
    /** still this long: the needle stops (dwell_stop) until the pen is lifted (ms), when stopOnDwell is 1 */
    stopAfterMs: number
    /** 1: a dwell stops the needle (devs.json); 0: it only warns (docs/DOSE.md "The dwell rule") */
    stopOnDwell: number
    /** the chip's output data rate (Hz): the filters advance one 1/odrHz step per new reading */
    odrHz: number
    /** the band (first-order high-pass of the low-passed reading, Hz): how fast the tilt changes */
    highPassHz: number
    /** tremor and the folded motor vibration removed above this (three first-order low-passes, Hz) */
    lowPassHz: number
    /** gravity's lateral share moved this far from the reference is evidence of gliding (g; the pen turns with the curved skin) */
    turnAboveG: number
    /** the band below this: the tilt has settled, the reference follows it (g) */
    settledBelowG: number
    /** no sample this long while armed: motion_silent (ms) */
    staleAfterMs: number
    /** no axis changes this long while armed: motion_stuck (ms) */
    stuckAfterMs: number
    /** an axis at or beyond this reads saturated (g; the chip's range is 8 g as jacdac-c starts it) */
    saturatedAtG: number
    /** saturated this many samples in a row: motion_saturated */
    saturatedSamples: number
}

export interface Profile {
    profileVersion: number
    name: string
    areas: AreaProfile[]
    cartridges: Cartridge[]
    dose: DoseProfile
    force: ForceProfile
    stroke: StrokeProfile
    needle: NeedleProfile
    depth: DepthProfile
    control: ControlProfile
    motion: MotionProfile
}
