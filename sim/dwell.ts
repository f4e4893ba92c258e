// The dwell rule (core/motion.ts) against the plant's accelerometer (sim/plant/imu.ts) driven by a
// technique's path, with the needle motor at a stroke rate while the pen is on the skin: how long
// the rule calls a glide "still", and how soon it stops a pen that has come to rest. Pure Node,
// no pen, no bus: the evidence alone (the pen's use of it is tested in test/core).
// The firmware reads the chip through the Jacdac server, which polls it every ~15.4 ms
// (jacdac-c) and streams the chip's latest output (sample-and-hold) at one of those polls every
// 20 ms, the interval the firmware writes (sim/sensor-stream.ts): the monitor is fed those.
import { MotionMonitor } from "../core/motion"
import { MotionProfile } from "../core/profile"
import { SENSOR_STREAM_MS } from "../drivers/writer"
import { ImuParams } from "./plant/imu"
import { SensorStream } from "./sensor-stream"
import { AccelFeed } from "./accel-feed"
import { forkRng, rngUniform } from "./plant/rng"
import { AREA_SIZES } from "./plant/areas"
import { SIM_CARTRIDGE } from "./plant/dose"
import { Technique, TechniqueBuilder, clinicalTechnique, createPose, techniquePoseAt } from "./plant/technique"

export interface DwellRunOptions {
    seed: number
    /** the needle's stroke rate while on the skin (Hz) */
    strokeHz: number
    imu?: Partial<ImuParams>
    /**
     * how often the server reads the chip (ms): 15.4 unless set. jacdac-c's is 15.39; against a
     * 52 Hz chip's 19.23 ms results at the rule's margins moved with it (docs/DOSE.md "The board's
     * stream"), against the 26 Hz chip's 38.5 ms far less ("The chip at 26 Hz")
     */
    readMs?: number
    /**
     * the board's main loop tick (ms; 0 or unset: none): a read is taken at the first tick at or
     * after it is due, as on the ESP32, whose jacdac-c loop wakes every 10 ms when no frame is
     * pending (devicescript-esp32 main.c, tim_max_sleep; by reading, not measured). The ticks'
     * phase against the chip's clock is drawn per seed
     */
    loopTickMs?: number
    /**
     * the firmware's streaming_samples keep-alive (ms; drivers/writer.ts KEEPALIVE_MS, at a phase
     * drawn per seed): each restarts the board's stream (sim/sensor-stream.ts), as the VM's server
     * and the closed loop do. 0 or unset: none, the tests' default: with it one forehead glide row
     * of 7,033 (seeds 1-20) is still for exactly the stop time (docs/DOSE.md "The board's stream")
     */
    keepAliveMs?: number
    /**
     * each streamed reading reaches the monitor up to this much later than the server read it (ms,
     * uniform; 0: at once): the pen stamps a reading when its handler runs, after the link and
     * whatever the VM was doing (`--jitter=` of sim/dwell-sweep.ts)
     */
    arrivalJitterMs?: number
    /** the streaming interval (ms): one of the reads streamed every this often; unset: the firmware's 20 ms; 0: every read */
    streamMs?: number
    /** simulation step (ms) */
    stepMs?: number
    /** the stroke rate's ramp from touch-down (Hz/s; FACTORY_PROFILE.needle.rampHzPerS); 0 or unset: at once */
    rampHzPerS?: number
    /** a sensor fault: one streamed reading this much off on x (g) every glitchEveryMs (a corrupted read); 0 or unset: none */
    glitchG?: number
    glitchEveryMs?: number
    /** the regulated rate wandering around strokeHz (Hz, at most): a random walk stepped every 20 ms (the VM's regulator wandered further, docs/DOSE.md); 0 or unset: steady */
    rateWanderHz?: number
}

export interface DwellRun {
    /** the longest "still" time reached while gliding (ms) */
    maxGlideStillMs: number
    /** glide time where still reached stopAfterMs (false stops: the first time of each contact episode) */
    falseStopsAtMs: number[]
    /** glide time where still reached warnAfterMs (false warnings: once per still episode) */
    falseWarningsAtMs: number[]
    /** each hold (a dwell, a stamp's press) of at least stopAfterMs: ms from its start to the stop (-1: no stop) */
    holdStopsMs: number[]
    /** samples fed to the monitor */
    samples: number
}

