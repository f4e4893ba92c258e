// Contact force sensor: an FSR 400 in a divider with a bias resistor, read by a 12-bit ADC.
//
// Ideal divider (the model devs.json force.curve was derived from, F in newtons):
//   g = F (the FSR's conductance, normalised so that 1 N ~ the divider's reference leg)
//   r = (g + b) / (1 + g + b),  b = 0.02 (bias resistor)  <=>  F = r/(1-r) - b
// Non-idealities act on the FSR term g, the bias and reference resistors being stable:
//   g = F * partGain * hysteresisGain * driftGain * (1 + repeatability)
//   - repeatability: DOMAIN.md "repeatability ±2%": white, sigma 0.7%, clipped at ±2%
//   - part to part: DOMAIN.md "±6% part to part": partGain, 1.0 unless a test asks otherwise
//   - hysteresis: a little (assumed 3% between loading and unloading; unloading reads higher,
//     as FSRs do): a state h in [-1, 1] chases +1 while loading and -1 while unloading at a
//     rate of |dF| / hysteresisForceN, gain = 1 - hysteresisFrac/2 * h
//   - drift (creep): DOMAIN.md "<5% per decade of time": reading grows by driftPerDecade (3%)
//     per decade of time under load, 1 + 0.03*log10(1 + tLoaded/1 s); recovers on release
//   - ADC: ESP32-class 12 bit, code = round(r*4095 + noise), noise sigma 1.5 LSB (assumed; this
//     keeps a real reading from repeating exactly for long, which the firmware's stuck check uses)
// Faults (a stuck reading wins over the others, then open, then saturated):
//   open: unplugged, reads a few LSB (~3 LSB ± noise);  stuck: repeats the last value exactly;
//   saturated: shorted, reads 0.995 + noise (>= ~0.99);  noisy: extra sigma 0.03 of full scale.
// The noise streams draw the same number of values every step whatever the faults, so toggling a
// fault never shifts the rest of the sequence.
// Wired wrong (sim/plant/wiring.ts), the node's leg to ground is not R_m: `groundLeg` = R_m / R_pin
// (0 = none). Then the 100 nF node is integrated exactly over each step,
//   tau dr/dt = (g + b)(1 - r) - groundLeg * r,   tau = R_m * 100 nF (FSR_NODE_TAU_MS)
// from 0 at power-on; with no leg to ground it charges to the rail. Wired right (groundLeg 1) the
// node settles in ~1 ms, well inside a sample, and the static divider above is used.

import { Rng, forkRng, rngNormal } from "./rng"
import { FSR_NODE_TAU_MS } from "./wiring"

export interface ForceSensorParams {
    /** bias term b of the divider (devs.json force.curve model) */
    biasB: number
    adcMaxCode: number
    adcNoiseLsb: number
    repeatSigma: number
    repeatClip: number
    partGain: number
    hysteresisFrac: number
    hysteresisForceN: number
    driftPerDecade: number
    driftT0Ms: number
    /** force above which the FSR counts as loaded for creep (N) */
    loadedAboveN: number
    openLsb: number
    saturatedRatio: number
    noisySigmaRatio: number
}

export const DEFAULT_FORCE_SENSOR: ForceSensorParams = {
    biasB: 0.02,
    adcMaxCode: 4095,
    adcNoiseLsb: 1.5,
    repeatSigma: 0.007,
    repeatClip: 0.02,
    partGain: 1,
    hysteresisFrac: 0.03,
    hysteresisForceN: 0.5,
    driftPerDecade: 0.03,
    driftT0Ms: 1000,
    loadedAboveN: 0.1,
    openLsb: 3,
    saturatedRatio: 0.995,
    noisySigmaRatio: 0.03,
}

export interface ForceSensorFaultFlags {
    forceOpen: boolean
    forceStuck: boolean
    forceSaturated: boolean
    forceNoisy: boolean
}

export interface ForceSensorState {
    /** ADC reading as a ratio 0..1 (code / adcMaxCode) */
    ratio: number
    /** ADC code 0..adcMaxCode */
    code: number
    /** hysteresis state -1 (unloading) .. +1 (loading) */
    hyst: number
    /** time under load, for creep (ms) */
    loadedMs: number
    lastForceN: number
    /** the divider node (ratio of 3V3) when wired wrong; unused wired right */
    nodeRatio: number
    rng: Rng
}

/** The ideal divider ratio for a force (no noise, no quantisation). */
export function idealForceRatio(forceN: number, biasB = DEFAULT_FORCE_SENSOR.biasB): number {
    const g = forceN > 0 ? forceN : 0
    return (g + biasB) / (1 + g + biasB)
}

