// The drivers through simulated roles: what the firmware writes to the depth servo and the status
// light for given inputs, read back from the simulated devices (the motor has its own tests in
// firmware.test.ts). Each test has its own VM and hub; every VM dies with its test.
import { afterEach, describe, expect, test } from "vitest"
import { depthToAngleDeg } from "../../drivers/depth"
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

function servoAngle(rig: Rig): number {
    return rig.pen.servo.angle.values()[0] as number
}

function pixel(rig: Rig): string {
    const px = rig.pen.led.pixels.values()[0] as Uint8Array
    return Array.from(px.slice(0, 3)).join(",")
}

const area = (id: string) => P.areas.find((a) => a.id === id)!

describe("drivers: what reaches the servo and the status light", () => {
    test("H1 the servo gets the calibrated angle of the selected area's preset depth", async () => {
        const rig = await startRig()
        const first = depthToAngleDeg(P.depth, area(P.areas[0].id).preset.depthMm)
        // the angle travels as i16.16 fixed point: equal within its resolution
        await rig.pen.until(
            () => Math.abs(servoAngle(rig) - first) < 0.001 && !!rig.pen.servo.enabled.values()[0],
            3000,
            `servo enabled at ${first}°`
        )
        await rig.pen.press("area")
        const second = depthToAngleDeg(P.depth, P.areas[1].preset.depthMm)
        await rig.pen.until(() => Math.abs(servoAngle(rig) - second) < 0.001, 3000, `servo at ${second}° after the area change`)
        expect(second).not.toBe(first)
    }, 20000)

    test("H11 the status light follows the state: off, ready, running, fault", async () => {
        const rig = await startRig()
        await rig.pen.until(() => pixel(rig) === "0,0,0", 3000, "light off while idle")
        await rig.pen.press("trigger")
        await rig.pen.until(() => pixel(rig) === "0,255,0", 3000, "green when armed")
        rig.pen.handForceN = 1.5
        await rig.pen.until(() => pixel(rig) === "0,0,255", 3000, "blue while the needle runs")
        rig.pen.fault("forceOpen", true)
        await rig.pen.until(() => pixel(rig) === "255,0,0", 3000, "red on a fault")
        expect(rig.pen.duty()).toBe(0)
    }, 20000)

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
