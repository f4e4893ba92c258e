// The dwell rule (issue 13, docs/DOSE.md "The dwell rule") over many seeds of the closed-loop
// model (sim/dwell.ts: the chip model along the operator's path; no VM):
//   `npx tsx sim/dwell-sweep.ts [seeds] [first]` (default seeds 1-20)
// 1. the clinical technique of the five face areas at their preset rates: glide rows stopped (must
//    be none) and the longest still time in a glide, against the factory stop time;
// 2. a pen come to rest on a cheek (a 3 s dwell mid-row, three stamps of 2.5 s; the holds of
//    test/sim/dwell.test.ts) at 56, 100, 108, 120 and 150 strokes/s, and at 100 and 120 with the
//    regulated rate wandering +-4 Hz: time from rest to the stop, and how many took over 1.5 s;
// 3. the VM dwell bench's cycles (bench/dwell.ts: a row glided at 12 mm/s, held 3 s, lifted; 4 per
//    seed) at periorbital's and the cheeks' preset rates, steady and wandering +-4 Hz;
// 4. with `--trade`: the share of glide rows stopped at other stop times (700 ms to 6 s);
// 5. with `--rock`: the holds of 2. at 100/s with the hand rocking the pen on the spot (its tilt
//    wander raised to 0.2-1 deg RMS at 0.3-3 Hz): how many are still stopped within 1.5 s, and how
//    many never (a rocked pen reads as gliding: docs/DOSE.md "What it cannot do").
// 6. with `--glitch`: the holds of 2. and the bench cycles of 3. with one reading 0.1 g off on x
//    every 0.6 s (a corrupted read; core/motion.ts STEP_MAX_G_PER_S).
// The accelerometer is streamed as a board streams it (20 ms, sim/sensor-stream.ts), read every
// 15.4 ms; `--read=MS` sets the server's read period (jacdac-c: 15.39), `--tick=MS` reads only on
// the board's main loop tick (the ESP32's: 10), `--keepalive=MS` restarts the stream that often,
// `--jitter=MS` delays each reading's arrival by up to MS: sim/dwell.ts DwellRunOptions.
// `--odr=HZ` runs the chip and the monitor at HZ (motion.odrHz: 26), `--chipodr=HZ` the chip alone (its
// clock off the monitor's): docs/IMU-DIRECT.md "The chip at 26 Hz".
import { FACTORY_PROFILE } from "../src/profile.g"
import { areaTechnique, glideThenHold, restHolds, runDwell } from "./dwell"

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const seeds = Number(args[0] ?? 20)
const first = Number(args[1] ?? 1)
const flag = (name: string) => process.argv.find((x) => x.startsWith(`--${name}=`))?.split("=")[1]
/** `--odr=HZ`: the chip and the monitor at HZ (motion.odrHz; docs/IMU-DIRECT.md "The chip at 26 Hz") */
const M = { ...FACTORY_PROFILE.motion, odrHz: Number(flag("odr") ?? FACTORY_PROFILE.motion.odrHz) }
const RAMP = FACTORY_PROFILE.needle.rampHzPerS
/** `--chipodr=HZ`: the chip's true rate where its clock is off the monitor's; its model runs at 832 Hz inside (16 x 52) */
const CHIP_ODR = Number(flag("chipodr") ?? M.odrHz)
const IMU = { odrHz: CHIP_ODR, oversample: Math.round((16 * 52) / CHIP_ODR) }
const FACE = ["periorbital", "forehead", "nose", "perioral", "cheeks"]
const presetHz = (id: string) => FACTORY_PROFILE.areas.find((a) => a.id === id)!.preset.strokeHz
const seedList = Array.from({ length: seeds }, (_, i) => first + i)
/** the board's read timing for every run (`--read=`, `--tick=`) */
const BOARD = {
    ...(flag("read") ? { readMs: Number(flag("read")) } : {}),
    ...(flag("tick") ? { loopTickMs: Number(flag("tick")) } : {}),
    ...(flag("keepalive") ? { keepAliveMs: Number(flag("keepalive")) } : {}),
    ...(flag("jitter") ? { arrivalJitterMs: Number(flag("jitter")) } : {}),
}

console.log(`dwell rule: warn ${M.warnAfterMs} ms, stop ${M.stopAfterMs} ms still; low-pass ${M.lowPassHz} Hz, turn ${M.turnAboveG * 1000} mg, settled ${M.settledBelowG * 1000} mg; chip ${CHIP_ODR} Hz, monitor ${M.odrHz} Hz; seeds ${first}-${first + seeds - 1}; reads every ${BOARD.readMs ?? 15.4} ms${BOARD.loopTickMs ? ` on a ${BOARD.loopTickMs} ms loop tick` : ""}`)
let rows = 0
let stopped = 0
const longest: string[] = []
for (const areaId of FACE) {
    let worst = 0
    for (const seed of seedList) {
        const tech = areaTechnique(areaId, seed)
        const r = runDwell(tech, M, { seed, strokeHz: presetHz(areaId), imu: IMU, rampHzPerS: RAMP, ...BOARD })
        rows += tech.rowCount
        stopped += r.falseStopsAtMs.length
        worst = Math.max(worst, r.maxGlideStillMs)
    }
    longest.push(`${areaId} ${worst.toFixed(0)}`)
}
console.log(`glides: ${stopped} of ${rows} rows stopped; longest still time in a glide (ms): ${longest.join(", ")}`)