/** Inverse of idealForceRatio. */
export function forceFromIdealRatio(ratio: number, biasB = DEFAULT_FORCE_SENSOR.biasB): number {
    return ratio / (1 - ratio) - biasB
}

/** the seed's random stream the sensor's noise draws from (sim/closedloop.ts restarts it at a scenario's start) */
export const FORCE_NOISE_STREAM = 4

/**
 * The true force (N) above which this sensor, as it is now (its hysteresis and creep), reads at
 * least `n` even at its worst repeatability and 3 sigma of ADC noise: what a firmware that cuts at
 * a reading of `n` can be held to. The part's gain is in it: a part that reads low is the pen's
 * calibration's to correct (bring-up), not the cutoff's. Near 4 N while loading: ~4.15 N.
 */
export function surelyReadsN(s: ForceSensorState, p: ForceSensorParams, n: number): number {
    const g = n
    // an ADC error of dr moves the conductance by dr (1 + g + b)^2 (the divider's slope)
    const adcShare = ((3 * p.adcNoiseLsb) / p.adcMaxCode) * (1 + g + p.biasB) * (1 + g + p.biasB) / g
    return (n / (sensorGain(s, p) * (1 - p.repeatClip))) * (1 + adcShare)
}

/** the FSR term's gain as the sensor is now, repeatability aside: part, hysteresis, creep */
function sensorGain(s: ForceSensorState, p: ForceSensorParams): number {
    const hystGain = 1 - 0.5 * p.hysteresisFrac * s.hyst
    const driftGain = s.loadedMs > 0 ? 1 + p.driftPerDecade * Math.log10(1 + s.loadedMs / p.driftT0Ms) : 1
    return p.partGain * hystGain * driftGain
}

export function createForceSensor(p: ForceSensorParams, seed: number, groundLeg = 1): ForceSensorState {
    const code = groundLeg === 1 ? Math.round(idealForceRatio(0, p.biasB) * p.adcMaxCode) : 0
    return { ratio: code / p.adcMaxCode, code, hyst: 0, loadedMs: 0, lastForceN: 0, nodeRatio: 0, rng: forkRng(seed, FORCE_NOISE_STREAM) }
}

/** Take one ADC sample of the true force. Mutates `s`. */
export function stepForceSensor(
    s: ForceSensorState,
    p: ForceSensorParams,
    trueForceN: number,
    f: ForceSensorFaultFlags,
    dtMs: number,
    groundLeg = 1
): void {
    const F = trueForceN > 0 ? trueForceN : 0
    // three draws every step, whatever happens below
    const nRepeat = rngNormal(s.rng)
    const nAdc = rngNormal(s.rng)
    const nExtra = rngNormal(s.rng)

    // hysteresis state follows the direction of travel
    const dF = F - s.lastForceN
    s.lastForceN = F
    if (dF !== 0) {
        let rate = (dF < 0 ? -dF : dF) / p.hysteresisForceN
        if (rate > 1) rate = 1
        s.hyst += rate * ((dF > 0 ? 1 : -1) - s.hyst)
    }
    // creep clock
    if (F > p.loadedAboveN) s.loadedMs += dtMs
    else s.loadedMs = 0

    if (f.forceStuck) return

    const max = p.adcMaxCode
    let codeF: number
    if (f.forceOpen) {
        codeF = p.openLsb + p.adcNoiseLsb * nAdc
    } else if (f.forceSaturated) {
        codeF = p.saturatedRatio * max + p.adcNoiseLsb * nAdc
    } else {
        let rep = p.repeatSigma * nRepeat
        if (rep > p.repeatClip) rep = p.repeatClip
        if (rep < -p.repeatClip) rep = -p.repeatClip
        const g = F * sensorGain(s, p) * (1 + rep)
        let r: number
        if (groundLeg === 1) r = (g + p.biasB) / (1 + g + p.biasB)
        else {
            const top = g + p.biasB
            const settled = top / (top + groundLeg)
            s.nodeRatio = settled + (s.nodeRatio - settled) * Math.exp((-(top + groundLeg) * dtMs) / FSR_NODE_TAU_MS)
            r = s.nodeRatio
        }
        codeF = r * max + p.adcNoiseLsb * nAdc
        if (f.forceNoisy) codeF += p.noisySigmaRatio * max * nExtra
    }
    let code = Math.round(codeF)
    if (code < 0) code = 0
    if (code > max) code = max
    s.code = code
    s.ratio = code / max
}
