// Hard limits of the pen. Compiled into the firmware; no profile, preset or console command
// can go past them (every value is validated against these before it is used).
// Sources: docs/DOMAIN.md (commercial pens 0–3.0 mm, 50–150 strokes/s; up to three passes).

export const DEPTH_MIN_MM = 0
export const DEPTH_MAX_MM = 3.0
export const DEPTH_STEP_MM = 0.05
export const STROKE_MIN_HZ = 50
export const STROKE_MAX_HZ = 150
/**
 * The accelerometer's lowest allowed output rate (motion.odrHz: 26 Hz, written to the chip by the
 * board's firmware, drivers/lsm6ds.ts; jacdac-c's LSM6DS driver alone runs it at 52): a stroke rate
 * within STROKE_FOLD_GUARD_HZ of a multiple of it folds the motor's vibration down to below 3 Hz,
 * where the dwell rule reads it as the pen turning, and a pen at rest would not be stopped
 * (docs/DOSE.md "The dwell rule"). Such rates are refused. motion.odrHz must be it times a power
 * of two, a rate the chip has (core/validate.ts checkProfile).
 */
export const STROKE_FOLD_HZ = 26
export const STROKE_FOLD_GUARD_HZ = 3
export const PASS_LIMIT_MIN = 1
export const PASS_LIMIT_MAX = 3
export const AREA_MAX_COUNT = 12
export const AREA_ID_MAX_CHARS = 12
/** cartridges: DOMAIN gives 11-36 needles on commercial pens; up to 64 leaves room for others */
export const CARTRIDGE_MAX_COUNT = 8
export const NEEDLES_MIN = 1
export const NEEDLES_MAX = 64
export const FOOTPRINT_MIN_MM = 2
export const FOOTPRINT_MAX_MM = 15
/** an area's skin: below 1 cm² is one footprint or two; above 500 cm² is no longer one area */
export const AREA_MIN_CM2 = 1
export const AREA_MAX_CM2 = 500
/**
 * punctures per cm² in one pass: from a fast glide with few needles (~100) to a slow one with many
 * (docs/DOSE.md: 686-6,860/cm² for 12 needles at 120/s and 5-30 mm/s; 36 needles triple that)
 */
export const PASS_DENSITY_MIN_PER_CM2 = 100
export const PASS_DENSITY_MAX_PER_CM2 = 20000
/**
 * one stroke of any cartridge on any area is at most this share of the area's pass (the dose
 * numbers against each other, validate.ts checkDoseScale, at build): the lock comes within a
 * tick's strokes (1-2) of the limit, and the reservation's smallest step (0.02 pass) is 2 strokes.
 * The shipped worst case, n36 on periorbital (9.6 cm² at 1,600/cm²), is 0.0023
 */
export const STROKE_PASS_SHARE_MAX = 0.01
/** depth feedback more than this outside 0..DEPTH_MAX_MM is no position (open wiper, short) */
export const DEPTH_FEEDBACK_SLACK_MM = 0.25
/**
 * A depth reading counts as the actuator having reached its command only if it arrived this long
 * after that command was written (PenInputs.depthSentMm): a reading from before may show it passing the new
 * depth on its way to an older one. Up to one RC frame (20 ms) before the servo reads the new
 * width, its reaction (~10 ms assumed: sim/plant/depthActuator.ts), and the feedback's report
 * interval (10 ms on the boards, 20 in the closed loop). The closed loop holds it for a reaction up
 * to 50 ms (sim/depth-sweep.ts, docs/SAFETY.md §3); measured at bring-up (docs/HARDWARE.md)
 */
export const DEPTH_TOLD_MS = 60
/**
 * A depth reading older than this, while the needle may run, is no position (depth_missing): a
 * feedback stream that stopped while its device stays on the bus would leave the last reading, and
 * an actuator pushed in during a pass would go unseen. The boards stream every 10 ms, the simulator
 * every 20: 250 ms is over ten reports, as long as the motion sensor's staleAfterMs
 */
export const DEPTH_STALE_MS = 250
/**
 * Load cell (force.loadCell): least counts per newton, so a few hundred counts of ADC noise stay
 * below 0.05 N, well inside the contact hysteresis (contactN - releaseN); the nominal 1 kg
 * 1 mV/V cell gives 218982.
 */
export const LOADCELL_MIN_COUNTS_PER_N = 10000
/** this many times force.overPressureN must still read below force.saturatedAboveRatio */
export const LOADCELL_HEADROOM = 2

