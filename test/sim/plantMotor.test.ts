// Needle motor + cam: behaviour at the plant's outputs (true stroke rate, cam revolutions).
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import fc from "fast-check"
import type { Profile } from "../../core/profile"
import { createPlant, stepPlant, Plant, PlantInputs } from "../../sim/plant/index"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))
const angleForMm = (mm: number) => profile.depth.angleAtZeroDeg + mm * profile.depth.degPerMm

function run(p: Plant, inp: PlantInputs, ms: number, dtMs = 1): Plant {
    const n = Math.round(ms / dtMs)
    for (let i = 0; i < n; i++) stepPlant(p, inp, dtMs)
    return p
}

/** Open-loop speed after settling: actuator first at depth (out of the skin), then contact. */
function settledHz(duty: number, forceN: number, depthMm: number, dtMs = 1): number {
    const p = createPlant(profile, 7)
    const inp = { dutyCmd: duty, depthAngleCmdDeg: angleForMm(depthMm), handForceN: 0 }
    run(p, inp, 1500, dtMs)
    inp.handForceN = forceN
    run(p, inp, 300, dtMs)
    return p.strokeHz
}

const DUTY_120 = 120 / profile.needle.noLoadHzPerDuty

describe("needle motor, no load", () => {
    test("duty 1 settles near devs.json noLoadHzPerDuty (217 strokes/s)", () => {
        const hz = settledHz(1, 0, 0)
        expect(Math.abs(hz - profile.needle.noLoadHzPerDuty) / profile.needle.noLoadHzPerDuty).toBeLessThan(0.01)
    })

    test("speed is roughly proportional to duty over the working range", () => {
        for (const duty of [0.3, 0.5, 0.75]) {
            const hz = settledHz(duty, 0, 0)
            const ideal = duty * profile.needle.noLoadHzPerDuty
            expect(Math.abs(hz - ideal) / ideal).toBeLessThan(0.05)
            expect(hz).toBeLessThan(ideal) // dry friction costs a little at every duty
        }
    })

    test("mechanical time constant ~6 ms: 63% of the final speed", () => {
        for (const dtMs of [0.1, 0.5, 1]) {
            const p = createPlant(profile, 1)
            const inp = { dutyCmd: 1, depthAngleCmdDeg: angleForMm(0), handForceN: 0 }
            let t63 = NaN
            const final = 216.7
            for (let t = 0; t < 50; t += dtMs) {
                stepPlant(p, inp, dtMs)
                if (isNaN(t63) && p.strokeHz >= 0.632 * final) t63 = t + dtMs
            }
            expect(t63).toBeGreaterThan(5.4)
            expect(t63).toBeLessThan(6.6)
        }
    })

    test("integration does not depend on the step size (0.1 .. 5 ms)", () => {
        const ref = createPlant(profile, 1)
        const inp = { dutyCmd: 0.8, depthAngleCmdDeg: angleForMm(1), handForceN: 1.2 }
        run(ref, inp, 40, 0.1)
        for (const dtMs of [0.5, 1, 2, 5]) {
            const p = run(createPlant(profile, 1), inp, 40, dtMs)
            expect(Math.abs(p.strokeHz - ref.strokeHz)).toBeLessThan(0.01 * ref.strokeHz + 0.5)
            // revolutions agree too (depth ramps in 1 ms vs 0.1 ms grains: allow a little)
            expect(Math.abs(p.camRevs - ref.camRevs)).toBeLessThan(0.05)
        }
    })

    test("random step sizes stay stable and reach the same steady speed", () => {
        fc.assert(
            fc.property(fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 200, maxLength: 400 }), (dts) => {
                const p = createPlant(profile, 3)
                const inp = { dutyCmd: 0.6, depthAngleCmdDeg: angleForMm(0), handForceN: 0 }
                for (const dt of dts) {
                    stepPlant(p, inp, dt)
                    expect(p.strokeHz).toBeGreaterThanOrEqual(0)
                    expect(p.strokeHz).toBeLessThan(220)
                }
                run(p, inp, 200, 5)
                expect(Math.abs(p.strokeHz - settledHz(0.6, 0, 0))).toBeLessThan(0.05)
            }),
            { numRuns: 20 }
        )
    })

    test("duty 0 brakes the needle to a stop (dynamic braking), and the cam stays put", () => {
        const p = run(createPlant(profile, 1), { dutyCmd: 1, depthAngleCmdDeg: angleForMm(0), handForceN: 0 }, 200)
        const off = { dutyCmd: 0, depthAngleCmdDeg: angleForMm(0), handForceN: 0 }
        run(p, off, 50)
        expect(p.strokeHz).toBe(0)
        const revs = p.camRevs
        run(p, off, 100)
        expect(p.camRevs).toBe(revs)
    })

    test("the bridge off (enabled false) coasts: the needle runs on far longer than braked", () => {
        const stopAfter = (bridgeOff: boolean) => {
            const p = run(createPlant(profile, 1), { dutyCmd: 1, depthAngleCmdDeg: angleForMm(0), handForceN: 0 }, 200)
            const off = { dutyCmd: 0, depthAngleCmdDeg: angleForMm(0), handForceN: 0, bridgeOff }
            let ms = 0
            while (p.strokeHz >= 1 && ms < 1000) {
                run(p, off, 1)
                ms++
            }
            return ms
        }
        const braked = stopAfter(false)
        const coasting = stopAfter(true)
        expect(braked).toBeLessThanOrEqual(25)
        expect(coasting).toBeGreaterThan(3 * braked)
        expect(coasting).toBeLessThan(300)
    })

    test("duties outside 0..1 are clamped and reported", () => {
        const p = createPlant(profile, 1)
        stepPlant(p, { dutyCmd: 1.7, depthAngleCmdDeg: NaN, handForceN: 0 }, 1)
        expect(p.dutyApplied).toBe(1)
        stepPlant(p, { dutyCmd: -0.2, depthAngleCmdDeg: NaN, handForceN: 0 }, 1)
        expect(p.dutyApplied).toBe(0)
        stepPlant(p, { dutyCmd: NaN, depthAngleCmdDeg: NaN, handForceN: 0 }, 1)
        expect(p.dutyApplied).toBe(0)
    })
})

