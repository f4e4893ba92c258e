// The true dose in the closed loop (issue 13): while a scenario's technique plays, every whole cam
// revolution the plant really makes (plant.camRevs, not the stroke sensor's count) with the hand
// on the skin and the needles out (true force > 0, real protrusion > 0) puts the cartridge's
// needles into that area's skin map at the technique's position. Nothing here feeds the firmware.
import { AREA_SIZES } from "./plant/areas"
import { SIM_CARTRIDGE } from "./plant/dose"
import type { Plant } from "./plant/pen"
import {
    DensityWindow, SkinMap, areaCm2, coverageFraction, createSkinMap, depositPunctures, worstWindow,
} from "./plant/skin"
import { Pose, Technique, createPose, techniquePoseAt } from "./plant/technique"

/**
 * how often the dose series is sampled (ms): the judge reads the true mean at a lock from the last
 * sample before it, so a sample every 250 ms (until 2026-12-04) left up to 250 ms of strokes out
 * and added up to ~2 points to the estimate's error at a lock; 10 ms is ~0.1 point
 */
export const DOSE_SERIES_MS = 10

/** one area's true dose at the end of a run, with the map for reports */
export interface AreaSkinResult {
    areaId: string
    map: SkinMap
    needles: number
    footprintMm: number
    /** whole cam revolutions made on the skin with the needles out, and the punctures they made */
    strokesOnSkin: number
    punctures: number
    meanPerCm2: number
    /** the densest 1 cm² window */
    worst: DensityWindow
    /** share of the cells that got any puncture */
    coverage: number
    /** the true mean density over time: sampled every DOSE_SERIES_MS while the area is played */
    seriesMs: number[]
    seriesMeanPerCm2: number[]
}

interface AreaState {
    map: SkinMap
    strokes: number
    seriesMs: number[]
    seriesMean: number[]
}

export class SkinDose {
    private areas: Record<string, AreaState> = {}
    private tech: Technique | undefined = undefined
    private area: AreaState | undefined = undefined
    private startMs = 0
    private lastRevs = 0
    private nextSampleMs = 0
    private readonly pose: Pose = createPose()

    constructor(private readonly needles = SIM_CARTRIDGE.needles, private readonly footprintMm = SIM_CARTRIDGE.footprint.diameterMm) {}

    /** the operator starts a technique on an area at nowMs; its map keeps what earlier ones left */
    start(areaId: string, tech: Technique, nowMs: number, plant: Plant): void {
        const size = AREA_SIZES[areaId]
        if (!size) throw new Error(`no assumed size for area ${areaId} (sim/plant/areas.ts)`)
        if (!this.areas[areaId])
            this.areas[areaId] = { map: createSkinMap(size.widthMm, size.heightMm, 2), strokes: 0, seriesMs: [], seriesMean: [] }
        this.area = this.areas[areaId]
        this.tech = tech
        this.tech.cursor = 0
        this.startMs = nowMs
        this.lastRevs = Math.floor(plant.camRevs)
        this.nextSampleMs = nowMs
    }

    /** after the plant stepped to endMs: deposit the revolutions completed on the skin */
    step(endMs: number, plant: Plant): void {
        const a = this.area
        if (!a || !this.tech) return
        const revs = Math.floor(plant.camRevs)
        const n = revs - this.lastRevs
        this.lastRevs = revs
        const t = endMs - this.startMs
        if (n > 0 && t <= this.tech.durationMs && plant.forceTrueN > 0 && plant.depthActualMm > 0) {
            // on the skin is the plant's true force, not the plan's contact: the hand's force ramps
            // reach a little into the plan's lifts, where the pen has barely moved yet
            const pose = techniquePoseAt(this.tech, t, this.pose)
            depositPunctures(a.map, n * this.needles, pose.xMm, pose.yMm, { diameterMm: this.footprintMm })
            a.strokes += n
        }
        if (endMs >= this.nextSampleMs) {
            a.seriesMs.push(endMs)
            a.seriesMean.push((a.map.totalPunctures - a.map.offAreaPunctures) / areaCm2(a.map))
            this.nextSampleMs += DOSE_SERIES_MS
        }
        if (t > this.tech.durationMs) this.area = undefined
    }

    /** the run ends (a real-time runner's plant keeps going after it): nothing more is deposited */
    stop(): void {
        this.area = undefined
    }

    /** per area played: the summary and the map; undefined if no technique was played */
    result(): Record<string, AreaSkinResult> | undefined {
        const ids = Object.keys(this.areas)
        if (ids.length === 0) return undefined
        const out: Record<string, AreaSkinResult> = {}
        for (const id of ids) {
            const a = this.areas[id]
            const onArea = a.map.totalPunctures - a.map.offAreaPunctures
            out[id] = {
                areaId: id,
                map: a.map,
                needles: this.needles,
                footprintMm: this.footprintMm,
                strokesOnSkin: a.strokes,
                punctures: a.map.totalPunctures,
                meanPerCm2: onArea / areaCm2(a.map),
                worst: worstWindow(a.map, 10),
                coverage: coverageFraction(a.map, 1e-9),
                seriesMs: a.seriesMs,
                seriesMeanPerCm2: a.seriesMean,
            }
        }
        return out
    }
}
