// The dose ledger (ledger.ts) and its records (records.ts) at the edges: what checkRestored
// refuses, treated time and the version the firmware persists on, the Fletcher-16 checksum
// itself, and the widest number a record holds. Found by mutation testing (npm run mutate).

import { describe, test } from "@devicescript/test"
import { Ledger, checkRestored, passPunctures } from "../../core/ledger"
import { AreaProfile } from "../../core/profile"
import { checksum, decodeLedgerEntry, decodePresetRecord, encodeLedgerEntry, encodePresetRecord } from "../../core/records"
import { LedgerEntry } from "../../core/types"
import { contains, eq, eqDeep, isTrue, within } from "../kit/assert"
import { boundRig, liftAndEnd, touchUntilTreating } from "./penkit"

function entry(reserved: number, treatedMs: number, over: number): LedgerEntry {
    return { areaId: "cheeks", punctures: 0, reservedPunctures: reserved, passes: 0, treatedMs: treatedMs, overPressureCount: over }
}

function signed(body: string): string {
    return body + "|" + checksum(body)
}

describe("ledger", () => {
    test("H3 H10 checkRestored refuses an entry without an area, a fractional count, and a count of 1e9 or more", () => {
        const noArea: any = { passes: 0, treatedMs: 0, overPressureCount: 0 }
        eq(checkRestored([noArea]), "stored ledger has an entry without an area")
        const numericArea: any = { areaId: 7, passes: 0, treatedMs: 0, overPressureCount: 0 }
        eq(checkRestored([numericArea]), "stored ledger has an entry without an area")
        const missing: any = undefined
        eq(checkRestored([missing]), "stored ledger has an entry without an area")
        eq(checkRestored([entry(1.5, 0, 0)]), "stored ledger for cheeks has a bad count", "1.5 punctures")
        eq(checkRestored([entry(1, 0.5, 0)]), "stored ledger for cheeks has a bad count", "half a millisecond")
        eq(checkRestored([entry(1e9, 0, 0)]), "stored ledger for cheeks has a bad count", "1e9 punctures")
        eq(checkRestored([entry(0, 999999999, 0)]), "", "999999999 ms is a count")
        eq(checkRestored([entry(3, 9000, 2)]), "", "a good entry")
    })

    test("H3 H10 the ledger counts treated time and bumps its version on every change, so the firmware persists it", async () => {
        const r = await boundRig()
        const v0 = r.pen.ledgerVersion()
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm")
        isTrue(r.pen.ledgerVersion() > v0, "arming reserves dose ahead: a change")
        await touchUntilTreating(r, 1.5)
        const v1 = r.pen.ledgerVersion()
        await r.run(500)
        r.forceN = 0
        r.tick()
        const e = r.ledgerOf("periorbital")
        within(e ? e.treatedMs : -1, 495, 515, "treated time of a 500 ms pass, counted at the lift")
        await liftAndEnd(r)
        const v2 = r.pen.ledgerVersion()
        isTrue(v2 > v1, "a needling end is a change (its treated time is persisted)")
        await touchUntilTreating(r, 1.5)
        const v3 = r.pen.ledgerVersion()
        r.forceN = 5
        r.tick()
        isTrue(r.pen.ledgerVersion() > v3, "a too-hard press is a change")
        r.forceN = 0
        await liftAndEnd(r)
        r.cmd({ kind: "toggle_arm" })
        const v4 = r.pen.ledgerVersion()
        isTrue(r.cmd({ kind: "new_session" }).ok, "new session")
        isTrue(r.pen.ledgerVersion() > v4, "a new session is a change")
        eq(r.passes(), 0)
    })

    test("H3 H10 the reservation moves a whole step once the dose comes within half a step of it, never less than a step ahead of the dose, and only then bumps the version", () => {
        // one pass = 1 cm² x 1,000/cm² = 1,000 punctures; a step of 0.25 pass = 250
        const a: AreaProfile = { id: "cheeks", label: "c", depthCapMm: 2, areaCm2: 1, passDensityPerCm2: 1000, preset: { depthMm: 1, strokeHz: 120, passLimit: 3 } }
        const l = new Ledger([a], 0.25)
        eq(l.version, 0, "nothing to store yet")
        l.reserve(0)
        eq(l.entries[0].reservedPunctures, 250, "the first step")
        eq(l.version, 1)
        l.reserve(0)
        eq(l.entries[0].reservedPunctures, 250, "more than half a step ahead: left alone")
        eq(l.version, 1, "no write")
        l.addPunctures(0, 124)
        eq(l.entries[0].reservedPunctures, 250, "124 + 125 < 250: left alone")
        l.addPunctures(0, 1)
        eq(l.entries[0].reservedPunctures, 500, "125 + 125 = 250: a whole step on")
        eq(l.version, 2)
        l.addPunctures(0, 1000)
        eq(l.entries[0].reservedPunctures, 1375, "a dose past the reservation: a step ahead of the dose (1,125 + 250), not a step on")
        eq(l.entries[0].passes, 1.125)
    })

    test("H3 H10 settle() brings every area's reservation back to its dose in whole punctures, only where it is ahead, and bumps the version", () => {
        const a: AreaProfile = { id: "cheeks", label: "c", depthCapMm: 2, areaCm2: 1, passDensityPerCm2: 1000, preset: { depthMm: 1, strokeHz: 120, passLimit: 3 } }
        const b: AreaProfile = { id: "nose", label: "n", depthCapMm: 0.5, areaCm2: 1, passDensityPerCm2: 1000, preset: { depthMm: 0.25, strokeHz: 100, passLimit: 2 } }
        const c: AreaProfile = { id: "forehead", label: "f", depthCapMm: 0.75, areaCm2: 1, passDensityPerCm2: 1000, preset: { depthMm: 0.5, strokeHz: 100, passLimit: 3 } }
        const l = new Ledger([a, b, c], 0.25, [{ areaId: "nose", punctures: 0, reservedPunctures: 300, passes: 0, treatedMs: 0, overPressureCount: 0 }])
        l.reserve(0)
        l.addPunctures(0, 100.5)
        l.reserve(2)
        eq(l.entries[0].reservedPunctures, 250)
        eq(l.entries[2].reservedPunctures, 250)
        const v = l.version
        l.settle()
        eq(l.entries[0].reservedPunctures, 101, "100.5 punctures: 101, never below the dose, never a fraction")
        eq(l.entries[1].reservedPunctures, 300, "at its dose already (restored): left")
        eq(l.entries[2].reservedPunctures, 0, "no dose: none")
        eq(l.entries[0].punctures, 100.5, "the dose is not touched")
        isTrue(l.version > v, "a change the firmware stores")
        const settled = l.version
        l.settle()
        eq(l.version, settled, "nothing ahead: no change, no write")
        l.reserve(0)
        eq(l.entries[0].reservedPunctures, 351, "arming moves it a step ahead of the dose again")
    })

    test("H3 H10 a ledger migrated from passes bumps its version (so it is stored as dose); an area of no size counts a pass as 1 puncture, never 0", () => {
        const a: AreaProfile = { id: "nose", label: "n", depthCapMm: 0.5, areaCm2: 1, passDensityPerCm2: 1000, preset: { depthMm: 0.25, strokeHz: 100, passLimit: 2 } }
        const migrated = new Ledger([a], 0.25, [{ areaId: "nose", punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 0, overPressureCount: 0, legacyPasses: 1 }])
        eq(migrated.version, 1, "migrated: to be stored")
        eq(migrated.entries[0].punctures, 1000)
        const plain = new Ledger([a], 0.25, [{ areaId: "nose", punctures: 10, reservedPunctures: 300, passes: 0, treatedMs: 0, overPressureCount: 0 }])
        eq(plain.version, 0, "restored as stored: nothing to write")
        eq(plain.entries[0].punctures, 300, "a restored ledger starts from its reservation")
        const none: AreaProfile = { id: "nose", label: "n", depthCapMm: 0.5, areaCm2: 0, passDensityPerCm2: 1000, preset: { depthMm: 0.25, strokeHz: 100, passLimit: 2 } }
        eq(passPunctures(none), 1)
        eq(passPunctures(a), 1000)
    })

    test("H10 the record checksum is Fletcher-16 (test vectors)", () => {
        eq(checksum(""), 0)
        eq(checksum("abcde"), 51440)
        eq(checksum("abcdef"), 8279)
        eq(checksum("abcdefgh"), 1575)
    })

    test("H10 a preset record keeps its exact format; a zero decodes, a non-number does not", () => {
        eq(encodePresetRecord("cheeks", { depthMm: 1, strokeHz: 120, passLimit: 3 }), "P1|cheeks|1000|120|3|" + checksum("P1|cheeks|1000|120|3"))
        const z = decodePresetRecord("cheeks", signed("P1|cheeks|0|0|0"))
        eq(z.error, "", "zeros decode (the range check comes after)")
        eqDeep(z.preset, { depthMm: 0, strokeHz: 0, passLimit: 0 })
        contains(decodePresetRecord("cheeks", signed("P1|cheeks|1000|120|x")).error, "preset record for cheeks has a bad number")
        contains(decodePresetRecord("cheeks", signed("P1|cheeks|1000|x|3")).error, "preset record for cheeks has a bad number")
    })

    test("H10 a record holds up to nine digits per number", () => {
        const e = entry(999999999, 123456789000, 2)
        const d = decodeLedgerEntry("cheeks", encodeLedgerEntry(e))
        eq(d.error, "", "nine digits of treated seconds")
        eqDeep(d.entry, e)
        const b = "2|cheeks|3|1234567890|2"
        const t = decodeLedgerEntry("cheeks", b + "|" + checksum(b))
        contains(t.error, "ledger record for cheeks has a bad number", "ten digits")
    })
})
