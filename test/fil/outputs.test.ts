// The motor's stop through the simulated motor driver, timed: speed 0 at once, the bridge let go
// only after the brake held (the roles' outcomes are roles.test.ts's). Each test has its own VM
// and hub; every VM dies with its test. Runs alone (tools/test-all.mjs FIL_TIMED).
import { afterEach, describe, expect, test } from "vitest"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"

const P = FACTORY_PROFILE
const rigs: Rig[] = []

afterEach(async () => {
    while (rigs.length) await rigs.pop()!.stop()
})

async function startRig(): Promise<Rig> {
    const rig = new Rig(P)
    rigs.push(rig)
    await rig.start()
    return rig
}

describe("drivers: the stop at the motor", () => {
    test("H2 H6 a stop brakes: speed 0 at once, the bridge switched off (coast) only after the brake has held the needle", async () => {
        const rig = await startRig()
        await rig.pen.press("trigger")
        rig.pen.handForceN = 1.5
        await rig.pen.until(() => rig.pen.duty() > 0 && rig.pen.plant.strokeHz > 50, 5000, "needle running")
        const writes = rig.pen.motorWrites.length
        const enables = rig.pen.enableWrites.length
        rig.pen.fault("forceOpen", true)
        await rig.pen.until(() => rig.pen.enableWrites.slice(enables).some((w) => !w.enabled), 5000, "bridge switched off after the fault")
        const stop = rig.pen.motorWrites.slice(writes).find((w) => w.duty === 0)!
        const off = rig.pen.enableWrites.slice(enables).find((w) => !w.enabled)!
        expect(stop, "speed 0 was written").toBeDefined()
        // the core's stop reaches the motor as speed 0 (a short brake on the TB6612FNG wiring);
        // enabled false (coast) waits needle.brakeHoldMs (250 ms of VM time) after it. Measured here at
        // the motor: 224-252 ms, as the stop itself can wait up to ~25 ms in the VM's send
        // throttle. Without the hold the two writes arrive within a few ms of each other.
        expect(off.tMs - stop.tMs).toBeGreaterThanOrEqual(200)
        expect(rig.pen.plant.strokeHz, "the needle stood still before the bridge let go").toBe(0)
    }, 20000)
})
