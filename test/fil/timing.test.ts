// The console's `timing` against the firmware in the VM: the pen's sensors stream because the
// firmware keeps them streaming (its roles bound, the keep-alive), and the console tells from the
// accelerometer's report gaps whether its server reads on a 10 ms main-loop tick (the ESP32
// firmware's most likely timing, docs/DOSE.md "The board's stream") or on its own 15.39 ms grid.
// The verdict reads report gaps to 2 ms, so this file runs alone (tools/test-all.mjs FIL_ALONE).
import { afterEach, describe, expect, test } from "vitest"
import { Ctx, execute } from "../../console/commands"
import { PenLink } from "../../console/link"
import { connectLoopback } from "../../console/transports"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"
import { useRigs } from "./rigs"

const { rigs } = useRigs()
const links: PenLink[] = []
afterEach(async () => {
    while (links.length) await links.pop()!.close()
})

/** `timing 3` from the console, against a pen whose accelerometer server reads on `tickMs` loop ticks (0: its own grid), its chip at `odrHz` */
async function timingAgainst(tickMs: number, odrHz: number) {
    const rig = new Rig(FACTORY_PROFILE, { accelerometer: true, accelLoopTickMs: tickMs, imu: { odrHz } })
    rigs.push(rig)
    await rig.start()
    const link = await connectLoopback(rig.hub.port)
    links.push(link)
    const ctx = { pen: link, json: false, yes: false, emit: () => {}, readFile: () => "", writeFile: () => {} } as unknown as Ctx
    return execute("timing 3", ctx)
}

describe("console timing, firmware in the loop", () => {
    test("the accelerometer read on a 10 ms loop tick is told apart from one read on jacdac-c's 15.39 ms grid; the force and stroke sensors are listed; a chip at motion.odrHz is told apart from one left at 52 Hz", async () => {
        const tick = await timingAgainst(10, FACTORY_PROFILE.motion.odrHz)
        console.log(tick.message)
        expect(tick.ok).toBe(true)
        expect((tick.data as { loop: string }).loop).toBe("10 ms loop")
        expect(tick.message).toMatch(/accelerometer \S+: \d+ reports/)
        expect(tick.message).toMatch(/potentiometer \S+: \d+ reports/)
        expect(tick.message).toMatch(/rotary encoder \S+: \d+ reports.*counts\/s/)
        expect((tick.data as { chip: string }).chip).toBe("at motion.odrHz")
        await rigs.pop()!.stop()
        // the chip left at jacdac-c's 52 Hz (the firmware's rate write lost): more new readings than motion.odrHz
        const grid = await timingAgainst(0, 52)
        console.log(grid.message)
        expect((grid.data as { loop: string }).loop).toBe("own grid")
        expect((grid.data as { chip: string }).chip).toBe("faster")
    }, 60000)
})
