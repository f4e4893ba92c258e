// Small seeded PRNG for the plant model: deterministic, no Math.random, no hidden globals.
// Generator: mulberry32 (32-bit state, public domain, Tommy Ettinger). Good enough for sensor
// noise and hand tremor phases; not for cryptography.
// Each part of the plant takes its own stream (forkRng) so that, for example, switching a fault
// on in one sensor does not shift the noise sequence of another.

export interface Rng {
    /** 32-bit generator state; mutated by every draw */
    state: number
    /** a second standard normal left over from the last Box-Muller pair, or NaN */
    spareNormal: number
}

/** Mix a seed (any finite number) into a well-spread 32-bit state (splitmix32 finaliser). */
function mixSeed(seed: number): number {
    let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
    return (h ^ (h >>> 16)) >>> 0
}

export function createRng(seed: number): Rng {
    return { state: mixSeed(seed), spareNormal: NaN }
}

/** An independent stream derived from a seed and a stream number (one per plant part). */
export function forkRng(seed: number, stream: number): Rng {
    return createRng(mixSeed(seed) ^ Math.imul(stream + 1, 0x632be5ab))
}

/** Uniform in [0, 1). */
export function rngUniform(rng: Rng): number {
    rng.state = (rng.state + 0x6d2b79f5) | 0
    let t = rng.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** Uniform in [lo, hi). */
export function rngRange(rng: Rng, lo: number, hi: number): number {
    return lo + (hi - lo) * rngUniform(rng)
}

/** Standard normal (mean 0, sigma 1), Box-Muller, caching the second value of each pair. */
export function rngNormal(rng: Rng): number {
    if (rng.spareNormal === rng.spareNormal) {
        const v = rng.spareNormal
        rng.spareNormal = NaN
        return v
    }
    let u = rngUniform(rng)
    if (u < 1e-12) u = 1e-12
    const v = rngUniform(rng)
    const mag = Math.sqrt(-2 * Math.log(u))
    rng.spareNormal = mag * Math.sin(2 * Math.PI * v)
    return mag * Math.cos(2 * Math.PI * v)
}
