// Firmware in the loop: the optional `motion` role binds to the simulated pen's Accelerometer
// (sim/devices.ts `accelerometer`, fed by sim/plant/imu.ts) and the firmware's dwell rule stops a
// pen come to rest on the skin (warns, then stops the needle until the pen is lifted); without the
// device the firmware treats on and its status says that dwell protection is off. The simulated
// server streams as a board's does: at the interval the firmware writes (sim/accel-server.ts).
// The bytecode of `npm run build` in the DeviceScript VM, real time.
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

async function armed(accelerometer: boolean, areaId = ""): Promise<Rig> {
    const rig = new Rig(P, { accelerometer, seed: 7 })
    rigs.push(rig)
    await rig.start()
    if (areaId !== "") await rig.selectArea(areaId)
    await rig.pen.press("trigger")
    await rig.waitState("armed")
    return rig
}

describe("firmware in the loop: the dwell rule", () => {
    test("H15 H16 with the accelerometer on the bus, a pen come to rest on the skin is warned and stopped (timed from the plant's path: 1.5 s asked, twice that guarded), and stays stopped until lifted", async () => {
        // on the cheeks (120 strokes/s): at the face's 100/s a regulator that wanders towards 104 under
        // a loaded host folds the motor onto the chip's rate (docs/DOSE.md "The dwell rule"); that is
        // measured there, not guarded here
        const rig = await armed(true, "cheeks")
        // the stop is on as devs.json ships it: the STATUS line has no dwell field then
        expect(rig.status?.fields.dwell).toBeUndefined()
        // the firmware asked the accelerometer to stream every 20 ms: a board's server streams every
        // 100 ms unless told (sim/accel-server.ts), too slow to stop within 1.5 s
        await rig.pen.until(() => rig.pen.accel!.intervalMs() === 20, 3000, "a 20 ms streaming interval on the accelerometer")
        const from = rig.events.length
        // set down on one spot and held there: at rest from the touch-down
        const restMs = rig.pen.plant.nowMs
        const hold = rig.pen.playTechnique(new TechniqueBuilder(20, 20).hold(4000).build())
        await rig.waitEvent("dwell_stop", 8000, from)
        const i = rig.events.findIndex((e, k) => k >= from && e.kind === "dwell_stop")
        const stopMs = rig.eventPlantMs[i] - restMs
        const startAt = rig.events.findIndex((e, k) => k >= from && e.kind === "needling_start")
        console.log(`firmware: dwell_stop ${Math.round(stopMs)} ms after the pen came to rest (${Math.round(rig.eventPlantMs[startAt] - restMs)} ms to needling_start)`)
        // issue 13 asks 1.5 s: measured 0.85 s on an idle host, 1.37 s under npm test's load (the VM
        // in real time on a shared host); the guard is twice the requirement, the figure is logged
        expect(stopMs).toBeLessThanOrEqual(3000)
        const kinds = rig.events.slice(from).map((e) => e.kind)
        expect(kinds.indexOf("dwell_warning")).toBeLessThan(kinds.indexOf("dwell_stop"))
        // the motor's drive went to zero and stayed there while the pen stays on the skin
        await rig.pen.until(() => rig.pen.plant.dutyApplied === 0, 1000, "the drive at zero")
        const heldFrom = rig.pen.plant.nowMs
        await rig.pen.until(() => rig.pen.plant.nowMs - heldFrom > 1000 || rig.pen.plant.dutyApplied > 0, 5000, "a second on the skin")
        expect(rig.pen.plant.dutyApplied).toBe(0)
        await hold
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