/** the rates of part 2, with the regulated rate's wander (Hz) */
const HOLD_RATES = [[56, 0], [100, 0], [108, 0], [120, 0], [150, 0], [100, 4], [120, 4]]
/** a sensor fault for `--glitch`: one reading 0.1 g off on x every 0.6 s */
type Glitch = { glitchG?: number; glitchEveryMs?: number }

/** part 2's holds at one rate: rest to stop (ms, sorted; Infinity: not stopped) */
function holdStops(hz: number, wander: number, glitch: Glitch): number[] {
    return restHolds(M, seedList, { strokeHz: hz, imu: IMU, rampHzPerS: RAMP, ...BOARD, rateWanderHz: wander, ...glitch })
        .map((x) => (x < 0 ? Infinity : x))
        .sort((a, b) => a - b)
}

/** part 3's bench cycles of one area: rest to stop (ms, sorted; Infinity: not stopped) */
function cycleStops(areaId: string, wander: number, glitch: Glitch): number[] {
    const stops: number[] = []
    for (const seed of seedList)
        for (let c = 0; c < 4; c++) {
            const r = runDwell(glideThenHold(areaId, c).tech, M, { seed: seed * 100 + c, strokeHz: presetHz(areaId), imu: IMU, rampHzPerS: RAMP, ...BOARD, rateWanderHz: wander, ...glitch })
            stops.push(...r.holdStopsMs.map((x) => (x < 0 ? Infinity : x)))
        }
    return stops.sort((a, b) => a - b)
}

const over = (s: number[]) => s.filter((x) => x > 1500).length
const spread = (s: number[]) => `rest to stop median ${s[s.length >> 1].toFixed(0)} / max ${s[s.length - 1].toFixed(0)} ms; ${over(s)} over 1.5 s`

let holds = 0
let late = 0
for (const [hz, wander] of HOLD_RATES) {
    const s = holdStops(hz, wander, {})
    holds += s.length
    late += over(s)
    console.log(`holds at ${hz}/s${wander ? ` +-${wander} Hz` : ""}: ${s.length}, ${spread(s)}`)
}
console.log(`holds: ${late} of ${holds} over 1.5 s (Infinity: not stopped)`)

let cycles = 0
let cyclesLate = 0
for (const areaId of ["periorbital", "cheeks"])
    for (const wander of [0, 4]) {
        const s = cycleStops(areaId, wander, {})
        cycles += s.length
        cyclesLate += over(s)
        console.log(`bench cycles, ${areaId} at ${presetHz(areaId)}/s${wander ? ` +-${wander} Hz` : ""}: ${s.length}, ${spread(s)}`)
    }
console.log(`bench cycles: ${cyclesLate} of ${cycles} over 1.5 s`)

if (process.argv.includes("--trade"))
    for (const stopMs of [700, 1500, 3000, 6000]) {
        let n = 0
        let k = 0
        for (const areaId of ["periorbital", "forehead", "cheeks"])
            for (const seed of seedList) {
                const tech = areaTechnique(areaId, seed)
                const motion = { ...M, warnAfterMs: Math.min(M.warnAfterMs, stopMs - 100), stopAfterMs: stopMs, stopOnDwell: 1 }
                const r = runDwell(tech, motion, { seed, strokeHz: presetHz(areaId), imu: IMU, rampHzPerS: RAMP, ...BOARD })
                n += tech.rowCount
                k += r.falseStopsAtMs.length
            }
        console.log(`stop after ${stopMs} ms still: ${k}/${n} glide rows stopped (${((100 * k) / n).toFixed(1)} %)`)
    }

if (process.argv.includes("--rock"))
    for (const [deg, hz] of [[0.2, 1], [0.5, 1], [1, 1], [0.5, 0.3], [0.5, 3]]) {
        const imu = { ...IMU, tiltWanderDeg: [deg, deg] as [number, number], tiltWanderHz: [hz * 0.8, hz * 1.25] as [number, number] }
        const s = restHolds(M, seedList, { strokeHz: 100, imu, rampHzPerS: RAMP, ...BOARD }).map((x) => (x < 0 ? Infinity : x)).sort((a, b) => a - b)
        const within = s.filter((x) => x <= 1500).length
        const never = s.filter((x) => x === Infinity).length
        console.log(`rocked ${deg} deg RMS at ${hz} Hz, holds at 100/s: ${within} of ${s.length} stopped within 1.5 s, ${never} never stopped; median ${s[s.length >> 1].toFixed(0)} ms`)
    }

if (process.argv.includes("--glitch")) {
    const glitch = { glitchG: 0.1, glitchEveryMs: 600 }
    let late = 0
    let n = 0
    let worst = 0
    for (const [hz, wander] of HOLD_RATES) {
        const s = holdStops(hz, wander, glitch)
        n += s.length
        late += over(s)
        worst = Math.max(worst, s[s.length - 1])
    }
    let cn = 0
    let clate = 0
    for (const areaId of ["periorbital", "cheeks"])
        for (const wander of [0, 4]) {
            const s = cycleStops(areaId, wander, glitch)
            cn += s.length
            clate += over(s)
        }
    console.log(`glitched (0.1 g on x every 0.6 s): holds ${late} of ${n} over 1.5 s (max ${worst.toFixed(0)} ms); bench cycles ${clate} of ${cn} over 1.5 s`)
}
