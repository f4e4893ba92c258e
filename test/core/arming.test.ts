// Arming, disarming and the roles: the needle may only be armed once every hardware role has
// been on the bus, and the trigger toggles between idle and armed. (Pen state machine, pen.ts.)

import { describe, test } from "@devicescript/test"
import { contains, eq, isFalse, isTrue } from "../kit/assert"
import { armedRig, boundRig, Rig, touchUntilTreating } from "./penkit"

const ROLE_NAMES = ["needle motor", "depth actuator", "pressure sensor", "stroke sensor"]

function unbind(r: Rig, i: number) {
    if (i === 0) r.needleBound = false
    if (i === 1) r.depthBound = false
    if (i === 2) r.pressureBound = false
    if (i === 3) r.strokeBound = false
}

describe("arming", () => {
    test("H12 arming is refused until every role has been bound, and the refusal names the missing device", async () => {
        for (let i = 0; i < 4; i++) {
            const r = new Rig()
            unbind(r, i)
            await r.run(50)
            const res = r.cmd({ kind: "toggle_arm" })
            isFalse(res.ok, "arm refused without the " + ROLE_NAMES[i])
            contains(res.message, ROLE_NAMES[i] + " not connected")
            contains(r.said("refused"), ROLE_NAMES[i], "the refusal is an event too")
            await r.run(20)
            eq(r.state(), "idle", "still idle")
            eq(r.out.indicator, "off", "indicator")
        }
    })

    test("H12 a pen that has never ticked cannot be armed", () => {
        const r = new Rig()
        const res = r.cmd({ kind: "toggle_arm" })
        isFalse(res.ok, "refused before any device was seen")
        contains(res.message, "needle motor not connected")
    })

    test("H11 the trigger arms and disarms, and the indicator shows it", async () => {
        const r = await boundRig()
        eq(r.out.indicator, "off", "idle indicator")
        const a = r.cmd({ kind: "toggle_arm" })
        isTrue(a.ok, "armed")
        contains(a.message, "armed on periorbital")
        await r.run(10)
        eq(r.state(), "armed")
        eq(r.out.indicator, "ready", "armed indicator")
        eq(r.out.needleDuty, 0, "armed but not touching: no drive")
        contains(r.pen.status().holdReason, "touch the skin")
        const d = r.cmd({ kind: "toggle_arm" })
        isTrue(d.ok, "disarmed")
        eq(d.message, "disarmed")
        await r.run(10)
        eq(r.state(), "idle")
        eq(r.out.indicator, "off", "indicator after disarm")
    })

    test("H3 H11 disarming during needling stops the needle, ends the needling and keeps its dose", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(200)
        isTrue(r.out.needleDuty > 0, "running")
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm")
        r.tick()
        eq(r.out.needleDuty, 0, "no drive after disarm, pen still on the skin")
        eq(r.state(), "idle")
        eq(r.count("needling_end"), 1, "the needling ended")
        const dose = r.passes()
        isTrue(dose > 0, "the dose stays counted")
        r.resetSeen()
        await r.run(500)
        eq(r.dutyMax, 0, "disarmed: no drive while the pen stays on the skin")
        eq(r.passes(), dose, "and no dose")
    })

    test("H12 H11 an idle pen does not run the needle whatever the force", async () => {
        const r = await boundRig()
        r.forceN = 1.5
        r.resetSeen()
        await r.run(500)
        eq(r.dutyMax, 0, "idle: no drive")
        eq(r.state(), "idle")
        contains(r.pen.status().holdReason, "press the trigger to arm")
    })
})
