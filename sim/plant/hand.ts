// A scripted hand: the real contact force between needle face and skin over time.
//
// Script: segments { kind, durationMs, forceN?, rampMs? } played back to back from t = 0.
//   approach: from the current force to forceN with a smooth ramp (~150 ms; assumed touch-down)
//   glide:    moving over the skin at forceN: tremor plus slow wander (full wander)
//   hold:     pen held still at forceN: tremor, little wander
//   press:    a fast ramp (~30 ms) to forceN (over-pressure, a stab)
//   lift:     smooth fall (~80 ms) to forceN (default 0: off the skin)
// forceN defaults to the previous segment's target (lift: 0). Ramps are smoothstep (C1), start
// from the force actually reached at the end of the previous segment, and are cut short if the
// segment ends first. After the script the last level is kept.
// Modulation, multiplied onto the nominal force (so 0 N stays 0 N, never negative):
//   physiological tremor 8–12 Hz, amplitude 5–10% (two sines at seed-chosen frequencies in that
//   band; amplitude chosen per seed in 5–10%)
//   slow wander 0.2–0.8 Hz, ~8% (hand drift while gliding), weighted per segment kind and
//   blended with the same smoothstep so the force stays continuous across segments.
// handForceAt is a pure function of (hand, tMs): deterministic for a seed, any query order
// (a cursor caches the current segment only to make forward queries O(1)).

import { forkRng, rngRange } from "./rng"

export type HandSegmentKind = "approach" | "glide" | "lift" | "press" | "hold"

export interface HandSegment {
    kind: HandSegmentKind
    durationMs: number
    forceN?: number
    /** overrides the kind's default ramp time (ms) */
    rampMs?: number
}

export const HAND_RAMP_MS: Record<HandSegmentKind, number> = {
    approach: 150,
    glide: 100,
    hold: 100,
    press: 30,
    lift: 80,
}

/** wander weight per kind (glide = full hand movement) */
export const HAND_WANDER_GAIN: Record<HandSegmentKind, number> = {
    approach: 0.3,
    glide: 1,
    hold: 0.25,
    press: 0.3,
    lift: 0.3,
}

export interface Hand {
    count: number
    startMs: Float64Array
    endMs: Float64Array
    rampMs: Float64Array
    fromN: Float64Array
    toN: Float64Array
    fromWander: Float64Array
    toWander: Float64Array
    tremorAmp: number
    tremorRadPerMs1: number
    tremorRadPerMs2: number
    tremorPhase1: number
    tremorPhase2: number
    wanderAmp: number
    wanderRadPerMs1: number
    wanderRadPerMs2: number
    wanderPhase1: number
    wanderPhase2: number
    cursor: number
}

function smoothstep(x: number): number {
    if (x <= 0) return 0
    if (x >= 1) return 1
    return x * x * (3 - 2 * x)
}

