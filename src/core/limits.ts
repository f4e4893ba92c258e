// Hard limits of the pen. Compiled into the firmware; no profile, preset or console command
// can go past them (every value is validated against these before it is used).
// Sources: ../shared/DOMAIN.md (commercial pens 0–3.0 mm, 50–150 strokes/s; up to three passes).

export const DEPTH_MIN_MM = 0
export const DEPTH_MAX_MM = 3.0
export const DEPTH_STEP_MM = 0.05
export const STROKE_MIN_HZ = 50
export const STROKE_MAX_HZ = 150
export const PASS_LIMIT_MIN = 1
export const PASS_LIMIT_MAX = 3
export const AREA_MAX_COUNT = 12
export const AREA_ID_MAX_CHARS = 12
/** depth feedback more than this outside 0..DEPTH_MAX_MM is no position (open wiper, short) */
export const DEPTH_FEEDBACK_SLACK_MM = 0.25
/**
 * Load cell (force.loadCell): least counts per newton, so a few hundred counts of ADC noise stay
 * below 0.05 N, well inside the contact hysteresis (contactN - releaseN); the nominal 1 kg
 * 1 mV/V cell gives 218982.
 */
export const LOADCELL_MIN_COUNTS_PER_N = 10000
/** this many times force.overPressureN must still read below force.saturatedAboveRatio */
export const LOADCELL_HEADROOM = 2
