// An accelerometer in the pen's handpiece (LSM6DS class, as DeviceScript's startAccelerometer
// finds on I2C), fed by the same path the skin map gets its positions from (technique.ts).
// Numbers and sources: docs/DOSE.md, "Motion and the accelerometer".
//
// What the chip feels (specific force, pen frame: x along the area's width, y along its height,
// z along the pen's axis pointing away from the skin; the pen is held perpendicular to the skin
// and does not roll in the fingers):
//   the path's own acceleration (zero on a constant-velocity glide: nothing else moves the pen)
//   + gravity: the skin's outward normal (the pen's z) tilted skinTiltDeg from vertical, about x, at
//     the area's centre; the pen turns with the skin's curvature as it moves (the path's tiltX/Y,
//     technique-path.ts Surface) and with the hand's slow tilt wander (tiltWanderDeg, both while
//     gliding and while held): a turning pen sees gravity's share move between its axes
//   + physiological tremor: 8-12 Hz, a few sines per axis, RMS displacement drawn per seed
//   + the motor's vibration at the stroke rate: the needle reciprocating along z and the rotor's
//     imbalance turning in x/y, amplitude ~ (rate/120 Hz)²; a second harmonic from the needle
//     striking the skin while in contact; nothing while the needle stands still
// What the chip does with it (simulated at an internal rate of ~1.66 kHz, a multiple of the ODR):
//   clips at the range (the ADC saturates before any filter), adds white noise of the datasheet's
//   density, low-pass filters (the LPF1 stage at ODR/2, as jacdac-c's lsm6ds.c leaves CTRL1_XL;
//   its order is not published: a Butterworth of lpfOrder, default 2, an assumption), keeps every
//   n-th value (the output data rate), quantises to 16 bits of the range.
//   The analog anti-alias filter (1.5 kHz) passes 90-150 Hz untouched and is not modelled: the
//   stroke-rate vibration reaches the decimation only attenuated by LPF1 and folds into the
//   band, e.g. 120 Hz at 52 or 104 Hz ODR reads as 16 Hz, at 26 Hz as 10 Hz.
// What the firmware reads: the Jacdac Accelerometer service's `forces` in g, whose convention is
// the reverse of the chip's (a module lying flat reads z = -1 g; jacdac-spec accelerometer.md):
// reading = -(specific force) / g0. Sample-and-hold in between; jacdac-c polls the chip every
// ~15.4 ms, the integration decides how often it reads xG/yG/zG.
// Pure and deterministic for a seed: no clock, no Math.random. Nothing is allocated per step.

import { Rng, forkRng, rngNormal, rngRange } from "./rng"

export const G0_MS2 = 9.80665

export interface ImuParams {
    /** output data rate (Hz): the board's firmware sets 26 (drivers/lsm6ds.ts, motion.odrHz); jacdac-c's LSM6DS driver alone 52 */
    odrHz: number
    /** full scale (±g): 2, 4, 8 or 16; jacdac-c starts at 8 */
    rangeG: number
    /** internal simulation rate = odrHz x oversample; default the smallest power of two reaching 1.6 kHz */
    oversample?: number
    /** LPF1 corner as a share of the ODR (0.5: ODR/2, LPF1_BW_SEL = 0) */
    lpfShareOfOdr: number
    /** LPF1 order (Butterworth); not published by ST: an assumption */
    lpfOrder: number
    /** noise density (µg/√Hz); LSM6DS3TR-C high-performance mode: 90 */
    noiseUgPerRtHz: number
    /** angle between the pen's axis (skin normal) and vertical (deg); 0 = pen upright, needle down */
    skinTiltDeg: number
    /** the hand's slow tilt wander: RMS angle per lateral axis (deg), drawn per seed in this range */
    tiltWanderDeg: [number, number]
    /** its frequency band (Hz) */
    tiltWanderHz: [number, number]
    /** tremor RMS displacement per lateral axis (µm), drawn per seed in this range */
    tremorRmsUm: [number, number]
    /** tremor along the pen's axis as a share of the lateral (braced on the skin) */
    tremorAxialShare: number
    /** tremor frequency band (Hz) */
    tremorHz: [number, number]
    /** motor vibration along the pen's axis at vibrationRefHz (g peak), drawn per seed in this range */
    vibrationG: [number, number]
    vibrationRefHz: number
    /** the rotor's imbalance in x/y as a share of the axial amplitude */
    vibrationLateralShare: number
    /** second harmonic (needle striking skin, in contact only) as a share of the axial amplitude */
    vibrationHarmonicShare: number
}

