// What the firmware-in-the-loop files share: a rig per test (the built bytecode in the VM against
// the simulated pen, its own hub and VM directory), each stopped with its test, pass or fail; the
// arm press; the status light's colour.
import { afterEach, beforeAll } from "vitest"
import { existsSync } from "node:fs"
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
