// Pass counting (pen.ts step(), ForceMonitor contact): a pass starts, and is counted, when contact
// has been confirmed for force.contactConfirmMs (30 ms); it survives a lift shorter than
// force.releaseDebounceMs (300 ms) and ends after it; an area locks after its passLimit passes
// (periorbital 2, forehead 3) and a locked area gets no drive.

import { describe, test } from "@devicescript/test"
import { contains, eq, isFalse, isTrue } from "../kit/assert"
import { armedRig, liftAndEnd, onePass, Rig, TICK_MS, touchUntilTreating } from "./penkit"

describe("passes", () => {
    test("H3 contact must be confirmed for contactConfirmMs before a pass starts", async () => {
        const r = await armedRig()
        const confirmTicks = r.p.force.contactConfirmMs / TICK_MS
        r.forceN = 1.0
        for (let i = 0; i < confirmTicks; i++) {
            r.tick()
            eq(r.state(), "armed", "tick " + i + " still armed")
            eq(r.out.needleDuty, 0, "tick " + i + " no drive")
        }
        eq(r.passes(), 0, "no pass before the confirm time")
        r.tick()
        eq(r.state(), "treating", "confirmed after contactConfirmMs")
        eq(r.out.indicator, "running")
        isTrue(r.out.needleDuty >= 0, "drive may start")
    })

    test("H3 a touch shorter than contactConfirmMs, or lighter than contactN, starts no pass", async () => {
        const r = await armedRig()
        r.forceN = 1.0
        await r.run(r.p.force.contactConfirmMs - TICK_MS)
        r.forceN = 0
        await r.run(100)
        r.forceN = 0.45 // between releaseN (0.3) and contactN (0.5)
        r.resetSeen()
        await r.run(1000)
        eq(r.passes(), 0, "no pass counted")
        eq(r.dutyMax, 0, "no drive")
        eq(r.state(), "armed")
        eq(r.count("pass_start"), 0, "no pass_start event")
    })

    test("H3 a pass is counted at its start", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        eq(r.passes(), 1, "counted when it starts")
        eq(r.ledgerOf("periorbital").passes, 1, "ledger")
        contains(r.said("pass_start"), "pass 1/2 on periorbital at 0.25 mm, 100 strokes/s")
    })

    test("H3 hysteresis: force between releaseN and contactN keeps the pass running", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        r.forceN = 0.35
        await r.run(500)
        eq(r.state(), "treating", "still treating at 0.35 N")
        isTrue(r.out.needleDuty > 0, "still driven")
        r.forceN = 0.25 // below releaseN
        r.tick()
        eq(r.state(), "paused", "paused in the tick that sees the lift")
        eq(r.out.needleDuty, 0, "no drive once lifted")
        eq(r.out.indicator, "paused")
    })

    test("H3 a re-touch within releaseDebounceMs continues the same pass", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        r.forceN = 0
        r.resetSeen()
        await r.run(200)
        eq(r.state(), "paused", "lifted: paused")
        eq(r.dutyMax, 0, "no drive while lifted")
        await touchUntilTreating(r, 1.5)
        eq(r.passes(), 1, "same pass")
        eq(r.count("pass_start"), 1, "one pass_start")
        eq(r.count("pass_end"), 0, "no pass_end")
        eq(r.pen.status().holdReason, "", "treating: nothing holds the needle")
    })

    test("H3 a one-sample dropout pauses the drive but does not end the pass", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(100)
        r.forceN = 0
        r.tick()
        eq(r.out.needleDuty, 0, "no drive on the dropout sample")
        r.forceN = 1.5
        await touchUntilTreating(r, 1.5)
        eq(r.passes(), 1, "same pass")
        eq(r.count("pass_end"), 0, "no pass_end")
    })

    test("H3 after releaseDebounceMs lifted the pass ends", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(200)
        r.forceN = 0
        r.tick()
        eq(r.state(), "paused")
        await r.run(r.p.force.releaseDebounceMs - 2 * TICK_MS)
        eq(r.state(), "paused", "still paused just before the debounce")
        eq(r.count("pass_end"), 0)
        await r.run(2 * TICK_MS)
        eq(r.state(), "armed", "the pass ended")
        contains(r.said("pass_end"), "pass 1/2 on periorbital ended")
        await touchUntilTreating(r, 1.5)
        eq(r.passes(), 2, "the next touch is a new pass")
        contains(r.said("pass_start"), "pass 2/2")
    })

    test("H3 the last pass is never cut by the counter; then the area locks and gets no drive", async () => {
        const r = await armedRig()
        await onePass(r, 200)
        await touchUntilTreating(r, 1.5)
        eq(r.passes(), 2, "second and last pass")
        await r.run(2000)
        eq(r.state(), "treating", "the last pass runs as long as the pen stays on")
        isTrue(r.out.needleDuty > 0, "driven during the last pass")
        await liftAndEnd(r)
        eq(r.state(), "locked")
        eq(r.out.indicator, "locked")
        contains(r.said("area_locked"), "area periorbital has used 2/2 passes: select another area or start a new session")
        r.resetSeen()
        r.forceN = 1.5
        await r.run(1000)
        eq(r.dutyMax, 0, "locked area: no drive")
        eq(r.passes(), 2, "no pass on a locked area")
        eq(r.state(), "locked")
        contains(r.pen.status().holdReason, "2/2 passes")
    })

    test("H3 pass counts never exceed the limit however often the pen touches", async () => {
        const r = await armedRig()
        isTrue(r.cmd({ kind: "select_area", areaId: "forehead" }).ok, "forehead")
        await r.run(50)
        for (let i = 0; i < 5; i++) {
            r.forceN = 1.5
            await r.run(100)
            r.forceN = 0
            await r.run(350)
        }
        eq(r.passes(), 3, "forehead limit 3")
        eq(r.ledgerOf("forehead").passes, 3)
        eq(r.state(), "locked")
        eq(r.count("pass_start"), 3, "three passes started")
    })

    test("H3 selecting another area unlocks; the locked area stays locked", async () => {
        const r = await armedRig()
        await onePass(r, 100)
        await onePass(r, 100)
        eq(r.state(), "locked")
        const s = r.cmd({ kind: "select_area", areaId: "nose" })
        isTrue(s.ok, "select nose")
        contains(s.message, "area nose: 0/2 passes used")
        await r.run(20)
        eq(r.state(), "armed", "another area: armed again")
        await onePass(r, 100)
        eq(r.ledgerOf("nose").passes, 1)
        isTrue(r.cmd({ kind: "select_area", areaId: "periorbital" }).ok, "back to periorbital")
        await r.run(20)
        eq(r.state(), "locked", "periorbital is still used up")
        r.forceN = 1.5
        r.resetSeen()
        await r.run(300)
        eq(r.dutyMax, 0, "no drive")
    })

    test("H3 a new session unlocks every area", async () => {
        const r = await armedRig()
        await onePass(r, 100)
        await onePass(r, 100)
        eq(r.state(), "locked")
        const n = r.cmd({ kind: "new_session" })
        isTrue(n.ok, "new session")
        eq(r.state(), "idle")
        eq(r.ledgerOf("periorbital").passes, 0, "ledger cleared")
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm again")
        await r.run(20)
        await touchUntilTreating(r, 1.5)
        eq(r.passes(), 1)
    })

    test("H3 a new session is refused while a pass is in progress", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        const n = r.cmd({ kind: "new_session" })
        isFalse(n.ok, "refused in a pass")
        contains(n.message, "a pass is in progress")
        eq(r.passes(), 1, "nothing changed")
    })

    test("H3 H10 a ledger restored after a power cycle grants no fresh passes", async () => {
        const used = await armedRig({ ledger: [{ areaId: "periorbital", passes: 2, treatedMs: 9000, overPressureCount: 1 }] })
        eq(used.state(), "locked", "used up before the power cycle: locked at once")
        used.forceN = 1.5
        used.resetSeen()
        await used.run(500)
        eq(used.dutyMax, 0, "no drive")
        eq(used.passes(), 2)
        const one = await armedRig({ ledger: [{ areaId: "periorbital", passes: 1, treatedMs: 3000, overPressureCount: 0 }] })
        await onePass(one, 100)
        eq(one.passes(), 2, "only the one pass that was left")
        eq(one.state(), "locked")
    })

    test("H3 H10 a restored ledger with a bad count is refused, not used", async () => {
        const r = new Rig({ ledger: [{ areaId: "periorbital", passes: -2, treatedMs: 0, overPressureCount: 0 }] })
        await r.run(20)
        eq(r.state(), "fault")
        eq(r.pen.status().fault.code, "settings_invalid")
        contains(r.pen.status().fault.message, "stored ledger for periorbital has a bad count")
        isFalse(r.cmd({ kind: "toggle_arm" }).ok, "cannot arm")
        const n = new Rig({ ledger: [{ areaId: "nose", passes: NaN, treatedMs: 0, overPressureCount: 0 }] })
        await n.run(20)
        eq(n.state(), "fault", "NaN passes")
    })
})
