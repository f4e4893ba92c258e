// Force sensor: FSR 400 + bias resistor divider, 12-bit ADC, with its non-idealities and faults.
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import type { Profile } from "../../core/profile"
import { createPlant, stepPlant, Plant, forceFromIdealRatio, idealForceRatio } from "../../sim/plant/index"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))
const B = 0.02
const LSB = 1 / 4095
const toN = (r: number) => forceFromIdealRatio(r, B)

/** Ramp the true force from its current value to `toForceN` over rampMs, then hold; return readings of the hold. */
function forceRun(p: Plant, toForceN: number, rampMs: number, holdMs: number): number[] {
    const from = p.forceTrueN
    const inp = { dutyCmd: 0, depthAngleCmdDeg: NaN, handForceN: from }
    for (let t = 1; t <= rampMs; t++) {
        inp.handForceN = from + ((toForceN - from) * t) / rampMs
        stepPlant(p, inp, 1)
    }
    inp.handForceN = toForceN
    const out: number[] = []
    for (let t = 0; t < holdMs; t++) {
        stepPlant(p, inp, 1)
        out.push(p.forceRatio)
    }
    return out
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const std = (xs: number[]) => {
    const m = mean(xs)
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / xs.length)
}

describe("force sensor", () => {
    test("devs.json force.curve is the ideal divider model F = r/(1-r) - b, b = 0.02", () => {
        for (const [r, f] of profile.force.curve) expect(Math.abs(toN(r) - f)).toBeLessThan(0.006)
        expect(idealForceRatio(0)).toBeCloseTo(0.0196, 4)
    })

    test("readings stay within the model ± repeatability, hysteresis, creep and ADC noise; 12-bit quantised", () => {
        for (const forceN of [0, 0.3, 1, 2, 4, 8]) {
            const p = createPlant(profile, 11)
            const rs = forceRun(p, forceN, 200, 800)
            for (const r of rs) {
                expect(Math.abs(r * 4095 - Math.round(r * 4095))).toBeLessThan(1e-6)
                const slack = 0.05 * forceN + (7 * LSB) / ((1 - r) * (1 - r))
                expect(Math.abs(toN(r) - forceN)).toBeLessThanOrEqual(slack)
            }
            if (forceN >= 1) {
                const rel = rs.map((r) => toN(r) / forceN)
                expect(Math.abs(mean(rel) - 1)).toBeLessThan(0.025)
                expect(std(rel)).toBeGreaterThan(0.003) // ~0.7% repeatability scatter
                expect(std(rel)).toBeLessThan(0.012)
            }
        }
    })

    test("a healthy reading never repeats one value for long, even at rest (0 N)", () => {
        for (const forceN of [0, 1.5]) {
            const rs = forceRun(createPlant(profile, 3), forceN, 100, 3000)
            let run = 1
            let longest = 1
            for (let i = 1; i < rs.length; i++) {
                run = rs[i] === rs[i - 1] ? run + 1 : 1
                if (run > longest) longest = run
            }
            expect(longest).toBeLessThan(30)
        }
    })

    test("hysteresis: the same force reads a little higher while unloading than while loading", () => {
        const up = createPlant(profile, 5)
        const loading = mean(forceRun(up, 2, 2000, 500).map(toN))
        const down = createPlant(profile, 5)
        forceRun(down, 4, 1000, 0)
        const unloading = mean(forceRun(down, 2, 1000, 500).map(toN))
        const gap = (unloading - loading) / 2
        expect(gap).toBeGreaterThan(0.015)
        expect(gap).toBeLessThan(0.05)
    })

    test("creep: under a constant load the reading drifts up, by less than 5% per decade of time", () => {
        const p = createPlant(profile, 9)
        const inp = { dutyCmd: 0, depthAngleCmdDeg: NaN, handForceN: 2 }
        const meanAt = (fromMs: number, toMs: number) => {
            const xs: number[] = []
            while (p.nowMs < toMs) {
                stepPlant(p, inp, 1)
                if (p.nowMs > fromMs) xs.push(toN(p.forceRatio))
            }
            return mean(xs)
        }
        const at1s = meanAt(900, 1100)
        const at10s = meanAt(9800, 10200)
        const at100s = meanAt(99000, 101000)
        for (const [a, b] of [[at1s, at10s], [at10s, at100s]]) {
            expect(b / a - 1).toBeGreaterThan(0.005)
            expect(b / a - 1).toBeLessThan(0.05)
        }
    })

    test("open: reads a few LSB, below devs.json openBelowRatio", () => {
        const p = createPlant(profile, 1)
        p.faults.forceOpen = true
        for (const r of forceRun(p, 2, 10, 1000)) {
            expect(r).toBeGreaterThanOrEqual(0)
            expect(r).toBeLessThan(profile.force.openBelowRatio)
            expect(r).toBeLessThan(10 * LSB)
        }
    })

    test("saturated: reads ~0.99+, above devs.json saturatedAboveRatio", () => {
        const p = createPlant(profile, 1)
        p.faults.forceSaturated = true
        for (const r of forceRun(p, 0.5, 10, 1000)) {
            expect(r).toBeGreaterThan(profile.force.saturatedAboveRatio)
            expect(r).toBeGreaterThanOrEqual(0.99)
            expect(r).toBeLessThanOrEqual(1)
        }
    })

    test("stuck: repeats the last value exactly while the force changes; clearing it reads again", () => {
        const p = createPlant(profile, 1)
        const last = forceRun(p, 1, 100, 100).pop()!
        p.faults.forceStuck = true
        for (const r of forceRun(p, 3, 500, 500)) expect(r).toBe(last)
        p.faults.forceStuck = false
        const again = forceRun(p, 3, 0, 50)
        expect(Math.abs(toN(again[again.length - 1]) - 3)).toBeLessThan(0.2)
    })

    test("noisy: much larger scatter than a healthy sensor at the same force", () => {
        const healthy = std(forceRun(createPlant(profile, 2), 1.5, 100, 1000))
        const p = createPlant(profile, 2)
        p.faults.forceNoisy = true
        const noisy = std(forceRun(p, 1.5, 100, 1000))
        expect(noisy).toBeGreaterThan(0.02)
        expect(noisy).toBeGreaterThan(10 * healthy)
    })
})
