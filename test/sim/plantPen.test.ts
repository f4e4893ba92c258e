// The composed plant: determinism, fault switching at any time, and simulation speed.
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import type { Profile } from "../../core/profile"
import { createHand, createPlant, handForceAt, stepPlant, HandSegment, Plant } from "../../sim/plant/index"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))
const angleForMm = (mm: number) => profile.depth.angleAtZeroDeg + mm * profile.depth.degPerMm

const PASS: HandSegment[] = [
    { kind: "hold", durationMs: 600, forceN: 0 },
    { kind: "approach", durationMs: 400, forceN: 1.5 },
    { kind: "glide", durationMs: 3000 },
    { kind: "press", durationMs: 300, forceN: 4.5 },
    { kind: "glide", durationMs: 1000, forceN: 1.2 },
    { kind: "lift", durationMs: 700 },
]

/** A scripted open-loop scenario with faults switched on and off mid-run; returns a full trace. */
function scenario(plantSeed: number, handSeed: number): number[][] {
    const p = createPlant(profile, plantSeed)
    const hand = createHand(PASS, handSeed)
    const inp = { dutyCmd: 0, depthAngleCmdDeg: angleForMm(1), handForceN: 0 }
    const trace: number[][] = []
    for (let i = 0; i < 6000; i++) {
        const t = p.nowMs
        inp.dutyCmd = t < 500 ? 0 : 0.6
        inp.handForceN = handForceAt(hand, t)
        p.faults.forceNoisy = t > 2000 && t < 2500
        p.faults.strokeSilent = t > 3000 && t < 3200
        p.faults.motorJammed = t > 4000 && t < 4100
        stepPlant(p, inp, 1)
        trace.push([p.strokeCount, p.strokeHz, p.forceRatio, p.forceTrueN, p.depthActualMm, p.depthFeedbackRatio, p.dutyApplied])
    }
    return trace
}

describe("composed plant", () => {
    test("same seed, same trace (bit for bit)", () => {
        expect(scenario(7, 1)).toEqual(scenario(7, 1))
    })

    test("the plant seed changes sensor noise only, never the physics", () => {
        const a = scenario(7, 1)
        const b = scenario(8, 1)
        let forceDiffers = 0
        for (let i = 0; i < a.length; i++) {
            expect(b[i][0]).toBe(a[i][0]) // counts
            expect(b[i][1]).toBe(a[i][1]) // true speed
            expect(b[i][4]).toBe(a[i][4]) // real depth
            if (b[i][2] !== a[i][2]) forceDiffers++
        }
        expect(forceDiffers).toBeGreaterThan(a.length / 2)
    })

    test("the pass loads the needle: open-loop speed sags in contact and recovers after the lift", () => {
        const trace = scenario(7, 1)
        const hzAt = (ms: number) => trace[ms - 1][1]
        // timeline: motor on at 500 ms, skin from 600 ms, glide 1.5 N to 4000, press 4.5 N to 4300
        // (jammed 4000..4100), glide 1.2 N to 5300, lift
        const free = hzAt(595)
        expect(free).toBeGreaterThan(125) // spun up, still off the skin
        expect(hzAt(3000)).toBeLessThan(0.85 * free)
        expect(hzAt(4050)).toBe(0) // jammed
        expect(hzAt(4290)).toBeLessThan(0.5 * free) // hard press (4.5 N at 1 mm)
        expect(hzAt(6000)).toBeCloseTo(free, 0) // lifted: back to no-load speed
    })

    test("outputs are published for every step and the clock is the sum of the steps", () => {
        const p: Plant = createPlant(profile, 1)
        const inp = { dutyCmd: 0.5, depthAngleCmdDeg: angleForMm(0.5), handForceN: 1 }
        for (const dt of [0.1, 0.4, 2.5, 5]) stepPlant(p, inp, dt)
        expect(p.nowMs).toBeCloseTo(8, 9)
        expect(p.forceTrueN).toBe(1)
        expect(p.dutyApplied).toBe(0.5)
        expect(() => stepPlant(p, inp, 0)).toThrow(/dtMs/)
        expect(() => stepPlant(p, inp, NaN)).toThrow(/dtMs/)
    })

    test("speed: 30 simulated minutes at 1 ms steps run over a hundred times faster than real time", () => {
        const p = createPlant(profile, 123)
        const script: HandSegment[] = []
        for (let i = 0; i < 300; i++)
            script.push(
                { kind: "approach", durationMs: 300, forceN: 1 + (i % 5) * 0.3 },
                { kind: "glide", durationMs: 4500 },
                { kind: "lift", durationMs: 1200 }
            )
        const hand = createHand(script, 9)
        const inp = { dutyCmd: 0.55, depthAngleCmdDeg: angleForMm(1), handForceN: 0 }
        const steps = 30 * 60 * 1000
        const t0 = performance.now()
        for (let i = 0; i < steps; i++) {
            inp.handForceN = handForceAt(hand, p.nowMs)
            stepPlant(p, inp, 1)
        }
        const wallMs = performance.now() - t0
        console.log(
            `plant speed: ${steps} steps (30 min at 1 ms) in ${wallMs.toFixed(0)} ms wall = ${((steps / wallMs)).toFixed(0)}x real time`
        )
        expect(p.nowMs).toBe(steps)
        expect(p.strokeCount).toBeGreaterThan(0)
        // a regression guard, several times the figure on an idle core (npm test runs beside other work)
        expect(wallMs).toBeLessThan(15000)
    }, 60000)
})
