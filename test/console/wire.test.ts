// The console service's wire format has one description for people (services/penconsole.md),
// one compiled by `devs build` (.devicescript/services.json, which the firmware's server uses),
// and the constants both sides import (drivers/wire.ts). They must agree.
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { jdpack, jdunpack } from "jacdac-ts"
import { describe, expect, test } from "vitest"
import * as W from "../../drivers/wire"
import { decodeArea, decodeStatus, encodeImport } from "../../console/link"
import { FAULTS } from "../../core/faults"

const ROOT = join(__dirname, "../..")
const SPEC = join(ROOT, ".devicescript/services.json")
const MD = readFileSync(join(ROOT, "services/penconsole.md"), "utf8").replace(/\s+/g, " ")

function compiled() {
    if (!existsSync(SPEC)) throw new Error("the service spec is not compiled: run `npm run build` (npm test does it)")
    const all = JSON.parse(readFileSync(SPEC, "utf8")) as any[]
    const srv = all.find((s) => s.classIdentifier === W.SRV_PEN_CONSOLE)
    if (!srv) throw new Error(`no service 0x${W.SRV_PEN_CONSOLE.toString(16)} in ${SPEC}`)
    return srv
}

describe("console service wire format", () => {
    test("drivers/wire.ts codes and pack formats are the compiled spec's", () => {
        const srv = compiled()
        const fmt = (kind: string, id: number) => srv.packets.find((p: any) => p.kind === kind && p.identifier === id && !p.derived)?.packFormat
        expect(fmt("ro", W.REG_STATUS)).toBe(W.FMT_STATUS)
        expect(fmt("const", W.REG_PROFILE)).toBe(W.FMT_PROFILE)
        expect(fmt("command", W.CMD_SET_PRESET)).toBe(W.FMT_SET_PRESET)
        expect(fmt("command", W.CMD_AREA_INFO)).toBe(W.FMT_AREA_INFO)
        expect(fmt("report", W.CMD_AREA_INFO)).toBe(W.FMT_AREA_INFO_REPORT)
        expect(fmt("command", W.CMD_SELECT_AREA)).toBe(W.FMT_SELECT_AREA)
        expect(fmt("command", W.CMD_IMPORT_PRESETS)).toBe(W.FMT_IMPORT_PRESETS)
        for (const c of [W.CMD_SAVE_PRESETS, W.CMD_REVERT_PRESETS, W.CMD_NEW_SESSION, W.CMD_CLEAR_FAULT]) expect(fmt("command", c)).toBe(W.FMT_REQUEST)
        for (const c of [W.CMD_SET_PRESET, W.CMD_SELECT_AREA, W.CMD_SAVE_PRESETS, W.CMD_REVERT_PRESETS, W.CMD_NEW_SESSION, W.CMD_CLEAR_FAULT, W.CMD_IMPORT_PRESETS])
            expect(fmt("report", c)).toBe(W.FMT_RESULT)
        // integers only: DeviceScript does not scale fixed-point fields in multi-field packets
        for (const p of srv.packets.filter((p: any) => !p.derived)) expect(p.packFormat ?? "").not.toMatch(/\.\d/)
    })

    test("the enumerations are the ones the spec describes", () => {
        expect(MD).toContain(`\`state\`: ${W.STATES.map((s, i) => `${i} ${s}`).join(", ")}.`)
        expect(MD).toContain(`(\`source\`: ${W.SOURCES.map((s, i) => `${i} ${s}`).join(", ")}:`)
        for (const f of FAULTS) {
            expect(W.faultId(f.code)).toBe(f.id)
            expect(W.faultCodeOf(f.id)).toBe(f.code)
            // the spec lists every id with its code
            expect(MD.replace(/\s+/g, " ")).toContain(` ${f.id} ${f.code}`)
        }
        expect(W.faultCodeOf(0)).toBe("")
        expect(MD).toContain(`${W.IMPORT_ENTRY_BYTES} bytes per area`)
    })

    test("status and area reports decode to millimetres, strokes/s and newtons", () => {
        const s = decodeStatus(jdunpack(jdpack(W.FMT_STATUS, [2, 4, 0, W.FLAG_UNSAVED, 1500, 130, -1, 129500, 1530, 620, 1, 3, 12345, "cheeks", ""]), W.FMT_STATUS))
        expect(s).toEqual({
            state: "treating", areaIndex: 4, areaId: "cheeks", fault: "", flags: 1, depthSetMm: 1.5, strokeSetHz: 130, depthActualMm: NaN,
            strokeMeasuredHz: 129.5, forceN: 1.53, duty: 0.62, passesUsed: 1, passLimit: 3, uptimeMs: 12345, reason: "",
        })
        const a = decodeArea(jdunpack(jdpack(W.FMT_AREA_INFO_REPORT, [2000, 1500, 130, 1000, 120, 4, 2, 3, 2, 1, 7, 35, 1, "cheeks", "Cheeks"]), W.FMT_AREA_INFO_REPORT))
        expect(a).toEqual({
            depthCapMm: 2, working: { depthMm: 1.5, strokeHz: 130, passLimit: 2 }, saved: { depthMm: 1, strokeHz: 120, passLimit: 3 },
            index: 4, source: "fallback", passes: 1, areaCount: 7, treatedS: 35, overPressure: 1, id: "cheeks", label: "Cheeks",
        })
        // the report's index sits at byte 10, where the console matches replies
        expect(jdpack(W.FMT_AREA_INFO_REPORT, [0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 7, 0, 0, "body", ""])[10]).toBe(6)
    })

    test("an import packs 12 bytes per area, little endian, as the firmware reads them", () => {
        const b = encodeImport([{ index: 4, depthUm: 1500, strokeMhz: 130000, passLimit: 2 }, { index: 0, depthUm: -50, strokeMhz: 0, passLimit: 3 }])
        expect(b.length).toBe(2 * W.IMPORT_ENTRY_BYTES)
        const dv = new DataView(b.buffer)
        expect([dv.getInt32(0, true), dv.getInt32(4, true), dv.getInt16(8, true), b[10], b[11]]).toEqual([1500, 130000, 2, 4, 0])
        expect([dv.getInt32(12, true), b[22]]).toEqual([-50, 0])
        // the longest command still fits a Jacdac packet (236 bytes)
        expect(jdpack(W.FMT_IMPORT_PRESETS, [1, new Uint8Array(12 * W.IMPORT_ENTRY_BYTES)]).length).toBeLessThanOrEqual(236)
    })
})
