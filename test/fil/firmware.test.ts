// Firmware in the loop: the built bytecode in the DeviceScript VM against the simulated pen.
// Everything is asserted from the outside: what reached the simulated motor, what the plant did,
// what the firmware printed. Each test has its own hub port and VM working directory.
import { BYTECODE_GOAL_KB, FUNCTIONS_GOAL_KB, bytecodeSections } from "../../bench/footprint"
import { describe, expect, test } from "vitest"
import { statSync } from "node:fs"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { BYTECODE } from "../../sim/vm"
import { P90_GUARD_MS, WORST_GUARD_MS, cutoffLatencies, latencySummary } from "./cutoffs"
import { armed, useRigs } from "./rigs"

const P = FACTORY_PROFILE
const { startRig } = useRigs()

describe("firmware in the loop", () => {
    test("the firmware bytecode fits its budget (bench/footprint.ts BYTECODE_GOAL_KB)", () => {
        const bytes = statSync(BYTECODE).size
        console.log(`bytecode: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KB)`)
        expect(bytes).toBeLessThanOrEqual(BYTECODE_GOAL_KB * 1024)
        // the VM refuses an image whose functions reach 64 KB; the boards add theirs to these
        const fn = bytecodeSections().functions
        console.log(`functions: ${fn} bytes`)
        expect(fn).toBeLessThanOrEqual(FUNCTIONS_GOAL_KB * 1024)
    })

    test("H4 the needle runs at the set rate on contact, measured at the plant", async () => {
        const t0 = performance.now()
        const rig = await startRig()
        await armed(rig)
        expect(rig.pen.duty()).toBe(0)
        rig.pen.handForceN = 1.5
        await rig.pen.until(() => rig.pen.duty() > 0, 3000, "drive on contact")
        console.log(`start-up: launch to first needle drive ${(performance.now() - t0).toFixed(0)} ms (arm and touch at once)`)
        const setHz = P.areas[0].preset.strokeHz
        // the true cam rate stays within 5% of the set point for 500 ms of plant time
        let heldSinceMs = -1
        await rig.pen.until(
            () => {
                const ok = Math.abs(rig.pen.plant.strokeHz - setHz) <= setHz * 0.05
                if (!ok) heldSinceMs = -1
                else if (heldSinceMs < 0) heldSinceMs = rig.pen.plant.nowMs
                return heldSinceMs >= 0 && rig.pen.plant.nowMs - heldSinceMs >= 500
            },
            5000,
            `the plant's stroke rate to hold ${setHz} ± 5%`
        )
        expect(rig.state()).toBe("treating")
        // loop health while treating, from the firmware's own STATUS line
        const health: string[] = []
        for (let i = 0; i < 4; i++) {
            const before = rig.status
            await rig.pen.until(() => rig.status !== before, 2000, "the next status line")
            const f = rig.status!.fields
            health.push(`${f.tps}/s gap ${f.gapmax} ms tick ${f.tickmax} ms`)
            expect(Number(f.gapmax)).toBeLessThan(P.control.overrunAfterMs)
        }
        console.log(`control loop in the VM while treating (decisions/s, longest gap, longest decision): ${health.join("; ")}`)
    }, 20000)

    test("H2 force above the cutoff stops the drive: latency over 50 presses", async () => {
        const rig = await startRig()
        // the forehead (60 cm², 3 passes): 50 presses on the skin are ~1.5 passes of its dose, the
        // periorbital area (9.6 cm², 2 passes) would lock half way
        await rig.pen.press("area")
        await rig.pen.until(() => rig.status?.fields.area === "forehead", 3000, "the forehead")
        await armed(rig)
        const latencies = await cutoffLatencies(rig, 50)
        const { p90, worst, text } = latencySummary(latencies)
        console.log(`cutoff latency over ${latencies.length} presses: ${text}`)
        expect(Math.min(...latencies)).toBeGreaterThanOrEqual(0)
        // regression guards (test/fil/cutoffs.ts); the goal is judged by the bench
        expect(p90).toBeLessThanOrEqual(P90_GUARD_MS)
        expect(worst).toBeLessThanOrEqual(WORST_GUARD_MS)
        // one needling throughout: easing off never ended it, and every press was recorded
        expect(rig.events.filter((e) => e.kind === "needling_start").length).toBe(1)
        expect(rig.events.filter((e) => e.kind === "over_pressure").length).toBe(50)
    }, 120000)
})