export const DEFAULT_IMU: ImuParams = {
    odrHz: 26,
    rangeG: 8,
    lpfShareOfOdr: 0.5,
    lpfOrder: 2,
    noiseUgPerRtHz: 90,
    skinTiltDeg: 30,
    tiltWanderDeg: [0.03, 0.1],
    tiltWanderHz: [0.05, 0.5],
    tremorRmsUm: [15, 40],
    tremorAxialShare: 0.5,
    tremorHz: [8, 12],
    vibrationG: [0.1, 0.4],
    vibrationRefHz: 120,
    vibrationLateralShare: 0.3,
    vibrationHarmonicShare: 0.3,
}

/** LSM6DS sensitivity: 0.061 mg/LSB at ±2 g, doubling with each range */
export function imuLsbG(rangeG: number): number {
    return 0.061e-3 * (rangeG / 2)
}

const TREMOR_SINES = 3
const WANDER_SINES = 2

export interface ImuInput {
    /** the path's acceleration in the pen frame (mm/s²), e.g. from techniquePoseAt */
    axMmS2: number
    ayMmS2: number
    azMmS2: number
    /** the needle's stroke rate right now (Hz); 0 = motor still */
    strokeHz: number
    /** needle on the skin (adds the strike harmonic) */
    contact: boolean
    /** the pen turned from the area centre's orientation with the skin (rad; Pose.tiltXRad/tiltYRad) */
    tiltXRad: number
    tiltYRad: number
}

export function createImuInput(): ImuInput {
    return { axMmS2: 0, ayMmS2: 0, azMmS2: 0, strokeHz: 0, contact: false, tiltXRad: 0, tiltYRad: 0 }
}

/**
 * "Up" (a unit vector, chip convention) in the frame of a pen turned by tiltX about its y axis and
 * then tiltY about its x axis from the centre's orientation, where up is (0, upY, upZ). Moving +x
 * over a convex patch turns the pen's z toward +x, so up leans toward -x. Writes out[0..2].
 */
export function upInPenFrame(upY: number, upZ: number, tiltXRad: number, tiltYRad: number, out: number[]): number[] {
    const ca = Math.cos(tiltXRad)
    const sa = Math.sin(tiltXRad)
    const x1 = -upZ * sa
    const z1 = upZ * ca
    const cb = Math.cos(tiltYRad)
    const sb = Math.sin(tiltYRad)
    out[0] = x1
    out[1] = upY * cb - z1 * sb
    out[2] = upY * sb + z1 * cb
    return out
}

export interface Imu {
    params: ImuParams
    internalHz: number
    decimation: number
    tickMs: number
    /** internal sample index of the next tick (tick k is at k * tickMs) */
    tick: number
    nowMs: number
    /** up at the area's centre, pen frame (chip convention) */
    upY: number
    upZ: number
    /** up in the pen's frame over the current step: the skin's tilt and the hand's wander */
    up: number[]
    /** the hand's tilt wander: per lateral axis (x, y) x WANDER_SINES: amplitude (rad), angular frequency (rad/ms), phase */
    wanderRad: Float64Array
    wanderRadPerMs: Float64Array
    wanderPhase: Float64Array
    lsbG: number
    // LPF1: cascaded sections, coefficients per section, state per axis and section
    secB0: Float64Array
    secB1: Float64Array
    secB2: Float64Array
    secA1: Float64Array
    secA2: Float64Array
    state1: Float64Array
    state2: Float64Array
    primed: boolean
    noiseSigmaG: number
    noiseRng: Rng
    /** tremor: per axis (x, y, z) x TREMOR_SINES: amplitude (m), angular frequency (rad/ms), phase */
    tremorAmpM: Float64Array
    tremorRadPerMs: Float64Array
    tremorPhase: Float64Array
    tremorRmsUm: number
    vibrationG: number
    vibPhaseRad: number
    vibAxialPhase: number
    vibHarmonicPhase: number
    // ---- outputs: the latest output sample, Jacdac convention, g ----
    xG: number
    yG: number
    zG: number
    /** time of the latest output sample (ms); -1 before the first */
    sampleMs: number
    sampleCount: number
    /** called for every output sample */
    onSample?: (tMs: number, xG: number, yG: number, zG: number) => void
}