describe("needle motor, skin contact load", () => {
    const noLoad120 = settledHz(DUTY_120, 0, 1)

    test("a typical pass (1.5 N, 1.0 mm, duty for 120 Hz) sags open-loop speed by 15-30%", () => {
        const sag = 1 - settledHz(DUTY_120, 1.5, 1.0) / noLoad120
        expect(sag).toBeGreaterThan(0.15)
        expect(sag).toBeLessThan(0.3)
    })

    test("a hard press (4 N, 2 mm) sags it much more (> 60%)", () => {
        const sag = 1 - settledHz(DUTY_120, 4, 2) / noLoad120
        expect(sag).toBeGreaterThan(0.6)
    })

    test("more force or more depth never speeds the needle up", () => {
        fc.assert(
            fc.property(
                fc.double({ min: 0, max: 5, noNaN: true }),
                fc.double({ min: 0, max: 5, noNaN: true }),
                fc.double({ min: 0, max: 2.5, noNaN: true }),
                (fa, fb, depthMm) => {
                    const [lo, hi] = fa < fb ? [fa, fb] : [fb, fa]
                    expect(settledHz(DUTY_120, hi, depthMm, 5)).toBeLessThanOrEqual(settledHz(DUTY_120, lo, depthMm, 5) + 1e-9)
                }
            ),
            { numRuns: 25 }
        )
        expect(settledHz(DUTY_120, 1.5, 2)).toBeLessThan(settledHz(DUTY_120, 1.5, 0.25))
    })

    test("the load uses the actuator's real depth: deepening in contact slows the needle as it moves", () => {
        const p = createPlant(profile, 2)
        const inp = { dutyCmd: DUTY_120, depthAngleCmdDeg: angleForMm(0.2), handForceN: 1.5 }
        run(p, inp, 500)
        const shallowHz = p.strokeHz
        inp.depthAngleCmdDeg = angleForMm(2.2) // 2 mm at 4 mm/s: half a second of travel
        run(p, inp, 100)
        const midHz = p.strokeHz
        run(p, inp, 900)
        expect(midHz).toBeLessThan(shallowHz)
        expect(p.strokeHz).toBeLessThan(midHz)
    })
})

describe("needle motor, jam", () => {
    test("a jam stops the cam within a few ms and holds it; clearing it lets the needle run again", () => {
        const p = run(createPlant(profile, 1), { dutyCmd: 1, depthAngleCmdDeg: angleForMm(0), handForceN: 0 }, 200)
        p.faults.motorJammed = true
        const inp = { dutyCmd: 1, depthAngleCmdDeg: angleForMm(0), handForceN: 0 }
        run(p, inp, 2)
        expect(p.strokeHz).toBe(0)
        const revs = p.camRevs
        run(p, inp, 500)
        expect(p.camRevs).toBe(revs)
        expect(p.motorCurrentA).toBeCloseTo(3.0 / 5.4, 3) // stall current
        p.faults.motorJammed = false
        run(p, inp, 100)
        expect(p.strokeHz).toBeGreaterThan(200)
    })
})