/**
 * The motor must have taken the core's drive (within DRIVE_MATCH_DUTY; a stop exactly) at least
 * once in this long, else `drive_mismatch`. The writer sends a new level every control.driveWriteMs
 * (50 ms) and may wait up to ~3 packet slots (60 ms) for budget: 250 ms is ~2x that with margin.
 */
export const DRIVE_MISMATCH_MS = 250
/** how far a running drive may lag the core's (the soft start moves ~0.07 duty per 50 ms) */
export const DRIVE_MATCH_DUTY = 0.15

/**
 * Range of every number in the profile (devs.json), checked before the core uses it
 * (validate.ts checkProfile). One row per field: "section field min max whole", whole 1 for a
 * whole number (0: any number); validate.ts rangeRow reads a row. A value outside its range makes
 * the profile invalid: a watchdog limit set to 1e9, or a negative gain, would silently switch a
 * safety rule off. Cross-field rules (releaseN < contactN, ...) are in checkProfile. The ranges
 * bracket devs.json's values by the physics they stand for. Text, not an array: an array literal
 * compiles to code (~1 KB of the firmware's 64 KB of functions for this table,
 * docs/DEVICESCRIPT-NOTES.md "Image size"); a string is data (the notes below stay comments: as
 * text they would be data in the image).
 */
// Why some ranges are what they are:
//   dose.warnPasses: the warning must come before the limit of the smallest pass limit (1)
//   dose.reservePasses: written ahead of the dose: small enough that a power cycle takes little
//     treatment away, large enough that the store is written a few times per pass, not every stroke
//     (flash wear)
//   force.staleAfterMs: a sensor silent this long is stale; above 500 ms the over-pressure rule
//     would be blind for a stroke train
//   stroke.overspeedHz: above the fastest preset (STROKE_MAX_HZ + 1), below what the cam can survive
//     (2 x STROKE_MAX_HZ)
//   needle.brakeHoldMs: 0 coasts at once (a DRV8833's speed 0 coasts anyway); a second is far beyond
//     any brake
//   control.driveWriteMs: at least two packet slots (2 x 20 ms, drivers/budget.ts): faster, the
//     drive's changes alone take the whole send budget and hold the depth write and the console back
//     (a fresh-eyes review's model, 2026-12-05: at 20 ms the console silent for 13 s)
//   motion.warnAfterMs: the dwell rule (docs/DOSE.md "The dwell rule"): a warning before the stop
//   motion.stopAfterMs: the stop within the 1.5 s of rest leaves it at most ~1 s (the
//     filters take up to ~0.7 s to settle after a turn)
//   motion.stopOnDwell: 0: warn only, 1: stop (whole)
//   motion.odrHz: the board's firmware writes it to the chip (drivers/lsm6ds.ts: 26 Hz, where the
//     server's reads miss no sample); jacdac-c alone runs the LSM6DS at 52 Hz; the chips offer
//     12.5..6664
//   motion.highPassHz: below the voluntary band (< 2 Hz) and above the stroke alias / tremor: the
//     band must stay open
//   motion.turnAboveG: above what the hand's tilt wander adds up to from a reference that follows
//     it while settled or settling (the plant's 0.03-0.1 deg RMS: ~6 mg peak to peak; 4.5 mg with
//     the settling re-centre, docs/DOSE.md), below what a glide turns the pen within a stop's time
//     (a degree or more)
//   motion.settledBelowG: above the chip's noise in the band, below a slow glide's rate (~3 mg); the
//     settling band is 3 x this, so at most 2 mg: a 6 mg band (30 mg/s of turn) already hides some
//     slow glides with tremor (docs/DOSE.md "What it cannot do")
//   motion.staleAfterMs: a silent sensor leaves the dwell rule blind: no longer than a stop's time
//   motion.saturatedAtG: the driver's range is 8 g (jacdac-c lsm6ds.c), 2..16 g on the chips
export const PROFILE_RANGES = `
dose warnPasses 0.05 0.9 0
dose reservePasses 0.02 0.25 0
force contactN 0.1 2 0
force releaseN 0.05 2 0
force overPressureN 1 10 0
force contactConfirmMs 5 500 0
force releaseDebounceMs 50 5000 0
force riseLimitNPerS 5 1000 0
force riseDebounceSamples 1 20 1
force openBelowRatio 0 0.2 0
force saturatedAboveRatio 0.8 1 0
force rangeDebounceSamples 1 20 1
force staleAfterMs 20 500 0
force stuckAfterMs 200 10000 0
stroke countsPerStroke 1 64 1
stroke rateWindowMs 20 1000 0
stroke silentAfterMs 50 1000 0
stroke silentAboveDuty 0.05 0.9 0
stroke overspeedHz 151 300 0
stroke overspeedAfterMs 20 1000 0
needle noLoadHzPerDuty 50 2000 0
needle maxDuty 0.05 1 0
needle kp 0 0.1 0
needle ki 0 10 0
needle rampHzPerS 10 10000 0
needle brakeHoldMs 0 1000 0
depth angleAtZeroDeg -90 90 0
depth degPerMm 1 60 0
depth feedbackRatioAt0Mm 0 1 0
depth feedbackRatioPerMm 0.01 0.33 0
depth toleranceMm 0.01 0.5 0
depth followTimeoutMs 100 10000 0
control tickMs 1 50 0
control overrunAfterMs 10 500 0
control driveWriteMs 40 500 0
control statusEveryMs 50 10000 0
control clearHoldMs 500 10000 0
motion warnAfterMs 100 3000 0
motion stopAfterMs 300 3000 0
motion stopOnDwell 0 1 1
motion odrHz 12.5 1000 0
motion highPassHz 0.05 2 0
motion lowPassHz 0.3 5 0
motion turnAboveG 0.002 0.1 0
motion settledBelowG 0.0002 0.002 0
motion staleAfterMs 50 1000 0
motion stuckAfterMs 200 10000 0
motion saturatedAtG 1.5 16 0
motion saturatedSamples 1 20 1
`

