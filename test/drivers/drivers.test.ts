// The drivers' pure parts: calibration, gestures and the packet budget.
import { describe, expect, test } from "vitest"
import { BURST_PACKETS, COST_MS, SendBudget } from "../../drivers/budget"
import { PressTracker } from "../../drivers/buttons"
import { depthToAngleDeg, feedbackRatioToDepthMm } from "../../drivers/depth"
import { ratioToForceN } from "../../drivers/force"
import { depthReport } from "../../drivers/roles"
import type { PenInputs } from "../../core/types"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { checkProfile, depthPositionMm } from "../../core/validate"

const P = FACTORY_PROFILE

describe("force sensor calibration", () => {
    test("reads the curve points exactly and interpolates between them", () => {
        for (const [r, n] of P.force.curve) expect(ratioToForceN(P.force.curve, r)).toBeCloseTo(n, 9)
        expect(ratioToForceN(P.force.curve, 0.775)).toBeCloseTo((2.98 + 3.98) / 2, 6)
    })
    test("H2 a press beyond the table still reads harder (extrapolates, never clamps low)", () => {
        const last = P.force.curve[P.force.curve.length - 1]
        expect(ratioToForceN(P.force.curve, 0.97)).toBeGreaterThan(last[1])
    })
    test("below the live zero reads 0 N", () => {
        expect(ratioToForceN(P.force.curve, 0)).toBe(0)
    })
})

describe("depth actuator calibration", () => {
    test("millimetres to servo angle: angleAtZeroDeg + mm x degPerMm", () => {
        expect(depthToAngleDeg(P.depth, 0)).toBe(P.depth.angleAtZeroDeg)
        expect(depthToAngleDeg(P.depth, 1)).toBe(P.depth.angleAtZeroDeg + P.depth.degPerMm)
        expect(depthToAngleDeg(P.depth, 2.5)).toBeCloseTo(P.depth.angleAtZeroDeg + 2.5 * P.depth.degPerMm, 9)
    })
    test("H8 the depthPos feedback ratio reads millimetres; the core reads an open wiper (0) or a short (1) as no position", () => {
        const d = P.depth
        const position = (ratio: number) => depthPositionMm(feedbackRatioToDepthMm(d, ratio))
        for (const mm of [0, 0.25, 1, 2.5, 3]) expect(position(d.feedbackRatioAt0Mm + mm * d.feedbackRatioPerMm)).toBeCloseTo(mm, 9)
        expect(position(0)).toBeNaN()
        expect(position(1)).toBeNaN()
        expect(position(d.feedbackRatioAt0Mm - 0.3 * d.feedbackRatioPerMm)).toBeNaN()
        expect(position(d.feedbackRatioAt0Mm - 0.2 * d.feedbackRatioPerMm)).toBeCloseTo(-0.2, 9)
    })
    test("H8 a depthPos reading is stamped with when it came (the core's staleness rule reads it)", () => {
        const inp = { depthActualMm: NaN, depthSampleMs: -1 } as PenInputs
        const d = P.depth
        depthReport(inp, d, d.feedbackRatioAt0Mm + d.feedbackRatioPerMm, 1234)
        expect(inp.depthActualMm).toBeCloseTo(1, 9)
        expect(inp.depthSampleMs).toBe(1234)
    })
    test("H8 H10 the profile check refuses a feedback calibration that cannot tell an open wiper from 0 mm", () => {
        expect(checkProfile(P)).toBe("")
        const bad = (depth: object) => checkProfile({ ...P, depth: { ...P.depth, ...depth } })
        expect(bad({ feedbackRatioPerMm: 0 })).toMatch(/depth.feedbackRatioPerMm 0 is outside/)
        expect(bad({ feedbackRatioAt0Mm: 0.01 })).toMatch(/depth feedback: 0..3 mm .* inside ratio 0..1/)
        expect(bad({ feedbackRatioAt0Mm: 0.5, feedbackRatioPerMm: 0.2 })).toMatch(/depth feedback/)
        expect(bad({ feedbackRatioAt0Mm: undefined })).toMatch(/depth.feedbackRatioAt0Mm must be a number/)
    })
})

describe("button gestures", () => {
    test("a short press arms, a blip is ignored, a hold asks to clear once", () => {
        const b = new PressTracker(2000, 20)
        expect(b.update(0, true)).toBe("none")
        expect(b.update(100, false)).toBe("short")
        expect(b.update(200, true)).toBe("none")
        expect(b.update(210, false)).toBe("none")
        expect(b.update(300, true)).toBe("none")
        expect(b.update(2300, true)).toBe("hold")
        expect(b.update(2600, true)).toBe("none")
        expect(b.update(2700, false)).toBe("none")
    })
})

describe("packet budget (model of DeviceScript's send throttle)", () => {
    test("a burst of 5 then one packet per 20 ms", () => {
        const b = new SendBudget()
        expect(b.available(1000)).toBe(BURST_PACKETS)
        for (let i = 0; i < BURST_PACKETS; i++) b.spend(1000)
        expect(b.available(1000)).toBe(0)
        expect(b.available(1000 + COST_MS)).toBe(1)
        expect(b.available(1000 + BURST_PACKETS * COST_MS * 10)).toBe(BURST_PACKETS)
    })
    test("H2 writes that keep a reserve leave a packet for the stop", () => {
        const b = new SendBudget()
        let sent = 0
        for (let i = 0; i < 20; i++) if (b.allows(1000, 1, 1)) { b.spend(1000); sent++ }
        expect(sent).toBe(BURST_PACKETS - 1)
        expect(b.available(1000)).toBe(1)
    })
})

describe("Jacdac frames over TCP (the VM's --tcp link, console/frames.ts)", () => {
    test("short and long frames round-trip through any split of the stream", async () => {
        const { encodeFrame, frameReader } = await import("../../console/frames")
        const frames = [new Uint8Array([1, 2, 3]), new Uint8Array(300).map((_, i) => i & 255), new Uint8Array(254)]
        const stream = Buffer.concat(frames.map(encodeFrame))
        expect(stream[0]).toBe(3)
        expect(stream[4]).toBe(255)
        for (const cut of [1, 2, 4, 5, 7, 100]) {
            const got: Uint8Array[] = []
            const read = frameReader((f) => got.push(f))
            for (let i = 0; i < stream.length; i += cut) read(stream.subarray(i, i + cut))
            expect(got.map((f) => Array.from(f))).toEqual(frames.map((f) => Array.from(f)))
        }
    })
})
