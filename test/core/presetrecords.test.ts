// Settings-store records of the saved presets (records.ts, "ps<index>"): integers only (depth in
// micrometres), a kind-and-version field "P1" and the ledger's Fletcher-16 checksum; a record that
// fails any check is an error, never half a preset.

import { describe, test } from "@devicescript/test"
import { checksum, decodePresetRecord, encodeLedgerEntry, encodePresetRecord } from "../../core/records"
import { contains, eq, eqDeep } from "../kit/assert"
import { breathe } from "../kit/breathe"

function mustFail(areaId: string, s: string, says: string) {
    const d = decodePresetRecord(areaId, s)
    eq(d.preset, undefined, "no preset from " + s)
    contains(d.error, says)
}

function signed(body: string): string {
    return body + "|" + checksum(body)
}

describe("preset records", () => {
    test("H10 a preset record round-trips in whole micrometres", async () => {
        const s = encodePresetRecord("cheeks", { depthMm: 1.55, strokeHz: 130, passLimit: 2 })
        eq(s.indexOf("P1|cheeks|1550|130|2|"), 0, "readable integer body")
        const d = decodePresetRecord("cheeks", s)
        eq(d.error, "")
        eqDeep(d.preset, { depthMm: 1.55, strokeHz: 130, passLimit: 2 })
        for (let um = 0; um <= 3000; um += 50) {
            if (um % 500 === 0) await breathe()
            const p = decodePresetRecord("body", encodePresetRecord("body", { depthMm: um / 1000, strokeHz: 100, passLimit: 3 })).preset
            eq(p.depthMm, um / 1000, "depth " + um + " um")
        }
        eq(encodePresetRecord("periorbital", { depthMm: 0.25, strokeHz: 100, passLimit: 2 }).length < 40, true, "short: far below the store's ~230 bytes")
    })

    test("H10 a changed digit in a preset record fails the checksum", () => {
        const s = encodePresetRecord("cheeks", { depthMm: 1.5, strokeHz: 130, passLimit: 2 })
        const parts = s.split("|")
        mustFail("cheeks", parts[0] + "|" + parts[1] + "|1900|" + parts[3] + "|" + parts[4] + "|" + parts[5], "preset record for cheeks fails its checksum")
        mustFail("cheeks", parts[0] + "|" + parts[1] + "|" + parts[2] + "|" + parts[3] + "|3|" + parts[5], "fails its checksum")
    })

    test("H10 a preset record of another kind, version or area is refused", () => {
        mustFail("cheeks", signed("P2|cheeks|1000|120|3"), "preset record for cheeks has version P2, expected P1")
        mustFail("scalp", encodePresetRecord("cheeks", { depthMm: 1, strokeHz: 120, passLimit: 3 }), "preset record for scalp names area cheeks")
        // a ledger record (same field count) never reads as a preset
        mustFail("cheeks", encodeLedgerEntry({ areaId: "cheeks", punctures: 0, reservedPunctures: 187200, passes: 0, treatedMs: 35000, overPressureCount: 1 }), "has version 2, expected P1")
    })

    test("H10 a malformed preset record is an error, not half a preset", () => {
        mustFail("cheeks", "", "is malformed")
        mustFail("cheeks", "P1|cheeks|1000|120|3", "is malformed")
        mustFail("cheeks", "P1|cheeks|1000|120|3|0|0", "is malformed")
        mustFail("cheeks", signed("P1|cheeks|-100|120|3"), "has a bad number")
        mustFail("cheeks", signed("P1|cheeks|1.5|120|3"), "has a bad number")
        mustFail("cheeks", signed("P1|cheeks||120|3"), "has a bad number")
        mustFail("cheeks", signed("P1|cheeks|1000|1e2|3"), "has a bad number")
    })
})
