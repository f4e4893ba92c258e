// The scripted hand: real contact force over time.
import { describe, expect, test } from "vitest"
import { createHand, handForceAt, handDurationMs, HandSegment } from "../../sim/plant/index"

function sample(script: HandSegment[], seed: number, fromMs: number, toMs: number, dtMs: number): number[] {
    const h = createHand(script, seed)
    const out: number[] = []
    for (let t = fromMs; t < toMs; t += dtMs) out.push(handForceAt(h, t))
    return out
}

/** Variance of x (sampled every dtMs) inside [loHz, hiHz], by a plain DFT. */
function bandVariance(x: number[], dtMs: number, loHz: number, hiHz: number): number {
    const n = x.length
    const m = x.reduce((a, b) => a + b, 0) / n
    const df = 1000 / (n * dtMs)
    let v = 0
    for (let k = Math.ceil(loHz / df); k <= Math.floor(hiHz / df); k++) {
        let re = 0
        let im = 0
        for (let i = 0; i < n; i++) {
            const a = (2 * Math.PI * k * i) / n
            re += (x[i] - m) * Math.cos(a)
            im -= (x[i] - m) * Math.sin(a)
        }
        v += (2 * (re * re + im * im)) / (n * n)
    }
    return v
}

function peakHz(x: number[], dtMs: number, loHz: number, hiHz: number): number {
    let best = 0
    let bestHz = NaN
    for (let hz = loHz; hz <= hiHz; hz += 0.1) {
        const v = bandVariance(x, dtMs, hz - 0.05, hz + 0.05)
        if (v > best) [best, bestHz] = [v, hz]
    }
    return bestHz
}

describe("scripted hand", () => {
    test("approach rises smoothly in ~150 ms; lift falls to 0 in ~80 ms; press is fast", () => {
        const script: HandSegment[] = [
            { kind: "approach", durationMs: 500, forceN: 1.5 },
            { kind: "lift", durationMs: 500 },
            { kind: "press", durationMs: 500, forceN: 4 },
        ]
        const h = createHand(script, 1)
        expect(handForceAt(h, 0)).toBe(0)
        expect(handForceAt(h, 20)).toBeLessThan(0.1)
        expect(handForceAt(h, 75)).toBeGreaterThan(0.5)
        expect(handForceAt(h, 75)).toBeLessThan(1.0)
        expect(handForceAt(h, 150)).toBeGreaterThan(1.5 * 0.8)
        expect(handForceAt(h, 520)).toBeGreaterThan(0.9)
        expect(handForceAt(h, 580)).toBe(0)
        expect(handForceAt(h, 1030)).toBeGreaterThan(4 * 0.8)
        expect(handDurationMs(h)).toBe(1500)
        expect(handForceAt(h, 5000)).toBeGreaterThan(4 * 0.8) // last level kept after the script
    })

    test("glide carries physiological tremor (8-12 Hz, 5-10%) and slow wander; hold wanders less", () => {
        for (const seed of [1, 2, 3]) {
            const glide = sample([{ kind: "glide", durationMs: 30000, forceN: 2, rampMs: 0 }], seed, 0, 20000, 5)
            const rel = glide.map((f) => f / 2)
            const f0 = peakHz(rel, 5, 3, 30)
            expect(f0).toBeGreaterThanOrEqual(7.9)
            expect(f0).toBeLessThanOrEqual(12.1)
            const tremorRms = Math.sqrt(bandVariance(rel, 5, 7, 13))
            // two sines 0.7/0.3 of amplitude A: rms = A * 0.539, A in 5..10 %
            expect(tremorRms).toBeGreaterThan(0.05 * 0.539 * 0.9)
            expect(tremorRms).toBeLessThan(0.1 * 0.539 * 1.1)
            const hold = sample([{ kind: "hold", durationMs: 30000, forceN: 2, rampMs: 0 }], seed, 0, 20000, 5)
            const slowGlide = bandVariance(rel, 5, 0.1, 1.5)
            const slowHold = bandVariance(hold.map((f) => f / 2), 5, 0.1, 1.5)
            expect(slowGlide).toBeGreaterThan(4 * slowHold)
            expect(Math.sqrt(slowGlide)).toBeGreaterThan(0.02)
        }
    })

    test("force is continuous and never negative across a whole pass", () => {
        const script: HandSegment[] = [
            { kind: "approach", durationMs: 300, forceN: 1.5 },
            { kind: "glide", durationMs: 2000 },
            { kind: "press", durationMs: 200, forceN: 4.5 },
            { kind: "hold", durationMs: 300, forceN: 2 },
            { kind: "glide", durationMs: 1000, forceN: 0.8 },
            { kind: "lift", durationMs: 400 },
        ]
        const xs = sample(script, 4, 0, 5000, 1)
        for (let i = 0; i < xs.length; i++) {
            expect(xs[i]).toBeGreaterThanOrEqual(0)
            if (i > 0) expect(Math.abs(xs[i] - xs[i - 1])).toBeLessThan(0.3)
        }
    })

    test("deterministic for a seed, in any query order; another seed gives another tremor", () => {
        const script: HandSegment[] = [{ kind: "approach", durationMs: 200, forceN: 1 }, { kind: "glide", durationMs: 3000 }]
        const a = sample(script, 42, 0, 3200, 1)
        expect(sample(script, 42, 0, 3200, 1)).toEqual(a)
        const h = createHand(script, 42)
        for (const t of [3100, 5, 1700, 0, 2999]) expect(handForceAt(h, t)).toBe(a[t])
        expect(sample(script, 43, 0, 3200, 1)).not.toEqual(a)
    })

    test("invalid scripts are refused with the segment named", () => {
        expect(() => createHand([{ kind: "glide", durationMs: -1, forceN: 1 }], 1)).toThrow(/segment 0/)
        expect(() => createHand([{ kind: "press", durationMs: 10, forceN: 1 }, { kind: "glide", durationMs: 10, forceN: NaN }], 1)).toThrow(
            /segment 1/
        )
    })
})
