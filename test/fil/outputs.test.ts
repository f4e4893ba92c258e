// The motor's stop through the simulated motor driver, timed: speed 0 at once, the bridge let go
// only after the brake held (the roles' outcomes are roles.test.ts's). Each test has its own VM
// and hub; every VM dies with its test. Runs beside other files, with at most one other timed file (tools/test-all.mjs FIL_TIMED).
import { afterEach, describe, expect, test } from "vitest"
import { join } from "node:path"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { DEVICE_IDS } from "../../sim/devices"
import { Rig } from "../../sim/rig"
import { ROOT } from "../../sim/vm"

const P = FACTORY_PROFILE
const rigs: Rig[] = []

afterEach(async () => {
    while (rigs.length) await rigs.pop()!.stop()
})

async function startRig(onLine?: (line: string) => void): Promise<Rig> {
    const rig = new Rig(P, { onLine })
    rigs.push(rig)
    await rig.start()
    return rig
}

/** Jacdac Motor `speed` (register 0x2) set */
const SET_SPEED = 0x2002

/** the speeds (i1.15 raw) a "VMFRAME <hex>" line (test/fil/frame-tap.cjs) writes to the needle's motor */
function needleSpeeds(line: string): number[] {
    if (!line.startsWith("VMFRAME ")) return []
    const b = Buffer.from(line.slice(8), "hex")
    if (b.subarray(4, 12).toString("hex") !== DEVICE_IDS.needle) return []
    const out: number[] = []
    // packets after the 12-byte frame header: size, service index, command (LE), payload; 4-aligned
    for (let i = 12; i + 4 <= b.length; i += (4 + b[i] + 3) & ~3)
        if (b.readUInt16LE(i + 2) === SET_SPEED && b[i] >= 2) out.push(b.readInt16LE(i + 4))
    return out
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

    test("H2 the stop leaves the firmware before the line that reports it: the zero speed is sent, then EVENT over_pressure is printed", async () => {
        // every frame the VM sends, in order with its log lines (a log line is a synchronous write
        // to the host's pipe: printed before the stop, it would be on the cutoff's path)
        const saved = process.env.NODE_OPTIONS
        process.env.NODE_OPTIONS = `${saved ?? ""} --require ${join(ROOT, "test/fil/frame-tap.cjs")}`.trim()
        const lines: string[] = []
        let rig: Rig
        try {
            rig = await startRig((l) => lines.push(l))
        } finally {
            if (saved === undefined) delete process.env.NODE_OPTIONS
            else process.env.NODE_OPTIONS = saved
        }
        await rig.pen.press("trigger")
        await rig.waitState("armed")
        const PRESSES = 5
        for (let i = 0; i < PRESSES; i++) {
            rig.pen.handForceN = 1.5
            await rig.pen.until(() => rig.pen.duty() > 0, 3000, `drive before press ${i}`)
            const from = lines.length
            rig.pen.handForceN = 6
            const event = () => lines.slice(from).findIndex((l) => l.startsWith("EVENT over_pressure"))
            const stop = () => lines.slice(from).findIndex((l) => needleSpeeds(l).includes(0))
            await rig.pen.until(() => event() >= 0 && stop() >= 0, 3000, `the zero speed and the cutoff's line on press ${i}`)
            expect(stop(), `press ${i}: sent before the line (frame ${stop()}, line ${event()} of the lines after the press)`).toBeLessThan(event())
            // eased below the cutoff, still on the skin: the next press
            rig.pen.handForceN = 0.4
            await rig.pen.sleepSim(60)
        }
        // the tap saw the writes at all: the drive before each press went out through it too
        expect(lines.filter((l) => needleSpeeds(l).some((v) => v > 0)).length).toBeGreaterThanOrEqual(PRESSES)
    }, 30000)
})
