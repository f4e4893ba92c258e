// What the firmware-in-the-loop files share: a rig per test (the built bytecode in the VM against
// the simulated pen, its own hub and VM directory), each stopped with its test, pass or fail; the
// arm press; the status light's colour.
import { afterEach, beforeAll } from "vitest"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"
import { BYTECODE } from "../../sim/vm"

/**
 * Registers the file's hooks (the firmware must be built; every rig stopped after each test) and
 * returns the rigs started so far and how to start one (`vmDir`: keep its settings flash)
 */
export function useRigs() {
    const rigs: Rig[] = []
    beforeAll(() => {
        if (!existsSync(BYTECODE)) throw new Error("firmware not built: run `npm run build` (npm test does it)")
    })
    afterEach(async () => {
        while (rigs.length) await rigs.pop()!.stop()
    })
    const startRig = async (vmDir?: string): Promise<Rig> => {
        const rig = new Rig(FACTORY_PROFILE, { vmDir })
        rigs.push(rig)
        await rig.start()
        return rig
    }
    return { rigs, startRig }
}

/** arm on the selected area with a trigger press */
export async function armed(rig: Rig) {
    await rig.pen.press("trigger")
    await rig.waitState("armed")
}

/** the simulated status light's colour, as the firmware last set it: "r,g,b" */
export function pixel(rig: Rig): string {
    const px = rig.pen.led.pixels.values()[0] as Uint8Array
    return Array.from(px.slice(0, 3)).join(",")
}

/**
 * The newest value stored under any of `keys` in a VM directory's settings flash, as text ("" none).
 * The VM's sim.bin is a key-value page: after a 24-byte header, 24-byte index entries (a 16-byte key,
 * then the value's offset and size, little-endian) appended in write order, so the last entry of a
 * key is its newest value; the old values stay in the page until it is compacted. Only the first
 * index region is read: enough for a fresh VM directory, which no test fills to a compaction.
 */
export function newestSetting(vmDir: string, keys: string[]): string {
    const file = join(vmDir, ".devicescript/flash/sim.bin")
    if (!existsSync(file)) return ""
    const b = readFileSync(file)
    let newest = ""
    for (let at = 24; at + 24 <= b.length; at += 24) {
        const key = b.subarray(at, at + 16).toString("latin1").replace(/\0[^]*$/, "")
        if (key === "" || key.charCodeAt(0) === 0xff) break
        const off = b.readUInt32LE(at + 16)
        if (keys.includes(key)) newest = b.subarray(off, off + b.readUInt32LE(at + 20)).toString("latin1")
    }
    return newest
}
