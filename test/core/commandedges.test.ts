// Commands and state changes of the pen (pen.ts) at the edges the main suites do not pin: area
// changes and the lock they imply, preset edits that unlock, new sessions, disarming, a pen that
// is pressed at boot, treated time, the depth wait, the over-pressure and rise cutoffs from a
// pause, the event queue, and where presets came from. Found by mutation testing (npm run mutate).

import { describe, test } from "@devicescript/test"
import { Pen } from "../../core/pen"
import { Profile } from "../../core/profile"
import { contains, eq, isFalse, isTrue, within } from "../kit/assert"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { armedRig, boundRig, copyProfile, liftAndEnd, Rig, storedEntry, touchUntilTreating } from "./penkit"

function used(areaId: string, passes: number): any {
    return storedEntry(FACTORY_PROFILE, areaId, passes)
}

function overCount(r: Rig, areaId: string): number {
    const e = r.ledgerOf(areaId)
    return e ? e.overPressureCount : -1
}

function treated(r: Rig, areaId: string): number {
    const e = r.ledgerOf(areaId)
    return e ? e.treatedMs : -1
}

function presetsSomeStored() {
    const none: any = undefined
    const some = new Rig({ presets: [none, { depthMm: 0.7, strokeHz: 100, passLimit: 3 }] })
    const info = some.pen.presets.info()
    eq(info[0].source, "factory")
    eq(info[0].note, "")
    eq(info[1].source, "stored")
    eq(info[1].note, "")
    eq(info[2].source, "factory")
    isFalse(some.pen.presets.fellBack(), "nothing fell back")
}

function presetsAllStored() {
    const presets: any[] = []
    for (const a of FACTORY_PROFILE.areas) presets.push(a.preset)
    const all = new Rig({ presets: presets })
    eq(all.pen.presets.info()[0].source, "stored")
    isFalse(all.pen.presets.fellBack(), "nothing fell back")
}

function presetsFallBack() {
    const bad = new Rig({ presets: [{ depthMm: 0.5, strokeHz: 100, passLimit: 2 }], presetErrors: ["preset record for periorbital fails its checksum"] })
    eq(bad.pen.preset("periorbital").depthMm, 0.25, "a record flagged bad is not used")
    const info = bad.pen.presets.info()
    eq(info[0].source, "fallback")
    eq(info[0].note, "preset record for periorbital fails its checksum")
    isTrue(bad.pen.presets.fellBack(), "fell back")
}