/** Butterworth low-pass as cascaded sections (bilinear, prewarped at the corner) */
function designLowPass(order: number, cornerHz: number, fsHz: number) {
    const K = Math.tan((Math.PI * cornerHz) / fsHz)
    const b0: number[] = []
    const b1: number[] = []
    const b2: number[] = []
    const a1: number[] = []
    const a2: number[] = []
    for (let k = 1; k <= Math.floor(order / 2); k++) {
        const q = 1 / (2 * Math.cos(((2 * k - 1) * Math.PI) / (2 * order)))
        const norm = 1 / (1 + K / q + K * K)
        b0.push(K * K * norm)
        b1.push(2 * K * K * norm)
        b2.push(K * K * norm)
        a1.push(2 * (K * K - 1) * norm)
        a2.push((1 - K / q + K * K) * norm)
    }
    if (order % 2 === 1) {
        const norm = 1 / (1 + K)
        b0.push(K * norm)
        b1.push(K * norm)
        b2.push(0)
        a1.push((K - 1) * norm)
        a2.push(0)
    }
    return { b0, b1, b2, a1, a2 }
}

export function createImu(seed: number, params: Partial<ImuParams> = {}): Imu {
    const p: ImuParams = { ...DEFAULT_IMU, ...params }
    if ([2, 4, 8, 16].indexOf(p.rangeG) < 0) throw new Error(`rangeG must be 2, 4, 8 or 16, got ${p.rangeG}`)
    if (!(p.odrHz > 0)) throw new Error(`odrHz must be > 0, got ${p.odrHz}`)
    if (!(p.lpfOrder >= 1 && p.lpfOrder <= 8 && Math.floor(p.lpfOrder) === p.lpfOrder)) throw new Error(`lpfOrder must be 1..8, got ${p.lpfOrder}`)
    let oversample = p.oversample
    if (oversample === undefined) {
        oversample = 1
        while (p.odrHz * oversample < 1600) oversample *= 2
    }
    const internalHz = p.odrHz * oversample
    const f = designLowPass(p.lpfOrder, p.lpfShareOfOdr * p.odrHz, internalHz)
    const nSec = f.b0.length
    const rng = forkRng(seed, 21)
    const tilt = (p.skinTiltDeg * Math.PI) / 180
    const tremorRmsUm = rngRange(rng, p.tremorRmsUm[0], p.tremorRmsUm[1])
    const imu: Imu = {
        params: p,
        internalHz,
        decimation: oversample,
        tickMs: 1000 / internalHz,
        tick: 0,
        nowMs: 0,
        upY: Math.sin(tilt),
        upZ: Math.cos(tilt),
        up: [0, Math.sin(tilt), Math.cos(tilt)],
        wanderRad: new Float64Array(2 * WANDER_SINES),
        wanderRadPerMs: new Float64Array(2 * WANDER_SINES),
        wanderPhase: new Float64Array(2 * WANDER_SINES),
        lsbG: imuLsbG(p.rangeG),
        secB0: Float64Array.from(f.b0),
        secB1: Float64Array.from(f.b1),
        secB2: Float64Array.from(f.b2),
        secA1: Float64Array.from(f.a1),
        secA2: Float64Array.from(f.a2),
        state1: new Float64Array(3 * nSec),
        state2: new Float64Array(3 * nSec),
        primed: false,
        noiseSigmaG: p.noiseUgPerRtHz * 1e-6 * Math.sqrt(internalHz / 2),
        noiseRng: forkRng(seed, 22),
        tremorAmpM: new Float64Array(3 * TREMOR_SINES),
        tremorRadPerMs: new Float64Array(3 * TREMOR_SINES),
        tremorPhase: new Float64Array(3 * TREMOR_SINES),
        tremorRmsUm,
        vibrationG: rngRange(rng, p.vibrationG[0], p.vibrationG[1]),
        vibPhaseRad: 0,
        vibAxialPhase: rngRange(rng, 0, 2 * Math.PI),
        vibHarmonicPhase: rngRange(rng, 0, 2 * Math.PI),
        xG: 0,
        yG: 0,
        zG: 0,
        sampleMs: -1,
        sampleCount: 0,
    }
    // drawn after the tremor (below) would have moved every seed's tremor: its own stream
    const wrng = forkRng(seed, 23)
    const wanderRms = (rngRange(wrng, p.tiltWanderDeg[0], p.tiltWanderDeg[1]) * Math.PI) / 180
    for (let i = 0; i < 2 * WANDER_SINES; i++) {
        imu.wanderRad[i] = wanderRms * Math.sqrt(2 / WANDER_SINES)
        imu.wanderRadPerMs[i] = (2 * Math.PI * rngRange(wrng, p.tiltWanderHz[0], p.tiltWanderHz[1])) / 1000
        imu.wanderPhase[i] = rngRange(wrng, 0, 2 * Math.PI)
    }
    for (let axis = 0; axis < 3; axis++) {
        // equal sines: the sum's RMS is the drawn RMS
        const rmsM = tremorRmsUm * 1e-6 * (axis === 2 ? p.tremorAxialShare : 1)
        for (let k = 0; k < TREMOR_SINES; k++) {
            const i = axis * TREMOR_SINES + k
            imu.tremorAmpM[i] = rmsM * Math.sqrt(2 / TREMOR_SINES)
            imu.tremorRadPerMs[i] = (2 * Math.PI * rngRange(rng, p.tremorHz[0], p.tremorHz[1])) / 1000
            imu.tremorPhase[i] = rngRange(rng, 0, 2 * Math.PI)
        }
    }
    return imu
}

