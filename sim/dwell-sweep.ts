// How the dwell rule's stop time trades stops of a still pen against stops of a gliding one
// (issue 13, docs/DOSE.md "The dwell rule"): `npx tsx sim/dwell-sweep.ts [seeds]` plays the
// clinical technique of three areas (default seeds 1-4) through the accelerometer model
// (sim/dwell.ts) at each stop time and prints the share of glide rows the rule would stop.
import { FACTORY_PROFILE } from "../src/profile.g"
import { runDwell } from "./dwell"
import { AREA_SIZES } from "./plant/areas"
import { SIM_CARTRIDGE } from "./plant/dose"
import { clinicalTechnique } from "./plant/technique"

const STOPS_MS = [700, 1500, 3000, 6000]
const AREAS = ["periorbital", "forehead", "cheeks"]
const seeds = Number(process.argv[2] ?? 4)
const m = FACTORY_PROFILE.motion
for (const stopMs of STOPS_MS) {
    let rows = 0
    let stopped = 0
    for (const areaId of AREAS) {
        const size = AREA_SIZES[areaId]
        const area = FACTORY_PROFILE.areas.find((a) => a.id === areaId)!
        for (let seed = 1; seed <= seeds; seed++) {
            const tech = clinicalTechnique({ widthMm: size.widthMm, heightMm: size.heightMm, radiusXMm: size.radiusXMm, radiusYMm: size.radiusYMm, footprintMm: SIM_CARTRIDGE.footprint.diameterMm, seed })
            const motion = { ...m, warnAfterMs: Math.min(m.warnAfterMs, stopMs - 100), stopAfterMs: stopMs, stopOnDwell: 1 }
            const r = runDwell(tech, motion, { seed, strokeHz: area.preset.strokeHz, imu: { oversample: 16 }, rampHzPerS: FACTORY_PROFILE.needle.rampHzPerS })
            rows += tech.rowCount
            stopped += r.falseStopsAtMs.length
        }
    }
    console.log(`stop after ${stopMs} ms still: ${stopped}/${rows} glide rows stopped (${((100 * stopped) / rows).toFixed(1)} %)`)
}
