// The true density map in session reports (sim/report/skin.ts): drawn as a heat map beside the
// pass map, printed beside the firmware's pass count, and saying where the skin was over-treated.
import { describe, expect, test } from "vitest"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { TechniqueBuilder } from "../../sim/plant/technique"
import { recordClosedLoop } from "../../sim/report/record"
import { renderSvg } from "../../sim/report/render"
import { SkinSection, skinText } from "../../sim/report/skin"
import { ScenarioBuilder } from "../../sim/scenario"

const P = FACTORY_PROFILE

/** two rows across the nose, a lift between them */
function noseRows() {
    const t = new TechniqueBuilder(5, 20)
    t.liftTo(5, 20, 600, 10, "approach").glideTo(25, 20, 12).liftTo(25, 26, 700, 5).glideTo(5, 26, 12).liftTo(5, 26, 600, 10, "away")
    const b = new ScenarioBuilder("nose rows", 3)
    b.command({ kind: "select_area", areaId: "nose" }).press("trigger", 120, "arm").wait(300)
    b.technique("nose", t.build())
    return b.build({ faults: [] })
}

describe("the true density map in a report", () => {
    test("a technique's run: the map as a heat map, one cell per 2 mm, and the text beside the firmware's count", async () => {
        const rec = recordClosedLoop(P, noseRows())
        expect(rec.failures).toEqual([])
        const a = rec.skin!.areas[0]
        expect(a.areaId).toBe("nose")
        expect(a.cols * a.rows).toBe(15 * 25)
        const svg = await renderSvg(rec)
        const start = svg.indexOf(" skin_cells_nose_marks\"")
        expect(start).toBeGreaterThan(0)
        const cells = svg.slice(start, svg.indexOf("</g>", start)).match(/role="graphics-symbol"/g) ?? []
        expect(cells.length).toBe(a.cols * a.rows)
        const text = skinText(rec.skin!).join("\n")
        const fw = rec.outcome.passes.nose
        expect(fw).toBeGreaterThan(0)
        expect(text).toContain(`nose: the firmware counted ${fw.toFixed(2)}/2 passes = an estimate of ${Math.round(fw * 1600)}/cm²`)
        expect(text).toContain("not over-treated")
        expect(text).toContain("+---------------+") // the ASCII map, 15 cells wide
    })

    test("an over-treated area is named with where its densest cm² is and its dose against the limit", () => {
        const sec: SkinSection = {
            findings: [],
            areas: [{
                areaId: "cheeks", widthMm: 4, heightMm: 4, cellMm: 2, cols: 2, rows: 2, cellsPerCm2: [0, 0, 0, 20000],
                needles: 12, footprintMm: 7, perPassPerCm2: 2000, passLimit: 3, firmwarePasses: 1, firmwarePerCm2: 2000, meanPerCm2: 5000,
                worstWindow: { perCm2: 13000, xMm: 3, yMm: 3 }, worstCell: { perCm2: 20000, xMm: 3, yMm: 3 },
                overTreated: true, ascii: "map",
            }],
        }
        const text = skinText(sec).join("\n")
        expect(text).toContain("densest 1 cm² (centre 3, 3 mm): 13000/cm² = 6.50 passes")
        expect(text).toContain("the limit's dose 6000/cm²")
        expect(text).toContain("OVER-TREATED around (3, 3) mm")
        expect(text).toContain("= an estimate of 2000/cm²; the skin's true mean is 5000/cm²")
    })
})
