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

/** one entry of the settings flash's index: the key, and where its value is in the file */
export interface SettingsEntry {
    key: string
    offset: number
    size: number
}

/**
 * The index of a VM directory's settings flash (.devicescript/flash/sim.bin; jacdac-c jd_fstor.c),
 * oldest entry first; undefined before the VM made one. Two header regions, each a 24-byte header
 * (two magic words, the generation, the page size, the total and header page counts) then 24-byte
 * entries (a 16-byte key, the value's offset from the file's start and its size, little-endian)
 * appended in write order up to the first blank one; the values grow down from the region's end.
 * A compaction copies the live entries into the other region with the next generation: the one in
 * use is the valid header of the higher generation. `region`: a header region's size.
 */
export function settingsIndex(vmDir: string): { file: Buffer; region: number; entries: SettingsEntry[] } | undefined {
    const path = join(vmDir, ".devicescript/flash/sim.bin")
    if (!existsSync(path)) return undefined
    const b = readFileSync(path)
    const valid = (at: number) => at + 24 <= b.length && b.readUInt32LE(at) === 0x52545346 && b.readUInt32LE(at + 4) === 0x6becea0a
    if (!valid(0)) return undefined
    const region = b.readUInt32LE(12) * b.readUInt16LE(18)
    const at = valid(region) && b.readUInt32LE(region + 8) > b.readUInt32LE(8) ? region : 0
    const entries: SettingsEntry[] = []
    for (let e = at + 24; e + 24 <= at + region && b.readUInt32LE(e + 16) !== 0xffffffff; e += 24)
        entries.push({ key: b.subarray(e, e + 16).toString("latin1").replace(/\0[^]*$/, ""), offset: b.readUInt32LE(e + 16), size: b.readUInt32LE(e + 20) })
    return { file: b, region, entries }
}

/** The newest value stored under any of `keys` in a VM directory's settings flash, as text ("" none): the last entry of a key is its newest value */
export function newestSetting(vmDir: string, keys: string[]): string {
    const index = settingsIndex(vmDir)
    let newest = ""
    for (const e of index?.entries ?? []) if (keys.includes(e.key)) newest = index!.file.subarray(e.offset, e.offset + e.size).toString("latin1")
    return newest
}