describe("command edges", () => {
    test("H11 next_area steps through the areas and wraps; unknown areas and commands are refused by name", async () => {
        const r = await boundRig()
        const n = r.p.areas.length
        for (let k = 1; k <= n; k++) {
            isTrue(r.cmd({ kind: "next_area" }).ok, "next_area " + k)
            eq(r.pen.status().areaId, r.p.areas[k % n].id, "area after " + k + " steps")
        }
        const u = r.cmd({ kind: "select_area", areaId: "chin" })
        isFalse(u.ok, "unknown area")
        eq(u.message, "unknown area chin: known areas are periorbital, forehead, nose, perioral, cheeks, scalp, body")
        const bogus: any = { kind: "bogus" }
        const b = r.cmd(bogus)
        isFalse(b.ok, "unknown command")
        eq(b.message, "unknown command")
        eq(r.pen.status().areaId, "periorbital", "nothing changed")
    })

    test("H3 H11 changing area during a pass is refused with the reason", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        const c = r.cmd({ kind: "next_area" })
        isFalse(c.ok, "refused")
        eq(c.message, "the needle is in use: lift the pen and let the needling end before changing area")
    })

    test("H3 arming on, or selecting, a used-up area locks it in that command; an idle pen stays idle", async () => {
        const r = await boundRig({ ledger: [used("periorbital", 2), used("nose", 2)] })
        isTrue(r.cmd({ kind: "select_area", areaId: "nose" }).ok, "select while idle")
        eq(r.state(), "idle", "selecting a used-up area does not arm or lock an idle pen")
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm")
        eq(r.state(), "locked", "locked in the arming command itself")
        contains(r.said("state"), "armed", "state events name the state")
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "another area")
        eq(r.state(), "armed")
        isTrue(r.cmd({ kind: "select_area", areaId: "nose" }).ok, "back to the used-up one")
        eq(r.state(), "locked", "locked in the select command itself")
    })

    test("H3 a preset edit unlocks only the selected locked area, and only if the new limit leaves passes", async () => {
        const r = await boundRig({ ledger: [used("periorbital", 2)] })
        r.cmd({ kind: "toggle_arm" })
        eq(r.state(), "locked")
        isTrue(r.cmd({ kind: "set_preset", areaId: "forehead", depthMm: 0.5, strokeHz: 100, passLimit: 3 }).ok, "edit another area")
        eq(r.state(), "locked", "another area's preset does not unlock this one")
        isTrue(r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.25, strokeHz: 100, passLimit: 2 }).ok, "same limit")
        eq(r.state(), "locked", "2 of 2 used: still locked")
        isTrue(r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.25, strokeHz: 100, passLimit: 1 }).ok, "lower limit")
        r.tick()
        eq(r.state(), "locked")
        contains(r.pen.status().holdReason, "area periorbital has used 2.00/1 passes", "the reason follows the new limit")
        isTrue(r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.25, strokeHz: 100, passLimit: 3 }).ok, "higher limit")
        eq(r.state(), "armed", "a pass left: unlocked")
        const idle = await boundRig()
        isTrue(idle.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.3, strokeHz: 100, passLimit: 3 }).ok, "edit while idle")
        eq(idle.state(), "idle", "a preset edit never arms")
    })

    test("H3 H11 a new session says so, and clears nothing that was not there", async () => {
        const r = await boundRig()
        r.clearEvents()
        const s = r.cmd({ kind: "new_session" })
        isTrue(s.ok, "new session")
        eq(s.message, "new session started: dose ledger cleared")
        eq(r.said("info"), "new session: every area has its dose again")
        eq(r.count("fault_cleared"), 0, "no fault was cleared")
        eq(r.count("state"), 0, "already idle: no state change")
    })

    test("H11 a latched fault refuses arming and names itself", async () => {
        const r = await boundRig()
        r.strokeBound = false
        r.tick()
        const a = r.cmd({ kind: "toggle_arm" })
        isFalse(a.ok, "refused")
        eq(a.message, "fault role_lost is latched: clear it first")
    })

    test("H3 disarming outside a needling ends none; disarming in a pause does not count the pause as treatment", async () => {
        const r = await armedRig()
        r.clearEvents()
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm")
        eq(r.count("needling_end"), 0, "no needling to end")
        r.tick()
        eq(r.pen.status().holdReason, "disarmed: press the trigger to arm", "the reason follows the disarm")
        const q = await armedRig()
        await touchUntilTreating(q, 1.5)
        await q.run(300)
        q.forceN = 0
        await q.run(100)
        eq(q.state(), "paused")
        const t = treated(q, "periorbital")
        q.cmd({ kind: "toggle_arm" })
        eq(treated(q, "periorbital"), t, "the pause is not treatment")
        eq(q.count("needling_end"), 1, "the needling ended")
        // disarmed between two ticks while treating: the time since the last tick is treatment
        const w = await armedRig()
        await touchUntilTreating(w, 1.5)
        await w.run(100)
        const u = treated(w, "periorbital")
        isTrue(w.pen.command(w.now + 3, { kind: "toggle_arm" }).ok, "disarm 3 ms after the tick")
        eq(treated(w, "periorbital"), u + 3, "the last 3 ms were treatment")
    })

    test("H3 the dose that reaches the limit locks the area in that tick, never pausing or arming in between", async () => {
        const r = await armedRig({ ledger: [used("periorbital", 1.99)] })
        await touchUntilTreating(r, 1.5)
        r.clearEvents()
        const locked = await r.runUntilState("locked", 3000)
        isTrue(locked, "locked on the skin")
        eq(r.count("state", "armed"), 0, "straight from treating to locked")
        eq(r.count("state", "paused"), 0, "no pause in between")
        eq(r.out.needleDuty, 0, "no drive")
    })

    test("H3 treated time counts the touches, not the pause, and the needling end says how long", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(200)
        r.forceN = 0
        await r.run(100)
        await touchUntilTreating(r, 1.5)
        await r.run(200)
        await liftAndEnd(r)
        within(treated(r, "periorbital"), 400, 415, "two touches of 200 ms")
        contains(r.said("needling_end"), "needling periorbital ended at 0.0")
        contains(r.said("needling_end"), "/2 passes, treated 0.4 s")
    })

    test("H1 each depth wait is announced, and a preset changed while the pen touches waits for a lift", async () => {
        const r = await armedRig()
        r.forceN = 0.4 // on the skin, not yet contact
        await r.run(20)
        isTrue(r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.3, strokeHz: 100, passLimit: 2 }).ok, "edit")
        r.forceN = 1.5
        await r.run(200)
        eq(r.state(), "armed", "no pass: the actuator has not been commanded to the new depth")
        eq(r.out.depthTargetMm, 0.25, "not commanded while touching")
        eq(r.count("depth_wait"), 1, "the wait is announced once")
        eq(r.passes(), 0)
        r.forceN = 0
        await r.run(20)
        eq(r.out.depthTargetMm, 0.3, "commanded once lifted")
        await touchUntilTreating(r, 1.5)
        await liftAndEnd(r)
        r.depthFollows = false
        isTrue(r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.5, strokeHz: 100, passLimit: 2 }).ok, "edit again")
        await r.run(20)
        r.forceN = 1.5
        await r.run(100)
        eq(r.count("depth_wait"), 2, "the second wait is announced too")
    })

    test("H1 H2 a pen pressed at boot: depth commanded at once, no too-hard press counted while idle, a pass once armed", async () => {
        const r = new Rig()
        r.forceN = 1.5
        r.tick()
        eq(r.out.depthTargetMm, 0.25, "the preset depth from the first tick")
        await r.run(20)
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm")
        isTrue(await r.runUntilState("treating", 200), "a pass starts without a lift")
        const h = new Rig()
        h.forceN = 5
        await h.run(50)
        eq(overCount(h, "periorbital"), 0, "idle: not a too-hard press")
        eq(h.count("over_pressure"), 0)
        isTrue(h.cmd({ kind: "toggle_arm" }).ok, "arm")
        await h.run(20)
        eq(overCount(h, "periorbital"), 1, "armed and pressed too hard: counted")
        eq(h.state(), "armed", "no pass")
        eq(h.dutyMax, 0, "no drive")
    })

    test("H2 a too-hard press after a fast-rise cutoff is still counted", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(100)
        for (let i = 1; i <= 4; i++) {
            r.forceN = 1.5 + 0.3 * i // 60 N/s, below overPressureN
            r.tick()
        }
        isTrue(r.count("rise_cutoff") >= 1, "the rise cut the drive")
        eq(overCount(r, "periorbital"), 0)
        r.forceN = 5
        r.tick()
        eq(overCount(r, "periorbital"), 1, "then too hard: counted")
    })

    test("H2 a too-hard press from a pause is cut before the needle resumes", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(100)
        r.forceN = 0
        await r.run(50)
        eq(r.state(), "paused")
        r.clearEvents()
        r.resetSeen()
        r.forceN = 5
        await r.run(100)
        eq(r.count("state", "treating"), 0, "never back to treating")
        eq(overCount(r, "periorbital"), 1, "counted")
        eq(r.dutyMax, 0)
    })

    test("H3 resting between releaseN and contactN keeps a pause from ending", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(100)
        r.forceN = 0
        await r.run(50)
        r.forceN = 0.4
        await r.run(600)
        eq(r.state(), "paused", "still on the skin: the pass goes on")
        r.forceN = 0
        await r.run(r.p.force.releaseDebounceMs + 10)
        eq(r.state(), "armed", "lifted: it ends")
    })

    test("H11 a fresh pen has no events and explains itself; the event queue keeps the last 32", () => {
        const pen = new Pen(copyProfile(), { areaId: "chin" })
        eq(pen.takeEvents().length, 0, "no events")
        eq(pen.status().holdReason, "disarmed: press the trigger to arm")
        eq(pen.status().areaId, "periorbital", "an unknown stored area falls back to the first")
        for (let i = 0; i < 40; i++) pen.command(i, { kind: "clear_fault" })
        const e = pen.takeEvents()
        eq(e.length, 32, "bounded")
        eq(e[0].atMs, 8, "the oldest are dropped")
    })

    test("H10 a profile without areas reports zeros, not garbage", () => {
        const p: Profile = copyProfile()
        p.areas = []
        const s = new Pen(p).status()
        eq(s.areaId, "")
        eq(s.depthTargetMm, 0)
        eq(s.strokeSetHz, 0)
        eq(s.passLimit, 0)
        eq(s.passesUsed, 0)
    })

    test("H1 H10 where each preset came from: factory, stored, or a fallback with its reason", async () => {
        // one rig at a time (each in a function of its own): several live pens fill the VM's heap
        presetsSomeStored()
        presetsAllStored()
        presetsFallBack()
    })

    test("H1 a preset differs from the saved one in any of depth, rate or pass limit", async () => {
        const r = await boundRig()
        eq(r.cmd({ kind: "set_presets", presets: [{ areaId: "periorbital", depthMm: 0.25, strokeHz: 100, passLimit: 2 }] }).message,
            "1 presets set, same as saved")
        isFalse(r.pen.presets.changed() !== "", "same values")
        r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.3, strokeHz: 100, passLimit: 2 })
        isTrue(r.pen.presets.changed() !== "", "depth only")
        r.cmd({ kind: "revert_presets" })
        r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.25, strokeHz: 110, passLimit: 2 })
        isTrue(r.pen.presets.changed() !== "", "rate only")
        r.cmd({ kind: "revert_presets" })
        r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.25, strokeHz: 100, passLimit: 1 })
        isTrue(r.pen.presets.changed() !== "", "pass limit only")
        r.cmd({ kind: "revert_presets" })
        isFalse(r.pen.presets.changed() !== "", "reverted")
    })
})
