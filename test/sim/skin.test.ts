// The skin map: the true puncture density of an area, from the strokes where they landed.
import { describe, expect, test } from "vitest"
import {
    areaCm2, cellDensityPerCm2, coverageFraction, createSkinMap, depositPunctures, meanDensityPerCm2, puncturesOnArea,
    renderSkinAscii, swathDensityPerCm2, worstWindow,
} from "../../sim/plant/skin"
import { TechniqueBuilder, clinicalTechnique } from "../../sim/plant/technique"
import { depositTechnique } from "../../sim/plant/dose"

describe("skin map", () => {
    test("mean density is the punctures on the area over its size; what overhangs the edge is kept apart", () => {
        const map = createSkinMap(40, 30, 2)
        expect(areaCm2(map)).toBe(12)
        depositPunctures(map, 1200, 20, 15, { diameterMm: 7 }) // well inside
        expect(meanDensityPerCm2(map)).toBeCloseTo(100, 9)
        depositPunctures(map, 1200, 0, 15, { diameterMm: 7 }) // centred on the left edge: half off
        expect(map.totalPunctures).toBe(2400)
        expect(map.offAreaPunctures).toBeGreaterThan(500)
        expect(map.offAreaPunctures).toBeLessThan(700)
        expect(puncturesOnArea(map) + map.offAreaPunctures).toBeCloseTo(2400, 6)
        expect(meanDensityPerCm2(map)).toBeCloseTo(puncturesOnArea(map) / 12, 9)
    })

    test("a straight glide at v with S strokes/s and N needles leaves N*S/(v*D) over the swath, 4/pi of that on its centre line", () => {
        const N = 12
        const S = 120
        const v = 15
        const D = 7
        const map = createSkinMap(100, 30, 2)
        const tech = new TechniqueBuilder(5, 15).glideTo(95, 15, v, { rampMs: 0 }).build()
        depositTechnique(map, tech, { needles: N, strokeHz: S, footprint: { diameterMm: D } })
        const expected = swathDensityPerCm2(N, S, v, D) // 1371/cm²
        expect(expected).toBeCloseTo(1371.4, 0)
        // the swath (y 11.5..18.5 mm) lies inside rows 4..10 (y 8..22): sum them over x 30..70 mm
        let sum = 0
        for (let row = 4; row <= 10; row++) for (let col = 15; col < 35; col++) sum += map.counts[row * map.cols + col]
        const overSwath = sum / ((40 / 10) * (D / 10))
        expect(overSwath).toBeGreaterThan(expected * 0.98)
        expect(overSwath).toBeLessThan(expected * 1.02)
        // the centre line (cells y 14..16) gets the chord's full length: 4/pi x the swath mean
        let centre = 0
        for (let col = 15; col < 35; col++) centre += cellDensityPerCm2(map, col, 7)
        centre /= 20
        expect(centre / expected).toBeGreaterThan(1.15)
        expect(centre / expected).toBeLessThan(1.3)
    })

    test("a dwell concentrates: the whole dwell lands in one 1 cm² window, far above the area's mean", () => {
        const N = 12
        const S = 120
        const map = createSkinMap(60, 80, 2)
        const tech = new TechniqueBuilder(30, 40).hold(3000).build()
        const r = depositTechnique(map, tech, { needles: N, strokeHz: S, footprint: { diameterMm: 7 } })
        expect(r.strokes).toBe(360)
        const w = worstWindow(map)
        expect(w.perCm2).toBeCloseTo(N * S * 3, 6) // 4,320 punctures, all in the window
        expect(Math.abs(w.xMm - 30)).toBeLessThanOrEqual(2)
        expect(Math.abs(w.yMm - 40)).toBeLessThanOrEqual(2)
        expect(w.perCm2).toBeGreaterThan(40 * meanDensityPerCm2(map))
        // a footprint narrower than a cell, centred in it: the one cell holds it all
        const small = createSkinMap(20, 20, 2)
        depositPunctures(small, 500, 11, 9, { diameterMm: 1 })
        expect(small.counts[4 * small.cols + 5]).toBeCloseTo(500, 9)
        expect(coverageFraction(small, 1)).toBeCloseTo(1 / 100, 9)
    })

    test("a 5-minute clinical session at 120 strokes/s deposits in well under a second", () => {
        const tech = clinicalTechnique({ widthMm: 60, heightMm: 80, footprintMm: 7, seed: 5 })
        const map = createSkinMap(60, 80, 2)
        // the stencils are built once per footprint; warm them so the timing is the deposits
        depositPunctures(createSkinMap(10, 10, 2), 1, 5, 5, { diameterMm: 7 })
        const t0 = performance.now()
        const r = depositTechnique(map, tech, { needles: 12, strokeHz: 120, footprint: { diameterMm: 7 } }, 0, 300000)
        const ms = performance.now() - t0
        expect(r.strokes).toBeGreaterThan(20000)
        expect(ms).toBeLessThan(1000)
    })

    test("the text heat map shows the area's shape, the dwell's spot and the scale", () => {
        const map = createSkinMap(60, 40, 2)
        const b = new TechniqueBuilder(5, 5)
        b.glideTo(55, 5, 15, { rampMs: 0 })
        b.hold(2000)
        const tech = b.build()
        depositTechnique(map, tech, { needles: 12, strokeHz: 120, footprint: { diameterMm: 7 } })
        const text = renderSkinAscii(map, { title: "glide then dwell" })
        const lines = text.split("\n")
        expect(lines[0]).toBe("glide then dwell")
        expect(lines[1]).toBe("+" + "-".repeat(30) + "+") // 60 mm in 2 mm characters
        const body = lines.slice(2, 2 + 10) // 40 mm in 4 mm lines
        expect(body.every((l) => l.length === 32)).toBe(true)
        // the dwell at (55, 5) is the densest spot: "@" in the bottom lines near the right end
        const bottom = body[body.length - 1] + body[body.length - 2]
        expect(bottom.indexOf("@")).toBeGreaterThan(-1)
        expect(body[0]).toMatch(/^\| +\|$/) // the top edge was never touched
        expect(text).toMatch(/worst 1 cm² \d+\/cm²/)
    })
})
