// What the operator reads (statusline.ts, PenStatus.holdReason, the indicator): why the needle
// is not running, in every state, in words a person can act on.

import { describe, test } from "@devicescript/test"
import { ledgerLine, statusLine } from "../../core/statusline"
import { contains, eq, isTrue, near, notContains } from "../kit/assert"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { armedRig, boundRig, liftAndEnd, onePass, storedEntry, touchUntilTreating } from "./penkit"

describe("status", () => {
    test("H11 the hold reason says why the needle is not running, state by state", async () => {
        const r = await boundRig()
        contains(r.pen.status().holdReason, "disarmed: press the trigger to arm")
        r.cmd({ kind: "toggle_arm" })
        await r.run(20)
        contains(r.pen.status().holdReason, "armed: touch the skin to start needling")
        await touchUntilTreating(r, 1.5)
        eq(r.pen.status().holdReason, "", "running: nothing to explain")
        r.forceN = 0
        await r.run(50)
        contains(r.pen.status().holdReason, "lifted: touch again to go on")
        await liftAndEnd(r)
        const u = await armedRig({ ledger: [storedEntry(FACTORY_PROFILE, "periorbital", 2)] })
        eq(u.out.indicator, "locked")
        contains(u.pen.status().holdReason, "area periorbital has used 2.00/2 passes: select another area or start a new session")
    })

    test("H11 the outputs carry the passes used on the selected area (the status LED blinks them)", async () => {
        const r = await boundRig({ ledger: [storedEntry(FACTORY_PROFILE, "periorbital", 1.25)] })
        r.cmd({ kind: "toggle_arm" })
        await r.run(20)
        near(r.out.passesUsed, 1.25, 0.001, "the restored dose")
        await onePass(r, 300)
        await r.run(20)
        isTrue(r.out.passesUsed > 1.25, "more after needling")
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
        contains(run, "force=1.50N pass=0.01/2 cart=n12 duty=0.")
        notContains(run, "why=", "no reason while running")
        r.pressureBound = false
        r.tick()
        const f = statusLine(r.pen.status())
        contains(f, "state=fault")
        contains(f, "duty=0.00 fault=role_lost")
        // the reason is the line's last field: a log line cut at its end loses only its tail
        eq(f.slice(f.indexOf(" why=")), " why=\"fault: role lost: pressure sensor left the bus; reconnect the device, then clear the fault\"")
    })

    test("H11 the ledger line counts the dose in passes against the limit, the punctures and the too-hard presses", () => {
        eq(ledgerLine({ areaId: "cheeks", punctures: 187200, reservedPunctures: 196560, passes: 2, treatedMs: 35500, overPressureCount: 1 }, 3), "area=cheeks passes=2.00/3 punctures=187200 treated=35.5s overpressure=1")
    })
})