/** Play `tech` through the IMU and the motion monitor; contact episodes start where the path touches the skin. */
export function runDwell(tech: Technique, p: MotionProfile, o: DwellRunOptions): DwellRun {
    const feed = new AccelFeed(o.seed, o.imu || {})
    feed.play(tech, 0)
    const imu = feed.imu
    const mon = new MotionMonitor(p)
    const pose = createPose()
    const readMs = o.readMs !== undefined ? o.readMs : 15.4
    const stepMs = o.stepMs !== undefined ? o.stepMs : 1
    const streamMs = o.streamMs !== undefined ? o.streamMs : SENSOR_STREAM_MS
    const stream = new SensorStream()
    const tickMs = o.loopTickMs ?? 0
    const tickPhase = tickMs > 0 ? Math.floor(rngUniform(forkRng(o.seed, 78)) * tickMs) : 0
    const keepAliveMs = o.keepAliveMs ?? 0
    let nextKeepAliveMs = keepAliveMs > 0 ? rngUniform(forkRng(o.seed, 79)) * keepAliveMs : Infinity
    const jitterMs = o.arrivalJitterMs ?? 0
    const jitterRng = forkRng(o.seed, 80)
    let lastArrivalMs = -Infinity
    const out: DwellRun = { maxGlideStillMs: 0, falseStopsAtMs: [], falseWarningsAtMs: [], holdStopsMs: [], samples: 0 }
    const wander = o.rateWanderHz !== undefined ? o.rateWanderHz : 0
    const wanderRng = forkRng(o.seed, 77)
    let devHz = 0
    /** the server's reads of the chip, on their own grid */
    const reads = new SensorStream()
    let glitchAtMs = 0
    let contactSinceMs = -1
    let stoppedThisContact = false
    let warnedThisStill = false
    let holdSeg = -1
    let holdStartMs = 0
    let holdStopped = false
    /** the rule stops the needle: it stays off until the pen is lifted */
    const stop = (tMs: number) => {
        if (stoppedThisContact) return
        stoppedThisContact = true
        mon.needleOff(tMs)
    }
    const closeHold = () => {
        if (holdSeg < 0) return
        const seg = tech.segments[holdSeg]
        if (seg.endMs - seg.startMs >= p.stopAfterMs && !holdStopped) out.holdStopsMs.push(-1)
        holdSeg = -1
    }
    for (let t = 0; t < tech.durationMs; t += stepMs) {
        techniquePoseAt(tech, t, pose)
        // the needle starts on touch-down and its rate ramps up (profile needle.rampHzPerS, the
        // regulator's set-point ramp): the vibration sweeps through the folds on the way
        let strokeHz = 0
        if (wander > 0 && t % 20 === 0) devHz = Math.max(-wander, Math.min(wander, devHz + (rngUniform(wanderRng) - 0.5) * wander * 0.5))
        if (pose.contact) {
            const onMs = contactSinceMs < 0 ? 0 : t - contactSinceMs
            const setHz = o.strokeHz + devHz
            strokeHz = o.rampHzPerS && o.rampHzPerS > 0 ? Math.min(setHz, (o.rampHzPerS * onMs) / 1000) : setHz
        }
        // the chip feels the path where it is at the start of the step
        feed.step(stepMs, t, strokeHz, pose.contact, pose)
        if (t >= nextKeepAliveMs) {
            stream.restart(t)
            nextKeepAliveMs += keepAliveMs
        }
        // a read is due on its grid, taken at the first loop tick (if any) at or after that
        if ((tickMs <= 0 || (t + tickPhase) % tickMs < stepMs) && reads.due(t, readMs)) {
            if (stream.due(t, streamMs)) {
                let xG = imu.xG
                if (o.glitchG && t - glitchAtMs >= (o.glitchEveryMs ?? 600)) {
                    glitchAtMs = t
                    xG += o.glitchG
                }
                // in order, and never at the same ms as the one before (the pen drops such a reading)
                const arrivalMs = jitterMs > 0 ? Math.max(lastArrivalMs + 1, t + rngUniform(jitterRng) * jitterMs) : t
                lastArrivalMs = arrivalMs
                mon.sample(arrivalMs, xG, imu.yG, imu.zG)
                out.samples++
            }
        }
        if (!pose.contact) {
            if (contactSinceMs >= 0 && !stoppedThisContact) {
                mon.needleOff(t)
            }
            contactSinceMs = -1
            stoppedThisContact = false
            closeHold()
            continue
        }
        if (contactSinceMs < 0) {
            // the needle starts on the skin: the dwell counts on from a lift that did not move the pen
            contactSinceMs = t
            mon.needleOn(t)
        }
        // after a stop the needle stays off until the lift: the dwell no longer grows
        const still = stoppedThisContact ? 0 : mon.dwellMs(t)
        const seg = tech.segments[pose.segment]
        if (seg.kind === "hold") {
            if (holdSeg !== pose.segment) {
                closeHold()
                holdSeg = pose.segment
                holdStartMs = seg.startMs
                holdStopped = false
            }
            if (!holdStopped && still >= p.stopAfterMs) {
                holdStopped = true
                if (seg.endMs - seg.startMs >= p.stopAfterMs) out.holdStopsMs.push(t - holdStartMs)
            }
            if (still >= p.stopAfterMs) stop(t)
            continue
        }
        closeHold()
        if (still < p.warnAfterMs) warnedThisStill = false
        else if (!warnedThisStill && !stoppedThisContact) {
            warnedThisStill = true
            out.falseWarningsAtMs.push(t)
        }
        // a glide right after a hold still carries the hold's time: count only glides that began moving
        if (still > out.maxGlideStillMs && !stoppedThisContact) {
            out.maxGlideStillMs = still
        }
        if (!stoppedThisContact && still >= p.stopAfterMs) {
            out.falseStopsAtMs.push(t)
            stop(t)
        }
    }
    closeHold()
    return out
}

