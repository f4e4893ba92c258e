// Each role reaches what it should, firmware in the loop: the buttons, the two potentiometers, the
// depth servo and the status light, read back from the simulated devices. Outcomes only: this file
// runs beside other files (tools/test-all.mjs); each test has its own VM and hub.
import { describe, expect, test } from "vitest"
import { depthToAngleDeg } from "../../drivers/depth"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"
import { pixel, useRigs } from "./rigs"

const P = FACTORY_PROFILE
const { startRig } = useRigs()

function servoAngle(rig: Rig): number {
    return rig.pen.servo.angle.values()[0] as number
}

const area = (id: string) => P.areas.find((a) => a.id === id)!

describe("each role reaches what it should", () => {
    test("H12 each button reaches its own role: area changes the area, trigger arms", async () => {
        const rig = await startRig()
        expect(rig.status?.fields.area).toBe(P.areas[0].id)
        await rig.pen.press("area")
        await rig.pen.until(() => rig.status?.fields.area === P.areas[1].id, 3000, "the next area")
        expect(rig.state()).toBe("idle")
        await rig.pen.press("trigger")
        await rig.waitState("armed")
        expect(rig.status?.fields.area).toBe(P.areas[1].id)
    }, 20000)

    test("H8 H12 each Potentiometer reaches its own role: pressing changes the force, moving the depth changes the depth", async () => {
        // depthPos and pressure bind by name to devices in id order: swapped, the force would read
        // the feedback pot and the depth the FSR (no position: "?")
        const rig = await startRig()
        const depth = () => rig.status?.fields.depth ?? ""
        const force = () => parseFloat(rig.status?.fields.force ?? "NaN")
        const actualMm = () => parseFloat(depth().split("/")[1])
        await rig.pen.until(() => Math.abs(actualMm() - 0.25) < 0.05, 5000, "depth 0.25 mm reported")
        expect(force()).toBeLessThan(0.1)
        rig.pen.handForceN = 1.5
        await rig.pen.until(() => Math.abs(force() - 1.5) < 0.2, 3000, "a 1.5 N press reported as force")
        expect(Math.abs(actualMm() - 0.25)).toBeLessThan(0.05)
        rig.pen.handForceN = 0
        await rig.pen.until(() => force() < 0.1, 3000, "the press released")
        await rig.pen.press("area")
        await rig.pen.until(() => Math.abs(actualMm() - P.areas[1].preset.depthMm) < 0.05, 5000, "the next area's depth reported")
        expect(force()).toBeLessThan(0.1)
        expect(rig.status?.fields.fault).toBeUndefined()
    }, 20000)

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
})
