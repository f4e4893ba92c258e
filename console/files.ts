// Preset files: `export` writes the pen's presets in the shape of devs.json (profileVersion,
// name, areas[] with id, label, depthCapMm and preset {depthMm, strokeHz, passLimit}); `import`
// reads one (devs.json itself is a valid file) and checks the whole of it before anything is sent.
//
// This file checks only the file's shape (JSON, fields that must be numbers). Whether a value is
// allowed is the core's call: checkPresetList() from core/validate.ts, against the pen's own
// areas and caps, the same function the firmware runs on the import command.
import { AreaCap } from "../core/profile"
import { AreaPreset } from "../core/types"
import { checkPresetList } from "../core/validate"
import { WireArea, WirePreset } from "./link"

export interface PresetFile {
    profileVersion: number
    name: string
    areas: { id: string; label: string; depthCapMm: number; preset: { depthMm: number; strokeHz: number; passLimit: number } }[]
}

export function exportPresets(profile: { version: number; name: string }, areas: WireArea[]): PresetFile {
    return {
        profileVersion: profile.version,
        name: profile.name,
        areas: areas.map((a) => ({
            id: a.id,
            label: a.label,
            depthCapMm: a.depthCapMm,
            preset: { depthMm: a.working.depthMm, strokeHz: a.working.strokeHz, passLimit: a.working.passLimit },
        })),
    }
}

export interface ImportPlan {
    /** "" when the file can be imported; else what is wrong (nothing is sent) */
    error: string
    /** the presets to send, in wire units, by the pen's area index */
    wire: WirePreset[]
    /** the same, as the core sees them */
    presets: AreaPreset[]
    /** remarks that do not stop the import */
    notes: string[]
}

function fail(error: string): ImportPlan {
    return { error, wire: [], presets: [], notes: [] }
}

function isObj(x: unknown): x is Record<string, unknown> {
    return typeof x === "object" && x !== null && !Array.isArray(x)
}

/** checks a preset file against the pen's areas; nothing is sent unless error is "" */
export function planImport(text: string, areas: WireArea[]): ImportPlan {
    let doc: unknown
    try {
        doc = JSON.parse(text)
    } catch (e) {
        return fail(`the file is not JSON: ${(e as Error).message}`)
    }
    if (!isObj(doc) || !Array.isArray(doc.areas))
        return fail(`the file has no "areas" list: expected the shape of devs.json, {"areas": [{"id": ..., "preset": {"depthMm": ..., "strokeHz": ..., "passLimit": ...}}]}`)
    const presets: AreaPreset[] = []
    const notes: string[] = []
    const list = doc.areas as unknown[]
    for (let k = 0; k < list.length; k++) {
        const e = list[k]
        const where = `areas[${k}]`
        if (!isObj(e) || typeof e.id !== "string" || e.id === "") return fail(`${where} has no "id" (an area id such as ${areas[0]?.id ?? "cheeks"})`)
        if (!isObj(e.preset)) return fail(`${where} (${e.id}) has no "preset" object`)
        const p = e.preset
        for (const f of ["depthMm", "strokeHz", "passLimit"])
            if (typeof p[f] !== "number" || !Number.isFinite(p[f] as number))
                return fail(`${where}.preset.${f} (${e.id}) must be a number, found ${JSON.stringify(p[f] ?? null)}`)
        presets.push({ areaId: e.id, depthMm: p.depthMm as number, strokeHz: p.strokeHz as number, passLimit: p.passLimit as number })
        const pen = areas.find((a) => a.id === e.id)
        if (pen && typeof e.depthCapMm === "number" && e.depthCapMm !== pen.depthCapMm)
            notes.push(`${e.id}: the file says cap ${e.depthCapMm} mm; the pen's own cap of ${pen.depthCapMm} mm applies`)
    }
    // the core's rules, against the pen's areas and caps
    const profileAreas: AreaCap[] = areas.map((a) => ({ id: a.id, depthCapMm: a.depthCapMm }))
    const why = checkPresetList(profileAreas, presets)
    if (why !== "") return fail(why)
    const wire = presets.map((p) => ({
        index: areas.findIndex((a) => a.id === p.areaId),
        depthUm: Math.round(p.depthMm * 1000),
        strokeMhz: Math.round(p.strokeHz * 1000),
        passLimit: p.passLimit,
    }))
    const missing = areas.filter((a) => !presets.some((p) => p.areaId === a.id)).map((a) => a.id)
    if (missing.length) notes.push(`not in the file, unchanged: ${missing.join(", ")}`)
    return { error: "", wire, presets, notes }
}