/** the designed LPF1's gain at hz (what the vibration is attenuated by before it folds) */
export function imuLowPassGain(imu: Imu, hz: number): number {
    const w = (2 * Math.PI * hz) / imu.internalHz
    let re = 1
    let im = 0
    for (let s = 0; s < imu.secB0.length; s++) {
        // H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)
        const nr = imu.secB0[s] + imu.secB1[s] * Math.cos(w) + imu.secB2[s] * Math.cos(2 * w)
        const ni = -imu.secB1[s] * Math.sin(w) - imu.secB2[s] * Math.sin(2 * w)
        const dr = 1 + imu.secA1[s] * Math.cos(w) + imu.secA2[s] * Math.cos(2 * w)
        const di = -imu.secA1[s] * Math.sin(w) - imu.secA2[s] * Math.sin(2 * w)
        const d2 = dr * dr + di * di
        const hr = (nr * dr + ni * di) / d2
        const hi = (ni * dr - nr * di) / d2
        const r = re * hr - im * hi
        im = re * hi + im * hr
        re = r
    }
    return Math.hypot(re, im)
}

/** the specific force the chip feels on one axis (g, chip convention: upright reads z = +1 g) */
function feltG(imu: Imu, axis: number, tMs: number, input: ImuInput, vibAxial: number, vibX: number, vibY: number, vib2: number): number {
    let tremorMS2 = 0
    for (let k = 0; k < TREMOR_SINES; k++) {
        const i = axis * TREMOR_SINES + k
        const w = imu.tremorRadPerMs[i] * 1000 // rad/s
        tremorMS2 -= imu.tremorAmpM[i] * w * w * Math.sin(imu.tremorRadPerMs[i] * tMs + imu.tremorPhase[i])
    }
    if (axis === 0) return (input.axMmS2 / 1000 + tremorMS2) / G0_MS2 + vibX + imu.up[0]
    if (axis === 1) return (input.ayMmS2 / 1000 + tremorMS2) / G0_MS2 + vibY + imu.up[1]
    return (input.azMmS2 / 1000 + tremorMS2) / G0_MS2 + vibAxial + vib2 + imu.up[2]
}

function filterAxis(imu: Imu, axis: number, x: number): number {
    const n = imu.secB0.length
    let v = x
    for (let s = 0; s < n; s++) {
        const j = axis * n + s
        const y = imu.secB0[s] * v + imu.state1[j]
        imu.state1[j] = imu.secB1[s] * v - imu.secA1[s] * y + imu.state2[j]
        imu.state2[j] = imu.secB2[s] * v - imu.secA2[s] * y
        v = y
    }
    return v
}

