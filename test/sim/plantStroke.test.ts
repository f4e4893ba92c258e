// Stroke sensor: a pulse counter fed by the cam's real position.
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import fc from "fast-check"
import type { Profile } from "../../core/profile"
import { createPlant, stepPlant, createStrokeSensor, stepStrokeSensor } from "../../sim/plant/index"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))
const CPS = profile.stroke.countsPerStroke

describe("stroke sensor", () => {
    test("counts 12 per cam revolution, as an integer floor of the real position", () => {
        fc.assert(
            fc.property(
                fc.array(fc.record({ duty: fc.double({ min: 0, max: 1, noNaN: true }), ms: fc.integer({ min: 1, max: 200 }) }), {
                    minLength: 1,
                    maxLength: 20,
                }),
                fc.double({ min: 0.1, max: 5, noNaN: true }),
                (plan, dtMs) => {
                    const p = createPlant(profile, 5)
                    let last = p.strokeCount
                    let bad = 0
                    for (const { duty, ms } of plan) {
                        const inp = { dutyCmd: duty, depthAngleCmdDeg: NaN, handForceN: 0 }
                        for (let t = 0; t < ms; t += dtMs) {
                            stepPlant(p, inp, dtMs)
                            const c = p.strokeCount
                            if (!Number.isInteger(c) || c !== Math.floor(p.camRevs * CPS) || c < last) bad++
                            last = c
                        }
                    }
                    expect(bad).toBe(0)
                }
            ),
            { numRuns: 30 }
        )
    })

    test("count rate follows the true speed (12 x strokes/s), not the command", () => {
        const p = createPlant(profile, 1)
        const inp = { dutyCmd: 120 / 217, depthAngleCmdDeg: profile.depth.angleAtZeroDeg + 40, handForceN: 0 }
        for (let i = 0; i < 1500; i++) stepPlant(p, inp, 1)
        inp.handForceN = 1.5 // load: the true speed sags below the 120 Hz the duty was set for
        for (let i = 0; i < 500; i++) stepPlant(p, inp, 1)
        const c0 = p.strokeCount
        for (let i = 0; i < 1000; i++) stepPlant(p, inp, 1)
        const countedHz = (p.strokeCount - c0) / CPS
        expect(Math.abs(countedHz - p.strokeHz)).toBeLessThan(0.5)
        expect(countedHz).toBeLessThan(105)
    })

    test("a jammed cam stops the count although the duty is high", () => {
        const p = createPlant(profile, 1)
        const inp = { dutyCmd: 0.9, depthAngleCmdDeg: NaN, handForceN: 0 }
        for (let i = 0; i < 200; i++) stepPlant(p, inp, 1)
        p.faults.motorJammed = true
        for (let i = 0; i < 5; i++) stepPlant(p, inp, 1)
        const c = p.strokeCount
        for (let i = 0; i < 500; i++) stepPlant(p, inp, 1)
        expect(p.strokeCount).toBe(c)
    })

    test("silent: the count stops changing while the cam turns; edges missed are lost for good", () => {
        const p = createPlant(profile, 1)
        const inp = { dutyCmd: 0.5, depthAngleCmdDeg: NaN, handForceN: 0 }
        for (let i = 0; i < 300; i++) stepPlant(p, inp, 1)
        p.faults.strokeSilent = true
        const frozen = p.strokeCount
        const revs0 = p.camRevs
        for (let i = 0; i < 500; i++) stepPlant(p, inp, 1)
        expect(p.strokeCount).toBe(frozen)
        expect(p.camRevs - revs0).toBeGreaterThan(40)
        p.faults.strokeSilent = false
        for (let i = 0; i < 100; i++) stepPlant(p, inp, 1)
        expect(p.strokeCount).toBeGreaterThan(frozen)
        expect(p.strokeCount).toBeLessThan(Math.floor(p.camRevs * CPS) - 40 * CPS)
    })

    test("the sensor on its own: floor of revolutions x countsPerStroke", () => {
        const s = createStrokeSensor(12)
        for (const [revs, want] of [[0, 0], [0.083, 0], [0.0834, 1], [1, 12], [2.5, 30], [100.999, 1211]] as const) {
            stepStrokeSensor(s, revs, false)
            expect(s.count).toBe(want)
        }
        expect(() => createStrokeSensor(0)).toThrow()
        expect(() => createStrokeSensor(1.5)).toThrow()
    })
})
