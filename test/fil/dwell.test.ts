// Firmware in the loop: the optional `motion` role binds to the simulated pen's Accelerometer
// (sim/devices.ts `accelerometer`, fed by sim/plant/imu.ts) and the firmware's dwell rule stops a
// pen held still on the skin (warns; the stop is off in devs.json, tested in test/core/dwell.test.ts); without the device the firmware treats on and its status says that
// dwell protection is off. The bytecode of `npm run build` in the DeviceScript VM, real time.
import { afterEach, beforeAll, describe, expect, test } from "vitest"
import { existsSync } from "node:fs"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { TechniqueBuilder } from "../../sim/plant/technique"
import { Rig } from "../../sim/rig"
import { BYTECODE } from "../../sim/vm"

const P = FACTORY_PROFILE
const rigs: Rig[] = []

beforeAll(() => {
    if (!existsSync(BYTECODE)) throw new Error("firmware not built: run `npm run build` (npm test does it)")
})

afterEach(async () => {
    while (rigs.length) await rigs.pop()!.stop()
})

async function armed(accelerometer: boolean): Promise<Rig> {
    const rig = new Rig(P, { accelerometer, seed: 7 })
    rigs.push(rig)
    await rig.start()
    await rig.pen.press("trigger")
    await rig.waitState("armed")
    return rig
}

describe("firmware in the loop: the dwell rule", () => {
    test("H15 H16 with the accelerometer on the bus, a pen held still on the skin is warned (EVENT dwell_warning) and, as devs.json ships it, not stopped; the status says warning only", async () => {
        const rig = await armed(true)
        await rig.pen.until(() => rig.status?.fields.dwell === "warning only", 3000, "dwell warning only in the STATUS line")
        const from = rig.events.length
        // set down on one spot and held there for 8 s: longer than the guard below, so a warning
        // that comes late (a busy host) is measured rather than cut off by the hand lifting
        const hold = rig.pen.playTechnique(new TechniqueBuilder(20, 20).hold(8000).build())
        await rig.waitEvent("needling_start", 3000, from)
        const startMs = rig.pen.plant.nowMs
        await rig.waitEvent("dwell_warning", 8000, from)
        const warnMs = rig.pen.plant.nowMs
        // from the needle's start (the hand at rest). The rate regulator settles through 98-120
        // strokes/s for about a second, sweeping the motor's fold at 52 Hz ODR through the band the
        // rule reads as gliding (docs/DOSE.md "The dwell rule"): a regression guard
        console.log(`firmware: dwell_warning ${Math.round(warnMs - startMs)} ms after needling_start`)
        expect(warnMs - startMs).toBeLessThan(6000)
        await hold
        const kinds = rig.events.slice(from).map((e) => e.kind)
        expect(kinds).not.toContain("dwell_stop")
        // once per still episode: the regulator's settling can break the hold into two (seen under load)
        expect(kinds.filter((k) => k === "dwell_warning").length).toBeGreaterThanOrEqual(1)
    }, 30000)

    test("H16 without the accelerometer, the status says dwell protection off and a still pen keeps treating", async () => {
        const rig = await armed(false)
        await rig.pen.until(() => rig.status?.fields.dwell === "protection off", 3000, "dwell protection off in the STATUS line")
        const from = rig.events.length
        const hold = rig.pen.playTechnique(new TechniqueBuilder(20, 20).hold(3000).build())
        await rig.waitEvent("needling_start", 3000, from)
        await hold
        const kinds = rig.events.slice(from).map((e) => e.kind)
        expect(kinds).not.toContain("dwell_stop")
        expect(kinds).not.toContain("dwell_warning")
    }, 30000)
})
