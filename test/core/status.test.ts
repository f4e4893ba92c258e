// What the operator reads (statusline.ts, PenStatus.holdReason, the indicator): why the needle
// is not running, in every state, in words a person can act on.

import { describe, test } from "@devicescript/test"
import { ledgerLine, statusLine } from "../../core/statusline"
import { contains, eq, notContains } from "../kit/assert"
import { armedRig, boundRig, liftAndEnd, onePass, touchUntilTreating } from "./penkit"

describe("status", () => {
    test("H11 the hold reason says why the needle is not running, state by state", async () => {
        const r = await boundRig()
        contains(r.pen.status().holdReason, "disarmed: press the trigger to arm")
        r.cmd({ kind: "toggle_arm" })
        await r.run(20)
        contains(r.pen.status().holdReason, "armed: touch the skin to start a pass")
        await touchUntilTreating(r, 1.5)
        eq(r.pen.status().holdReason, "", "running: nothing to explain")
        r.forceN = 0
        await r.run(50)
        contains(r.pen.status().holdReason, "lifted: touch again to continue the pass")
        await liftAndEnd(r)
        await onePass(r, 100)
        eq(r.out.indicator, "locked")
        contains(r.pen.status().holdReason, "area periorbital has used 2/2 passes: select another area or start a new session")
    })

    test("H11 the outputs carry the passes used on the selected area (the status LED blinks them)", async () => {
        const r = await boundRig()
        r.cmd({ kind: "toggle_arm" })
        await r.run(20)
        eq(r.out.passesUsed, 0, "fresh area")
        await onePass(r, 100)
        await r.run(20)
        eq(r.out.passesUsed, 1, "after one pass")
        r.cmd({ kind: "next_area" })
        await r.run(20)
        eq(r.out.passesUsed, 0, "another area has its own count")
    })

    test("H11 the status line shows state, depth, rate, force, passes, fault and the reason", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        const run = statusLine(r.pen.status())
        contains(run, "state=treating area=periorbital depth=0.25/0.25mm rate=100/")
        contains(run, "force=1.50N pass=1/2 duty=0.")
        notContains(run, "why=", "no reason while running")
        r.pressureBound = false
        r.tick()
        const f = statusLine(r.pen.status())
        contains(f, "state=fault")
        contains(f, "duty=0.00 fault=role_lost why=\"fault: role lost: pressure sensor left the bus; reconnect the device, then clear the fault\"")
    })

    test("H11 the ledger line counts passes against the limit and the too-hard presses", () => {
        eq(ledgerLine({ areaId: "cheeks", passes: 2, treatedMs: 35500, overPressureCount: 1 }, 3), "area=cheeks passes=2/3 treated=35.5s overpressure=1")
    })
})
