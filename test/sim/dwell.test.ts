// The dwell rule (core/motion.ts, profile `motion`) against the plant's accelerometer
// (sim/plant/imu.ts: gravity turning with the curved skin and the hand's tilt wander, tremor, the
// motor's vibration folded by the chip, noise, LSB) driven by the operator's path
// (sim/plant/technique*.ts, each area's curvature from sim/plant/areas.ts), the needle at the area's
// preset stroke rate while on the skin (sim/dwell.ts). Measured numbers: docs/DOSE.md, "The dwell rule".
//
// Issue 13 asks: no glide of the clinical technique stopped over 20 seeds, and a pen come to rest
// on the skin stopped within 1.5 s. A constant-velocity glide has no acceleration, but over the
// curved face it turns the pen: that is the evidence. The chip is simulated at 16 x its output
// rate (832 Hz, above the strike harmonic's 240 Hz) to keep the run short.
import { describe, expect, test } from "vitest"
import { ACCEL_POLL_MS } from "../../sim/devices"
import { DwellRun, areaTechnique, restHolds, runDwell } from "../../sim/dwell"
import { FACTORY_PROFILE } from "../../src/profile.g"

const M = FACTORY_PROFILE.motion
const IMU = { oversample: 16 }
/** the needle's rate ramps up from each touch-down as the regulator's set point does */
const RAMP = FACTORY_PROFILE.needle.rampHzPerS
const SEEDS = 20

function presetHz(areaId: string): number {
    const a = FACTORY_PROFILE.areas.find((x) => x.id === areaId)
    if (!a) throw new Error(`no area ${areaId}`)
    return a.preset.strokeHz
}

/** the clinical seeds of one area: glides stopped (must be none) and warned */
function glides(areaId: string) {
    let rows = 0
    let falseStops = 0
    let warnings = 0
    let worst = 0
    for (let seed = 1; seed <= SEEDS; seed++) {
        const tech = areaTechnique(areaId, seed)
        const r: DwellRun = runDwell(tech, M, { seed, strokeHz: presetHz(areaId), imu: IMU, rampHzPerS: RAMP })
        rows += tech.rowCount
        falseStops += r.falseStopsAtMs.length
        warnings += r.falseWarningsAtMs.length
        worst = Math.max(worst, r.maxGlideStillMs)
        // fed at the 20 ms stream the firmware writes (a board's unwritten 100 ms would be a fifth)
        expect(r.samples).toBeGreaterThan(tech.durationMs / 25)
    }
    console.log(`${areaId}: ${rows} rows over ${SEEDS} seeds, ${falseStops} glides stopped, ${warnings} warned (still ${M.warnAfterMs} ms); longest still time in a glide ${worst.toFixed(0)} ms (stop at ${M.stopAfterMs})`)
    expect(M.stopOnDwell).toBe(1)
    expect(falseStops).toBe(0)
    expect(worst).toBeGreaterThan(0)
}

/** the ESP32 firmware's most likely timing: the server's reads on jacdac-c's 15.39 ms grid, taken on a 10 ms main-loop tick (docs/DOSE.md "The board's stream") */
const BOARD_TICK = { readMs: ACCEL_POLL_MS, loopTickMs: 10 }

/** holds (a dwell mid-row, stamps held 2.5 s) on a cheek at one stroke rate: time to stop from rest */
function holds(strokeHz: number, timing: { readMs?: number; loopTickMs?: number } = {}) {
    const stops = restHolds(M, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { strokeHz, imu: IMU, rampHzPerS: RAMP, ...timing })
    const sorted = stops.slice().sort((a, b) => a - b)
    const within15 = sorted.filter((x) => x >= 0 && x <= 1500).length
    console.log(`${strokeHz} strokes/s: ${sorted.length} holds, time to stop from rest min ${sorted[0].toFixed(0)} / median ${sorted[sorted.length >> 1].toFixed(0)} / max ${sorted[sorted.length - 1].toFixed(0)} ms; ${within15} within 1.5 s`)
    expect(sorted.length).toBe(40)
    // every hold stopped (-1 = not stopped; 0: the deceleration's end was already still), each
    // within issue 13's 1.5 s of rest
    expect(sorted[0]).toBeGreaterThanOrEqual(0)
    expect(within15).toBe(40)
}

// one test per area of sim/scenarios/dose.ts DOSE_AREAS (literal names: docs/SAFETY.md lists them)
describe("dwell rule against the simulated accelerometer", () => {
test("H15 periorbital, 20 clinical seeds: no glide is stopped (tremor, the hand's wander and the motor included)", () => glides("periorbital"), 120_000)
test("H15 forehead, 20 clinical seeds: no glide is stopped (tremor, the hand's wander and the motor included)", () => glides("forehead"), 120_000)
test("H15 nose, 20 clinical seeds: no glide is stopped (tremor, the hand's wander and the motor included)", () => glides("nose"), 120_000)
test("H15 perioral, 20 clinical seeds: no glide is stopped (tremor, the hand's wander and the motor included)", () => glides("perioral"), 120_000)
test("H15 cheeks, 20 clinical seeds: no glide is stopped (tremor, the hand's wander and the motor included)", () => glides("cheeks"), 120_000)
test("H15 at 100 strokes/s a pen come to rest on the skin (a dwell mid-row, stamps held 2.5 s) is stopped within 1.5 s every time", () => holds(100), 60_000)
test("H15 at 120 strokes/s a pen come to rest on the skin (a dwell mid-row, stamps held 2.5 s) is stopped within 1.5 s every time", () => holds(120), 60_000)
test("H15 at 150 strokes/s a pen come to rest on the skin (a dwell mid-row, stamps held 2.5 s) is stopped within 1.5 s every time", () => holds(150), 60_000)
test("H15 at 56 strokes/s (the lowest rate allowed: 50-55 are within 3 of 52, twice the accelerometer's 26 Hz) a pen come to rest on the skin (a dwell mid-row, stamps held 2.5 s) is stopped within 1.5 s every time", () => holds(56), 60_000)
test("H15 on a 10 ms main-loop tick (the ESP32's), at 100 strokes/s a pen come to rest on the skin is stopped within 1.5 s every time: the chip's phase kept from repeated readings", () => holds(100, BOARD_TICK), 60_000)
test("H15 at 108 strokes/s (the first rate above the 101-107 refused around 104) a pen come to rest on the skin (a dwell mid-row, stamps held 2.5 s) is stopped within 1.5 s every time", () => holds(108), 60_000)
})