/**
 * The motor stage's dead-man (docs/HARDWARE.md "Needle stop when the firmware stops"): the bridge
 * drops (coasts) unless a drive write retriggers it within DEADMAN_MS while it is driven. The
 * DeviceScript runtime keeps an on-board motor's last duty after a panic and restarts the program
 * only 5.24 s later, so this is the stop that does not depend on the program. The simulator's
 * motor models it (sim/devices.ts).
 */
export const DEADMAN_MS = 200
/** while the needle is driven the firmware writes the drive at least this often: DEADMAN_MS / 4, so a host or bus stall of up to 150 ms does not trip it */
export const DRIVE_FEED_MS = 50

/**
 * The packets DeviceScript's send throttle (drivers/budget.ts: a burst of 5, then one per 20 ms)
 * must still hold after a packet that is not a stop: a new drive level leaves one for the stop
 * that may follow it; everything else (switching the bridge on, depth, status light, keep-alives,
 * settings, console replies and announces) leaves two. A stop itself always goes, and opening the
 * bridge after it needs only a free packet (drivers/writer.ts).
 */
export const DRIVE_RESERVE_PACKETS = 1
export const STOP_RESERVE_PACKETS = 2

// ---- power-on self-test (core/selftest.ts, issue 14): compiled in, not configurable ----
/**
 * longest wait for the four required roles and a first report from each sensor (ms). The power-on
 * test starts with the firmware, before the runtime has bound any role (~0.5 s in the VM, else at
 * its autobind every ~980 ms: src/main.ts): three of those periods
 */
export const SELFTEST_ROLE_WAIT_MS = 3000
/** the force reading counts as steady when it stays within this ADC ratio span ... */
export const SELFTEST_FORCE_SPAN_RATIO = 0.01
/** ... for this long (ms) */
export const SELFTEST_FORCE_STEADY_MS = 40
/** longest wait for a steady force reading (ms): a floating input charges in ~0.3 s */
export const SELFTEST_FORCE_SETTLE_MS = 800
/** at rest the force must read at most this (N): the live zero of the curve, give or take drift */
export const SELFTEST_ZERO_MAX_N = 0.05
/** the depth step (mm): small, and taken only off the skin */
export const SELFTEST_DEPTH_STEP_MM = 0.4
/** the feedback counts as still when it moves less than this (mm) ... */
export const SELFTEST_DEPTH_STILL_MM = 0.03
/** ... for this long (ms): three feedback reports at 20 ms */
export const SELFTEST_DEPTH_STILL_MS = 40
/** a reading away from the target counts as where the actuator stopped only after this long still (ms) */
export const SELFTEST_DEPTH_SETTLED_MS = 200
/** no movement this long after the step is commanded: the actuator or its feedback does nothing (ms) */
export const SELFTEST_DEPTH_NO_MOVE_MS = 400
/** longest the depth check may take (ms): a full-travel move of a reversed actuator, 3 mm at ~4 mm/s, with margin */
export const SELFTEST_DEPTH_MAX_MS = 1500
/** the step's size must match within this share (feedback calibration) */
export const SELFTEST_DEPTH_SIZE_SHARE = 0.3
/** the force pin moving this much (ADC ratio) while the depth feedback stays still: the pots are swapped */
export const SELFTEST_SWAP_RATIO = 0.03
/** the needle's test spin: a low duty, off the skin only */
export const SELFTEST_SPIN_DUTY = 0.3
/** how long the spin runs once the motor has taken the drive (ms) */
export const SELFTEST_SPIN_MS = 180
/**
 * the spin starts this long after the depth step was decided (ms): the depth write (two packets)
 * goes out first, within the packet budget (drivers/budget.ts), and the two then run side by side
 */
