// Presets in use (working) and saved (pen.ts): a console edit changes the working preset only,
// save_presets makes the working presets the saved ones, revert_presets goes back, set_presets
// (an import) is all or nothing, and a stored preset that cannot be used falls back to the
// factory preset and says why. The firmware writes what presets.savedList() returns to the store.

import { describe, test } from "@devicescript/test"
import { contains, eq, eqDeep, isFalse, isTrue } from "../kit/assert"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { armedRig, boundRig, onePass, storedEntry, touchUntilTreating } from "./penkit"

describe("presets", () => {
    test("H1 a set preset is in use at once but not saved; save keeps it, revert goes back", async () => {
        const r = await boundRig()
        isTrue(r.cmd({ kind: "set_preset", areaId: "cheeks", depthMm: 1.5, strokeHz: 140, passLimit: 2 }).ok, "set")
        let info = r.pen.presets.info()[4]
        eq(info.areaId, "cheeks")
        eqDeep(info.working, { depthMm: 1.5, strokeHz: 140, passLimit: 2 })
        eqDeep(info.saved, { depthMm: 1.0, strokeHz: 120, passLimit: 3 }, "saved is still the factory preset")
        eq(info.source, "factory")
        isTrue(r.pen.presets.changed() !== "", "unsaved changes")
        eqDeep(r.pen.presets.savedList()[4], { depthMm: 1.0, strokeHz: 120, passLimit: 3 })

        const rev = r.cmd({ kind: "revert_presets" })
        isTrue(rev.ok, "revert")
        contains(rev.message, "presets reverted to the saved ones: cheeks")
        eqDeep(r.pen.preset("cheeks"), { depthMm: 1.0, strokeHz: 120, passLimit: 3 })
        isFalse(r.pen.presets.changed() !== "", "nothing unsaved after revert")

        r.cmd({ kind: "set_preset", areaId: "cheeks", depthMm: 1.5, strokeHz: 140, passLimit: 2 })
        const saved = r.cmd({ kind: "save_presets" })
        isTrue(saved.ok, "save")
        eq(saved.message, "presets saved: cheeks")
        info = r.pen.presets.info()[4]
        eqDeep(info.saved, { depthMm: 1.5, strokeHz: 140, passLimit: 2 })
        eq(info.source, "stored")
        isFalse(r.pen.presets.changed() !== "", "saved")
        eqDeep(r.pen.presets.savedList()[4], { depthMm: 1.5, strokeHz: 140, passLimit: 2 })
        eq(r.cmd({ kind: "save_presets" }).message, "presets saved (no changes)")
        eq(r.cmd({ kind: "revert_presets" }).message, "presets reverted (no changes)")
    })

    test("H1 H11 save, revert and set_presets are refused during a pass and change nothing", async () => {
        const r = await armedRig()
        r.cmd({ kind: "set_preset", areaId: "cheeks", depthMm: 1.5, strokeHz: 140, passLimit: 2 })
        await touchUntilTreating(r, 1.5)
        const before = JSON.stringify(r.pen.presets.info())
        const s = r.cmd({ kind: "save_presets" })
        isFalse(s.ok, "save refused")
        eq(s.message, "the needle is in use: presets are saved only while the needle is out of the skin")
        const v = r.cmd({ kind: "revert_presets" })
        isFalse(v.ok, "revert refused")
        contains(v.message, "the needle is in use")
        const i = r.cmd({ kind: "set_presets", presets: [{ areaId: "nose", depthMm: 0.5, strokeHz: 100, passLimit: 1 }] })
        isFalse(i.ok, "import refused")
        contains(i.message, "the needle is in use")
        eq(JSON.stringify(r.pen.presets.info()), before, "nothing changed")
        eq(r.count("refused"), 3, "each refusal logged")
    })

    test("H1 H11 set_presets is all or nothing: one bad entry changes nothing and is named", async () => {
        const r = await boundRig()
        const before = JSON.stringify(r.pen.presets.info())
        const good = { areaId: "nose", depthMm: 0.5, strokeHz: 100, passLimit: 1 }
        const cases = [
            { list: [good, { areaId: "cheeks", depthMm: 2.5, strokeHz: 120, passLimit: 3 }], says: "cheeks: depth 2.50 mm above the cheeks cap of 2.00 mm" },
            { list: [good, { areaId: "body", depthMm: 3.5, strokeHz: 120, passLimit: 3 }], says: "body: depth 3.50 mm above the hard maximum of 3.00 mm" },
            { list: [good, { areaId: "scalp", depthMm: 0.6, strokeHz: 151, passLimit: 3 }], says: "scalp: stroke rate 151 strokes/s is outside 50..150" },
            { list: [good, { areaId: "scalp", depthMm: 0.6, strokeHz: 100, passLimit: 4 }], says: "scalp: pass limit 4 is outside 1..3" },
            { list: [good, { areaId: "elbow", depthMm: 0.6, strokeHz: 100, passLimit: 3 }], says: "unknown area elbow: known areas are periorbital, forehead, nose, perioral, cheeks, scalp, body" },
            { list: [good, good], says: "area nose is given twice" },
            { list: [], says: "no presets given" },
        ]
        for (const c of cases) {
            const res = r.cmd({ kind: "set_presets", presets: c.list })
            isFalse(res.ok, c.says)
            eq(res.message, c.says)
            eq(JSON.stringify(r.pen.presets.info()), before, "nothing changed by: " + c.says)
        }
        const ok = r.cmd({ kind: "set_presets", presets: [good, { areaId: "cheeks", depthMm: 2.0, strokeHz: 150, passLimit: 1 }] })
        isTrue(ok.ok, "a good list")
        eq(ok.message, "2 presets set; not saved yet: nose, cheeks")
        eqDeep(r.pen.preset("cheeks"), { depthMm: 2.0, strokeHz: 150, passLimit: 1 })
        eqDeep(r.pen.preset("nose"), { depthMm: 0.5, strokeHz: 100, passLimit: 1 })
    })

    test("H1 H10 a stored preset record that cannot be read falls back to the factory preset and says why", async () => {
        const r = await boundRig({
            presets: [undefined, { depthMm: 0.7, strokeHz: 110, passLimit: 2 }, undefined, undefined, undefined],
            presetErrors: ["", "", "", "", "preset record for cheeks fails its checksum"],
        })
        const info = r.pen.presets.info()
        eq(info[0].source, "factory", "nothing stored")
        eq(info[1].source, "stored")
        eqDeep(info[1].working, { depthMm: 0.7, strokeHz: 110, passLimit: 2 })
        eq(info[4].source, "fallback")
        eq(info[4].note, "preset record for cheeks fails its checksum")
        eqDeep(info[4].working, { depthMm: 1.0, strokeHz: 120, passLimit: 3 }, "factory preset")
        isTrue(r.pen.presets.fellBack(), "reported")
        eq(r.said("preset_fallback"), "preset record for cheeks fails its checksum: using the factory preset for cheeks (1.00 mm, 120 strokes/s, 3 passes)")
        eq(r.state(), "idle", "not a fault: the factory preset is safe")
        // saving writes a good record again: the fallback is over
        isTrue(r.cmd({ kind: "save_presets" }).ok, "save")
        isFalse(r.pen.presets.fellBack(), "no fallback after save")
        eq(r.pen.presets.info()[4].source, "stored")
    })

    test("H1 H10 a stored preset outside today's limits falls back with the reason", async () => {
        const r = await boundRig({ presets: [{ depthMm: 0.9, strokeHz: 100, passLimit: 2 }] })
        const p = r.pen.presets.info()[0]
        eq(p.source, "fallback")
        eq(p.note, "stored preset for periorbital is out of range: depth 0.90 mm above the periorbital cap of 0.50 mm")
        eqDeep(p.working, { depthMm: 0.25, strokeHz: 100, passLimit: 2 })
        contains(r.said("preset_fallback"), "using the factory preset for periorbital (0.25 mm, 100 strokes/s, 2 passes)")
    })

    test("H3 reverting to a lower pass limit locks an area that has used it", async () => {
        // periorbital: 2 passes, 1.99 used; raise to 3 (unsaved), use a little more, revert to the saved 2: locked
        const r = await armedRig({ ledger: [storedEntry(FACTORY_PROFILE, "periorbital", 1.99)] })
        r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.25, strokeHz: 100, passLimit: 3 })
        await r.run(20)
        await onePass(r, 600)
        eq(r.state(), "armed", "2.0x/3 passes: still armed")
        isTrue(r.cmd({ kind: "revert_presets" }).ok, "revert")
        await r.run(20)
        eq(r.state(), "locked", "2/2 passes after revert")
        eq(r.out.needleDuty, 0)
        // and a higher limit unlocks it again, as set_preset does
        isTrue(r.cmd({ kind: "set_presets", presets: [{ areaId: "periorbital", depthMm: 0.25, strokeHz: 100, passLimit: 3 }] }).ok, "import")
        eq(r.state(), "armed", "3 passes allowed again")
    })
})
