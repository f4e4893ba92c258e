// Dose bookkeeping for the skin map without a plant (the closed loop deposits the plant's own
// strokes: sim/skin-dose.ts); for the technique's own tests and the scenarios' plans:
//   depositTechnique: strokes at a fixed rate whenever the technique is on the skin, each putting
//     its needles at the hand's position (an ideal pen that runs exactly while in contact)
// Nothing here is wired into the firmware.

import { Footprint, SkinMap, depositPunctures } from "./skin"
import { Pose, Technique, createPose, techniquePoseAt } from "./technique"

export interface StrokeSpec {
    needles: number
    strokeHz: number
    footprint: Footprint
}

export interface DepositResult {
    strokes: number
    punctures: number
}

/** Strokes every 1/strokeHz from fromMs to toMs; those made on the skin go into the map. */
export function depositTechnique(
    map: SkinMap,
    tech: Technique,
    spec: StrokeSpec,
    fromMs = 0,
    toMs = tech.durationMs,
): DepositResult {
    if (!(spec.strokeHz > 0)) throw new Error(`strokeHz must be > 0, got ${spec.strokeHz}`)
    const pose: Pose = createPose()
    const periodMs = 1000 / spec.strokeHz
    let strokes = 0
    const first = Math.ceil(fromMs / periodMs)
    for (let k = first; k * periodMs < toMs; k++) {
        techniquePoseAt(tech, k * periodMs, pose)
        if (!pose.contact) continue
        depositPunctures(map, spec.needles, pose.xMm, pose.yMm, spec.footprint)
        strokes++
    }
    return { strokes, punctures: strokes * spec.needles }
}

// ---- the cartridge and the per-pass dose the closed loop and the judge assume (docs/DOSE.md) ----

/** the simulated cartridge: 12 needles (Rejuvapen's ring, the smallest count of pen cartridges) on a 7 mm field */
export const SIM_CARTRIDGE = { needles: 12, footprint: { diameterMm: 7 } as Footprint }

/** the glide speed and row spacing one clinical pass is assumed to have (docs/DOSE.md, "Per-pass dose") */
export const PER_PASS_GLIDE_MM_S = 14
export const PER_PASS_ROW_SPACING_SHARE = 0.75

/**
 * The density one clinical pass lays down (punctures/cm²): the cartridge at strokeHz, gliding at
 * PER_PASS_GLIDE_MM_S with rows PER_PASS_ROW_SPACING_SHARE footprints apart.
 */
export function perPassDensityPerCm2(strokeHz: number, needles = SIM_CARTRIDGE.needles, footprintMm = SIM_CARTRIDGE.footprint.diameterMm): number {
    return (needles * strokeHz) / ((PER_PASS_GLIDE_MM_S / 10) * ((PER_PASS_ROW_SPACING_SHARE * footprintMm) / 10))
}