export const SELFTEST_SPIN_AFTER_DEPTH_MS = 20
/** the drive is cut this long after it was first decided, whatever the writer did (ms): the bound */
export const SELFTEST_SPIN_MAX_MS = 250
/** a spin stopped for a missing force sample starts again this many times at most (each within its bound) */
export const SELFTEST_SPIN_RETRIES = 2
/** counting starts this long after the motor took the drive (spin-up, ~6 ms time constant) (ms) */
export const SELFTEST_SPIN_SETTLE_MS = 50
/**
 * the measured stroke rate over needle.noLoadHzPerDuty x duty must lie in this band. The floor is
 * the run-time check's (STROKE_COUNT_MIN_SHARE 0.5 over the closed loop's heaviest load, 0.68): a
 * pen that spins slower, or a sensor that loses more than ~26 % of its counts from power-on, would
 * either trip stroke_undercount on a working pen or count a constant loss unseen (was 0.6 until
 * 2026-12-04; a fresh-eyes review)
 */
export const SELFTEST_RATE_MIN_SHARE = 0.74
export const SELFTEST_RATE_MAX_SHARE = 1.4

// ---- the stroke count against the drive (H7: a sensor that loses counts; detectors.ts stroke_undercount) ----
/**
 * In each window of drive above stroke.silentAboveDuty, the strokes counted must be at least this
 * share of what the drive makes unloaded (duty x time x needle.noLoadHzPerDuty: the profile's, or
 * the pen's own from its commissioning, within 0.74..1.4 of the profile's (checkCalibration: the
 * console's bringup measures it with the same counter); never the self-test spin's at run time,
 * which a sensor losing counts reads low too). The closed loop's load model gives
 * 0.68 at the least (acne scars at 1.5 mm; 0.75-0.87 on the face areas, spin-ups included;
 * docs/DOSE.md), so a working pen keeps clear of it, and a sensor that starts losing over ~30-45 %
 * of its counts trips it (more than ~26 % from power-on fails the self-test's spin instead)
 */
export const STROKE_COUNT_MIN_SHARE = 0.5
/** the window it is judged over (ms): a spin-up is a few % of it */
export const STROKE_COUNT_WINDOW_MS = 500

// ---- the pen's own calibration (console `bringup`, issue 14 part 3; drivers/calibration.ts) ----
/**
 * A force scale outside this band (the pen's own reading of a known weight against the weight) is
 * not a sensor to calibrate: the wrong part, a divider with the wrong resistors, or a weight read
 * wrong. The FSR's own spread is ±6 % part to part and ~3 %/decade of creep (docs/DOMAIN.md); a
 * 20 % gain error needs 0.83. Narrow on purpose: a scale below 1 moves the 4.0 N cutoff up in true
 * force, so a mistaken calibration (a heavier weight than typed) can move it at most to 4.0 / 0.75
 * + CAL_FORCE_ZERO_MAX_N = 5.53 N.
 */
export const CAL_FORCE_SCALE_MIN = 0.75
export const CAL_FORCE_SCALE_MAX = 1.33
/** the force at rest a calibration may take off (N): more is something pressing the face or a broken divider */
export const CAL_FORCE_ZERO_MAX_N = 0.2

/**
 * The decisions' log lines wait for the writer's pass (src/main.ts), so the stop leaves before the
 * line that reports it. The 100 ms timer prints them once the writer has not passed for
 * SAY_LATE_MS (a write hanging on a lost role); a decision prints them past SAY_MAX lines waiting.
 */
export const SAY_LATE_MS = 100
export const SAY_MAX = 32
