// The firmware-in-the-loop rig explains a wait that failed: the state it found and, when a fault
// latched, which one and why (a flaky test once said only "now fault").
import { describe, expect, test } from "vitest"
import { parseEventLine } from "../../core/events"
import { Rig } from "../../sim/rig"
import { FACTORY_PROFILE } from "../../src/profile.g"

describe("Rig.explain", () => {
    test("names the latched fault with the reason the firmware printed", () => {
        const rig = new Rig(FACTORY_PROFILE)
        expect(rig.explain()).toBe("no status line yet")
        rig.status = { raw: "state=armed", fields: { state: "armed" } }
        expect(rig.explain()).toBe("armed")
        for (const line of [
            "EVENT needling_start needling cheeks at 0.42/3 passes, 1.00 mm, 120 strokes/s",
            "EVENT fault tick_overrun: control tick overrun: 130 ms since the last tick (limit 100 ms)",
        ])
            rig.events.push(parseEventLine(line)!)
        rig.status = { raw: "state=fault fault=tick_overrun", fields: { state: "fault", fault: "tick_overrun" } }
        expect(rig.explain()).toBe("fault, fault tick_overrun: control tick overrun: 130 ms since the last tick (limit 100 ms)")
    })
})
