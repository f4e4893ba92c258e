// The true dose in the closed loop (sim/skin-dose.ts): the plant's real strokes on the skin, at the
// technique's position, in the area's density map; judged against the plant's own trace.
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import type { Profile } from "../../core/profile"
import { PLANT_STEP_MS, runClosedLoop } from "../../sim/closedloop"
import { SIM_CARTRIDGE } from "../../sim/plant/dose"
import { cellDensityPerCm2, puncturesOnArea } from "../../sim/plant/skin"
import { TechniqueBuilder } from "../../sim/plant/technique"
import { ScenarioBuilder } from "../../sim/scenario"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))

/** on the cheek: touch down at (10, 40), glide to (30, 40), optionally dwell there, glide on to (50, 40), lift */
function cheekRow(dwellMs: number) {
    const t = new TechniqueBuilder(10, 40)
    t.forceN = 1.5
    t.liftTo(10, 40, 600, 10, "approach").glideTo(30, 40, 10)
    if (dwellMs > 0) t.hold(dwellMs)
    t.glideTo(50, 40, 10).liftTo(50, 40, 800, 10, "away")
    const b = new ScenarioBuilder(`cheek row, dwell ${dwellMs} ms`, 21)
    b.command({ kind: "select_area", areaId: "cheeks" }).press("trigger", 120, "arm").wait(300)
    b.technique("cheeks", t.build())
    return runClosedLoop(profile, b.build({}), { traceEveryMs: PLANT_STEP_MS })
}

describe("closed loop: the true density map", () => {
    test("the map holds needles x the plant's revolutions made on the skin with the needles out", () => {
        const r = cheekRow(0)
        const skin = r.skin!.cheeks
        // revolutions from the plant's own trace: rate x time while the true force is on and the needle out
        const t = r.trace!
        let revs = 0
        for (let i = 0; i < t.length; i++)
            if (t.forceTrueN[i] > 0 && t.depthActualMm[i] > 0) revs += (t.strokeHzTrue[i] * PLANT_STEP_MS) / 1000
        expect(revs).toBeGreaterThan(100)
        expect(Math.abs(skin.strokesOnSkin - revs)).toBeLessThanOrEqual(2)
        expect(skin.punctures).toBe(SIM_CARTRIDGE.needles * skin.strokesOnSkin)
        expect(puncturesOnArea(skin.map) + skin.map.offAreaPunctures).toBeCloseTo(skin.punctures, 6)
    })

    test("a dwell concentrates the dose on the spot where the pen stood", () => {
        const glide = cheekRow(0).skin!.cheeks
        const dwell = cheekRow(3000).skin!.cheeks
        const spot = (m: typeof dwell.map) => cellDensityPerCm2(m, 15, 20) // the cell holding (30, 40)
        expect(Math.hypot(dwell.worst.xMm - 30, dwell.worst.yMm - 40)).toBeLessThanOrEqual(2)
        // 3 s still at the cheeks' 120 strokes/s: the cartridge's punctures spread over its footprint
        const footprintCm2 = (Math.PI * (SIM_CARTRIDGE.footprint.diameterMm / 20) ** 2)
        const heldPerCm2 = (SIM_CARTRIDGE.needles * 120 * 3) / footprintCm2
        expect(spot(dwell.map) - spot(glide.map)).toBeGreaterThan(0.9 * heldPerCm2)
        expect(spot(dwell.map) - spot(glide.map)).toBeLessThan(1.1 * heldPerCm2)
        expect(spot(dwell.map)).toBeGreaterThan(3 * spot(glide.map))
        // the densest cell is one of the four that meet at (30, 40)
        let maxAt = 0
        for (let i = 0; i < dwell.map.counts.length; i++) if (dwell.map.counts[i] > dwell.map.counts[maxAt]) maxAt = i
        const col = maxAt % dwell.map.cols
        const row = Math.floor(maxAt / dwell.map.cols)
        expect([14, 15]).toContain(col)
        expect([19, 20]).toContain(row)
    })

    test("without a technique the run has no skin map", () => {
        const b = new ScenarioBuilder("no technique", 1)
        b.command({ kind: "select_area", areaId: "cheeks" }).press("trigger").wait(300).pass(1000)
        expect(runClosedLoop(profile, b.build({}), { traceEveryMs: 0 }).skin).toBeUndefined()
    })
})
