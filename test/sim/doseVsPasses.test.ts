// Issue 13's question on one cheek: what today's pass rule (a pass = a contact episode) counts for
// a clinical session, against the dose the skin really got. Prints the comparison; not wired into
// the firmware.
import { describe, expect, test } from "vitest"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { AREA_SIZES } from "../../sim/plant/areas"
import { SIM_CARTRIDGE, countContactPasses, depositTechnique } from "../../sim/plant/dose"
import { createHand, handForceAt } from "../../sim/plant/hand"
import { coverageFraction, createSkinMap, meanDensityPerCm2, renderSkinAscii, swathDensityPerCm2 } from "../../sim/plant/skin"
import { clinicalTechnique, techniqueHandScript } from "../../sim/plant/technique"

// the simulator's assumed cartridge (sim/plant/dose.ts, docs/DOSE.md)
const NEEDLES = SIM_CARTRIDGE.needles
const FOOTPRINT_MM = SIM_CARTRIDGE.footprint.diameterMm
/** the roller figure often quoted as a target (docs/DOSE.md): a reference, not a pen's per-pass density */
const ROLLER_REFERENCE_PER_CM2 = 250

describe("dose against today's pass count", () => {
    test("a clinical session on the cheek: dozens of contact episodes for about three passes of dose", () => {
        const area = AREA_SIZES.cheeks
        const strokeHz = FACTORY_PROFILE.areas.filter((a) => a.id === "cheeks")[0].preset.strokeHz
        const passLimit = FACTORY_PROFILE.areas.filter((a) => a.id === "cheeks")[0].preset.passLimit
        const seed = 13
        const tech = clinicalTechnique({ widthMm: area.widthMm, heightMm: area.heightMm, footprintMm: FOOTPRINT_MM, seed })
        const spec = { needles: NEEDLES, strokeHz, footprint: { diameterMm: FOOTPRINT_MM } }
        const map = createSkinMap(area.widthMm, area.heightMm, 2)
        depositTechnique(map, tech, spec)

        const hand = createHand(techniqueHandScript(tech), seed)
        const counted = countContactPasses((t) => handForceAt(hand, t), tech.durationMs, FACTORY_PROFILE.force)
        const perPass = swathDensityPerCm2(NEEDLES, strokeHz, tech.usualSpeedMmS, tech.meanRowSpacingMm)
        const mean = meanDensityPerCm2(map)
        const truePasses = mean / perPass

        // where today's firmware would lock the area: when the pass after the limit starts
        const lockAtMs = counted.startsMs[passLimit]
        const untilLock = createSkinMap(area.widthMm, area.heightMm, 2)
        depositTechnique(untilLock, tech, spec, 0, lockAtMs)
        const coveredAtLock = coverageFraction(untilLock, perPass / 2)

        // the figures and the map, for a person: PEN_VERBOSE=1 npx vitest run test/sim/doseVsPasses.test.ts
        if (process.env.PEN_VERBOSE) console.log(
            [
                `cheek ${area.widthMm} x ${area.heightMm} mm, ${NEEDLES} needles at ${strokeHz}/s, ${FOOTPRINT_MM} mm footprint, seed ${seed}:`,
                `  session ${(tech.durationMs / 1000).toFixed(0)} s, ${tech.sections.length} sections x 3 directions, ${tech.rowCount} rows, usual glide ${tech.usualSpeedMmS.toFixed(1)} mm/s, rows ${tech.meanRowSpacingMm.toFixed(1)} mm apart`,
                `  today's rule counts ${counted.passes} passes (contact episodes); with its limit of ${passLimit} it locks at ${(lockAtMs / 1000).toFixed(0)} s, ` +
                    `${(coveredAtLock * 100).toFixed(0)} % of the cheek having had half a pass`,
                `  true mean density ${mean.toFixed(0)}/cm² = ${truePasses.toFixed(2)} passes of ${perPass.toFixed(0)}/cm² ` +
                    `(= ${(mean / ROLLER_REFERENCE_PER_CM2).toFixed(1)} x the ${ROLLER_REFERENCE_PER_CM2}/cm² roller reference)`,
                renderSkinAscii(map, { title: "  the true density map:" }),
            ].join("\n"),
        )

        expect(truePasses).toBeGreaterThan(2.5)
        expect(truePasses).toBeLessThan(5)
        expect(counted.passes).toBeGreaterThan(5 * truePasses)
        expect(coveredAtLock).toBeLessThan(0.25)
    })
})