export function createHand(script: HandSegment[], seed: number): Hand {
    const n = script.length
    const h: Hand = {
        count: n,
        startMs: new Float64Array(n),
        endMs: new Float64Array(n),
        rampMs: new Float64Array(n),
        fromN: new Float64Array(n),
        toN: new Float64Array(n),
        fromWander: new Float64Array(n),
        toWander: new Float64Array(n),
        tremorAmp: 0,
        tremorRadPerMs1: 0,
        tremorRadPerMs2: 0,
        tremorPhase1: 0,
        tremorPhase2: 0,
        wanderAmp: 0.08,
        wanderRadPerMs1: 0,
        wanderRadPerMs2: 0,
        wanderPhase1: 0,
        wanderPhase2: 0,
        cursor: 0,
    }
    const rng = forkRng(seed, 5)
    const TWO_PI = 2 * Math.PI
    h.tremorAmp = rngRange(rng, 0.05, 0.1)
    h.tremorRadPerMs1 = (TWO_PI * rngRange(rng, 8, 12)) / 1000
    h.tremorRadPerMs2 = (TWO_PI * rngRange(rng, 8, 12)) / 1000
    h.tremorPhase1 = rngRange(rng, 0, TWO_PI)
    h.tremorPhase2 = rngRange(rng, 0, TWO_PI)
    h.wanderRadPerMs1 = (TWO_PI * rngRange(rng, 0.2, 0.4)) / 1000
    h.wanderRadPerMs2 = (TWO_PI * rngRange(rng, 0.5, 0.8)) / 1000
    h.wanderPhase1 = rngRange(rng, 0, TWO_PI)
    h.wanderPhase2 = rngRange(rng, 0, TWO_PI)

    let t = 0
    let levelN = 0 // nominal force reached at the end of the previous segment
    let targetN = 0 // previous segment's target
    let wander = 0
    for (let i = 0; i < n; i++) {
        const seg = script[i]
        if (!Object.prototype.hasOwnProperty.call(HAND_RAMP_MS, seg.kind)) throw new Error(`hand segment ${i}: unknown kind ${seg.kind}`)
        if (!(seg.durationMs >= 0 && isFinite(seg.durationMs)))
            throw new Error(`hand segment ${i}: durationMs must be >= 0, got ${seg.durationMs}`)
        const to = seg.forceN !== undefined ? seg.forceN : seg.kind === "lift" ? 0 : targetN
        if (!(to >= 0 && isFinite(to))) throw new Error(`hand segment ${i}: forceN must be >= 0, got ${to}`)
        const ramp = seg.rampMs !== undefined ? seg.rampMs : HAND_RAMP_MS[seg.kind]
        if (!(ramp >= 0 && isFinite(ramp))) throw new Error(`hand segment ${i}: rampMs must be >= 0`)
        h.startMs[i] = t
        h.endMs[i] = t + seg.durationMs
        h.rampMs[i] = ramp
        h.fromN[i] = levelN
        h.toN[i] = to
        h.fromWander[i] = wander
        h.toWander[i] = HAND_WANDER_GAIN[seg.kind]
        const sEnd = ramp > 0 ? smoothstep(seg.durationMs / ramp) : 1
        levelN = levelN + (to - levelN) * sEnd
        wander = wander + (h.toWander[i] - wander) * sEnd
        targetN = to
        t += seg.durationMs
    }
    return h
}

export function handDurationMs(h: Hand): number {
    return h.count > 0 ? h.endMs[h.count - 1] : 0
}

/** The real contact force (N) at time tMs since the script started. */
export function handForceAt(h: Hand, tMs: number): number {
    const n = h.count
    if (n === 0 || !(tMs >= 0)) return 0
    let i = h.cursor
    if (i >= n || tMs < h.startMs[i]) i = 0
    while (i < n - 1 && tMs >= h.endMs[i]) i++
    h.cursor = i
    const tau = (tMs < h.endMs[i] ? tMs : h.endMs[i]) - h.startMs[i]
    const ramp = h.rampMs[i]
    const s = ramp > 0 ? smoothstep(tau / ramp) : 1
    const nominalN = h.fromN[i] + (h.toN[i] - h.fromN[i]) * s
    if (nominalN <= 0) return 0
    const wanderGain = h.fromWander[i] + (h.toWander[i] - h.fromWander[i]) * s
    const tremor =
        0.7 * Math.sin(h.tremorRadPerMs1 * tMs + h.tremorPhase1) + 0.3 * Math.sin(h.tremorRadPerMs2 * tMs + h.tremorPhase2)
    const wander =
        0.6 * Math.sin(h.wanderRadPerMs1 * tMs + h.wanderPhase1) + 0.4 * Math.sin(h.wanderRadPerMs2 * tMs + h.wanderPhase2)
    const f = nominalN * (1 + h.tremorAmp * tremor + h.wanderAmp * wanderGain * wander)
    return f > 0 ? f : 0
}