/** settle the filters on a constant input x per axis (no start-up ring at power-on) */
function primeAxis(imu: Imu, axis: number, x: number): void {
    const n = imu.secB0.length
    for (let s = 0; s < n; s++) {
        const j = axis * n + s
        imu.state2[j] = imu.secB2[s] * x - imu.secA2[s] * x
        imu.state1[j] = imu.secB1[s] * x - imu.secA1[s] * x + imu.state2[j]
    }
}

const felt = [0, 0, 0]

/**
 * Advance the IMU by dtMs with `input` held over the step (step the caller's loop at a few ms: the
 * path's acceleration and the stroke rate change slowly; tremor and vibration are computed here
 * at the internal rate). Updates xG/yG/zG at every output sample. Mutates `imu`.
 */
export function stepImu(imu: Imu, dtMs: number, input: ImuInput): void {
    const endMs = imu.nowMs + dtMs
    const p = imu.params
    const range = p.rangeG
    const vibScale = input.strokeHz > 0 ? (input.strokeHz / p.vibrationRefHz) * (input.strokeHz / p.vibrationRefHz) : 0
    const axialG = imu.vibrationG * vibScale
    const lateralG = axialG * p.vibrationLateralShare
    const harmonicG = input.contact ? axialG * p.vibrationHarmonicShare : 0
    const dPhase = (2 * Math.PI * input.strokeHz * imu.tickMs) / 1000
    // the pen's orientation over this step (it turns slowly: steps are a few ms)
    let wx = 0
    let wy = 0
    for (let k = 0; k < WANDER_SINES; k++) {
        wx += imu.wanderRad[k] * Math.sin(imu.wanderRadPerMs[k] * imu.nowMs + imu.wanderPhase[k])
        const j = WANDER_SINES + k
        wy += imu.wanderRad[j] * Math.sin(imu.wanderRadPerMs[j] * imu.nowMs + imu.wanderPhase[j])
    }
    upInPenFrame(imu.upY, imu.upZ, input.tiltXRad + wx, input.tiltYRad + wy, imu.up)
    while (imu.tick * imu.tickMs <= endMs + 1e-9) {
        const tMs = imu.tick * imu.tickMs
        const ph = imu.vibPhaseRad
        const vibAxial = axialG * Math.sin(ph + imu.vibAxialPhase)
        const vibX = lateralG * Math.cos(ph)
        const vibY = lateralG * Math.sin(ph)
        const vib2 = harmonicG * Math.sin(2 * ph + imu.vibHarmonicPhase)
        for (let axis = 0; axis < 3; axis++) {
            let g = feltG(imu, axis, tMs, input, vibAxial, vibX, vibY, vib2)
            if (g > range) g = range
            else if (g < -range) g = -range
            felt[axis] = g + imu.noiseSigmaG * rngNormal(imu.noiseRng)
        }
        if (!imu.primed) {
            for (let axis = 0; axis < 3; axis++) primeAxis(imu, axis, felt[axis])
            imu.primed = true
        }
        const fx = filterAxis(imu, 0, felt[0])
        const fy = filterAxis(imu, 1, felt[1])
        const fz = filterAxis(imu, 2, felt[2])
        if (imu.tick % imu.decimation === 0) {
            // 16-bit output of the range, then the Jacdac sign convention
            imu.xG = -quantise(fx, imu.lsbG)
            imu.yG = -quantise(fy, imu.lsbG)
            imu.zG = -quantise(fz, imu.lsbG)
            imu.sampleMs = tMs
            imu.sampleCount++
            if (imu.onSample) imu.onSample(tMs, imu.xG, imu.yG, imu.zG)
        }
        imu.vibPhaseRad = (ph + dPhase) % (2 * Math.PI)
        imu.tick++
    }
    imu.nowMs = endMs
}

function quantise(g: number, lsbG: number): number {
    let code = Math.round(g / lsbG)
    if (code > 32767) code = 32767
    else if (code < -32768) code = -32768
    return code * lsbG
}
