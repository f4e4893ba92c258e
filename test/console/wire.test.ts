// The console service's wire format has one description for people (services/penconsole.md),
// one compiled by `devs build` (.devicescript/services.json, which the firmware's server uses),
// and the constants both sides import (drivers/wire.ts). They must agree.
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { jdpack, jdunpack } from "jacdac-ts"
import { describe, expect, test } from "vitest"
import * as W from "../../drivers/wire"
import { decodeArea, decodeCartridge, decodeStatus, encodeImport, wireMismatch } from "../../console/link"
import { faultList } from "../../core/faults"

const FAULTS = faultList()

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
        expect(fmt("ro", W.REG_STATUS_V1)).toBe(W.FMT_STATUS_V1)
        expect(fmt("const", W.REG_WIRE_VERSION)).toBe(W.FMT_WIRE_VERSION)
        expect(fmt("const", W.REG_PROFILE)).toBe(W.FMT_PROFILE)
        expect(fmt("command", W.CMD_CARTRIDGE_INFO)).toBe(W.FMT_CARTRIDGE_INFO)
        expect(fmt("report", W.CMD_CARTRIDGE_INFO)).toBe(W.FMT_CARTRIDGE_INFO_REPORT)
        expect(fmt("command", W.CMD_SELECT_CARTRIDGE)).toBe(W.FMT_SELECT_CARTRIDGE)
        // the pen's own calibration (issue 14 part 3): its register and set_calibration
        expect(fmt("ro", W.REG_CALIBRATION)).toBe(W.FMT_CALIBRATION)
        expect(fmt("command", W.CMD_SET_CALIBRATION)).toBe(W.FMT_SET_CALIBRATION)
        expect(fmt("report", W.CMD_SET_CALIBRATION)).toBe(W.FMT_RESULT)
        // the retired area_info is gone from the spec: its code answers "not implemented"
        expect(srv.packets.filter((p: any) => p.identifier === W.CMD_AREA_INFO_V1 && !p.derived)).toEqual([])
        expect(fmt("command", W.CMD_SET_PRESET)).toBe(W.FMT_SET_PRESET)
        expect(fmt("command", W.CMD_AREA_INFO)).toBe(W.FMT_AREA_INFO)
        expect(fmt("report", W.CMD_AREA_INFO)).toBe(W.FMT_AREA_INFO_REPORT)
        expect(fmt("command", W.CMD_SELECT_AREA)).toBe(W.FMT_SELECT_AREA)
        expect(fmt("command", W.CMD_IMPORT_PRESETS)).toBe(W.FMT_IMPORT_PRESETS)
        for (const c of [W.CMD_SAVE_PRESETS, W.CMD_REVERT_PRESETS, W.CMD_NEW_SESSION, W.CMD_CLEAR_FAULT]) expect(fmt("command", c)).toBe(W.FMT_REQUEST)
        for (const c of [W.CMD_SET_PRESET, W.CMD_SELECT_AREA, W.CMD_SAVE_PRESETS, W.CMD_REVERT_PRESETS, W.CMD_NEW_SESSION, W.CMD_CLEAR_FAULT, W.CMD_IMPORT_PRESETS, W.CMD_SELECT_CARTRIDGE])
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

    test("status and area reports decode to millimetres, strokes/s, newtons and passes to 0.01", () => {
        const s = decodeStatus(jdunpack(jdpack(W.FMT_STATUS, [2, 4, 0, W.FLAG_UNSAVED, 1500, 130, -1, 129500, 1530, 620, 142, 12345, 3, 24, "cheeks", "n24", ""]), W.FMT_STATUS))
        expect(s).toEqual({
            state: "treating", areaIndex: 4, areaId: "cheeks", fault: "", flags: 1, depthSetMm: 1.5, strokeSetHz: 130, depthActualMm: NaN,
            strokeMeasuredHz: 129.5, forceN: 1.53, duty: 0.62, passesUsed: 1.42, passLimit: 3, cartridgeId: "n24", needles: 24, uptimeMs: 12345, reason: "",
        })
        const a = decodeArea(jdunpack(jdpack(W.FMT_AREA_INFO_REPORT, [2000, 1500, 130, 1000, 120, 4, 2, 3, 2, 142, 132912, 4800, 35, 1, 7, "cheeks", "Cheeks"]), W.FMT_AREA_INFO_REPORT))
        expect(a).toEqual({
            depthCapMm: 2, working: { depthMm: 1.5, strokeHz: 130, passLimit: 2 }, saved: { depthMm: 1, strokeHz: 120, passLimit: 3 },
            index: 4, source: "fallback", passes: 1.42, punctures: 132912, areaCm2: 48, areaCount: 7, treatedS: 35, overPressure: 1, id: "cheeks", label: "Cheeks",
        })
        // the report's index sits at byte 10, where the console matches replies (and the cartridge's at 0)
        expect(jdpack(W.FMT_AREA_INFO_REPORT, [0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 7, "body", ""])[10]).toBe(6)
        const c = decodeCartridge(jdunpack(jdpack(W.FMT_CARTRIDGE_INFO_REPORT, [2, 4, 24, 1, 8000, "n24", "24 needles"]), W.FMT_CARTRIDGE_INFO_REPORT))
        expect(c).toEqual({ index: 2, count: 4, needles: 24, fitted: true, footprintMm: 8, id: "n24", label: "24 needles" })
        // passes to the wire: hundredths, never negative, never past a u16
        expect([W.centi(1.4166), W.centi(0), W.centi(-0.1), W.centi(NaN), W.centi(1e6)]).toEqual([142, 0, 0, 0, 65535])
    })

    test("wire versions: the layouts changed, so did the version and the codes; a mismatch says which side to update", () => {
        expect(W.WIRE_VERSION).toBe(2)
        expect(MD).toContain("Wire version 2 (`wire_version`)")
        expect(MD).toContain("The layouts this firmware speaks: 2.")
        // version 1's status and area_info codes are not reused for the new layouts
        expect(W.REG_STATUS).not.toBe(W.REG_STATUS_V1)
        expect(W.CMD_AREA_INFO).not.toBe(W.CMD_AREA_INFO_V1)
        expect(wireMismatch(2, "127.0.0.1:8765")).toBe("")
        expect(wireMismatch(undefined, "/dev/ttyUSB0")).toBe(
            "the pen at /dev/ttyUSB0 speaks console wire version 1 (firmware from before the dose rule, no wire_version register); this console speaks version 2: flash the pen with the firmware built from this console's repository. Nothing was sent to it."
        )
        expect(wireMismatch(3, "x")).toContain("speaks console wire version 3; this console speaks version 2: update this console")
        // what an old console reads from the retired status: whole passes, and why it must be updated
        expect(W.RETIRED_TEXT).toContain("this pen speaks console wire version 2: update the console")
        expect(jdpack(W.FMT_STATUS_V1, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 0, "cheeks", W.RETIRED_TEXT]).length).toBeLessThanOrEqual(236)
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
