// Settings-store records of the dose ledger (records.ts): integers only, a version and a
// Fletcher-16 checksum; a record that fails any check is an error, never half a record.

import { describe, test } from "@devicescript/test"
import { checksum, decodeLedgerEntry, encodeLedgerEntry, RECORD_VERSION } from "../../core/records"
import { contains, eq, eqDeep } from "../kit/assert"

function mustFail(areaId: string, s: string, says: string) {
    const d = decodeLedgerEntry(areaId, s)
    eq(d.entry, undefined, "no entry from " + s)
    contains(d.error, says)
}

function signed(body: string): string {
    return body + "|" + checksum(body)
}

describe("records", () => {
    test("H10 a ledger record round-trips", () => {
        const e = { areaId: "cheeks", punctures: 0, reservedPunctures: 187200, passes: 0, treatedMs: 35000, overPressureCount: 1 }
        const s = encodeLedgerEntry(e)
        eq(s.indexOf(RECORD_VERSION + "|cheeks|187200|35|1|"), 0, "readable body: the reserved punctures")
        const d = decodeLedgerEntry("cheeks", s)
        eq(d.error, "")
        eqDeep(d.entry, e, "the reservation comes back; punctures and passes are the core's (core/ledger.ts)")
        const z = decodeLedgerEntry("scalp", encodeLedgerEntry({ areaId: "scalp", punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 0, overPressureCount: 0 }))
        eqDeep(z.entry, { areaId: "scalp", punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 0, overPressureCount: 0 })
    })

    test("H10 treated time is stored in whole seconds", () => {
        const d = decodeLedgerEntry("nose", encodeLedgerEntry({ areaId: "nose", punctures: 0, reservedPunctures: 24000, passes: 0, treatedMs: 12600, overPressureCount: 0 }))
        eq(d.entry.treatedMs, 13000)
    })

    test("H10 a changed digit fails the checksum", () => {
        const s = encodeLedgerEntry({ areaId: "cheeks", punctures: 0, reservedPunctures: 280800, passes: 0, treatedMs: 35000, overPressureCount: 1 })
        const parts = s.split("|")
        mustFail("cheeks", parts[0] + "|" + parts[1] + "|1|" + parts[3] + "|" + parts[4] + "|" + parts[5], "fails its checksum")
        mustFail("cheeks", parts[0] + "|" + parts[1] + "|" + parts[2] + "|" + parts[3] + "|" + parts[4] + "|" + (parseInt(parts[5]) + 1), "fails its checksum")
    })

    test("H10 a record for another area is refused", () => {
        mustFail("forehead", encodeLedgerEntry({ areaId: "cheeks", punctures: 0, reservedPunctures: 93600, passes: 0, treatedMs: 0, overPressureCount: 0 }), "ledger record for forehead names area cheeks")
    })

    test("H10 a record of another version is refused", () => {
        mustFail("cheeks", signed("3|cheeks|1|5|0"), "has version 3, expected 2")
        mustFail("cheeks", signed("x|cheeks|1|5|0"), "has version x")
    })

    test("H3 H10 a version-1 record (passes, from the pass-counting firmware) reads as a pass count, never as punctures", () => {
        const d = decodeLedgerEntry("cheeks", signed("1|cheeks|2|35|1"))
        eq(d.error, "")
        eqDeep(d.entry, { areaId: "cheeks", punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 35000, overPressureCount: 1, legacyPasses: 2 })
    })

    test("H10 a malformed record is an error, not half a record", () => {
        mustFail("cheeks", "", "is malformed")
        mustFail("cheeks", "garbage", "is malformed")
        mustFail("cheeks", "1|cheeks|1|5|0", "is malformed")
        mustFail("cheeks", "1|cheeks|1|5|0|0|0", "is malformed")
        mustFail("cheeks", signed("1|cheeks|-1|5|0"), "has a bad number")
        mustFail("cheeks", signed("1|cheeks|1.5|5|0"), "has a bad number")
        mustFail("cheeks", signed("1|cheeks||5|0"), "has a bad number")
        mustFail("cheeks", signed("1|cheeks|1|5|1e3"), "has a bad number")
        mustFail("cheeks", signed("1|cheeks|1|9999999999|0"), "has a bad number")
        mustFail("cheeks", "1|cheeks|1|5|0|abc", "fails its checksum")
    })
})