/** the clinical technique over one face area (its size and curvature, sim/plant/areas.ts) for a seed, the simulated cartridge's footprint */
export function areaTechnique(areaId: string, seed: number): ReturnType<typeof clinicalTechnique> {
    const size = AREA_SIZES[areaId]
    return clinicalTechnique({ widthMm: size.widthMm, heightMm: size.heightMm, radiusXMm: size.radiusXMm, radiusYMm: size.radiusYMm, footprintMm: SIM_CARTRIDGE.footprint.diameterMm, seed })
}

/**
 * A pen come to rest on a cheek (issue 13's dwell case): per seed, a 3 s dwell mid-row and three
 * stamps of 2.5 s with 0.25 s lifts on a 40 x 40 mm patch of the cheek's curvature. Returns each
 * hold's time from rest to the stop (ms; -1: not stopped; 0: a stamp's later press, the count
 * carried on). Shared by test/sim/dwell.test.ts and sim/dwell-sweep.ts.
 */
export function restHolds(p: MotionProfile, seeds: number[], o: Omit<DwellRunOptions, "seed">): number[] {
    const c = AREA_SIZES.cheeks
    const skin = { widthMm: 40, heightMm: 40, radiusXMm: c.radiusXMm, radiusYMm: c.radiusYMm, footprintMm: 7 }
    const stops: number[] = []
    for (const seed of seeds) {
        const dwell = clinicalTechnique({ ...skin, seed, directions: ["horizontal"], dwell: { section: 0, durationMs: 3000 } })
        stops.push(...runDwell(dwell, p, { ...o, seed }).holdStopsMs)
        const stamps = clinicalTechnique({ ...skin, seed: seed + 100, directions: ["horizontal"], stamp: { section: 0, presses: 3, onMs: 2500, offMs: 250 } })
        stops.push(...runDwell(stamps, p, { ...o, seed: seed + 100 }).holdStopsMs)
    }
    return stops
}

/** the VM dwell bench's cycle (bench/dwell.ts): a glide at this speed (mm/s), held still this long, lifted this long */
export const BENCH_GLIDE_MM_S = 12
export const BENCH_HOLD_MS = 3000
export const BENCH_LIFT_MS = 800

/**
 * Row i of an area in the VM dwell bench: a glide across it at BENCH_GLIDE_MM_S (back and forth by
 * row, at most 40 mm, on the area's curved skin), held still BENCH_HOLD_MS at its end, lifted to the
 * next row. `restAtMs`: when the pen comes to rest (the hold's start). Shared by bench/dwell.ts
 * (the firmware in the VM) and sim/dwell-sweep.ts (the same cycles in the model).
 */
export function glideThenHold(areaId: string, i: number): { tech: Technique; restAtMs: number } {
    const a = AREA_SIZES[areaId]
    const w = Math.min(a.widthMm, 40)
    const rowY = (k: number) => 5 + (k % 4) * 4
    const x0 = i % 2 === 0 ? 5 : w - 5
    const x1 = i % 2 === 0 ? w - 5 : 5
    const b = new TechniqueBuilder(x0, rowY(i))
    b.forceN = 1.3
    b.glideTo(x1, rowY(i), BENCH_GLIDE_MM_S)
    const restAtMs = b.nowMs
    b.hold(BENCH_HOLD_MS)
    b.liftTo(x1, rowY(i + 1), BENCH_LIFT_MS, 5)
    const tech = b.build()
    tech.surface = { widthMm: a.widthMm, heightMm: a.heightMm, radiusXMm: a.radiusXMm, radiusYMm: a.radiusYMm }
    return { tech, restAtMs }
}
