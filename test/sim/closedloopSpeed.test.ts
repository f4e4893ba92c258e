// A 30-minute full-face session on the virtual clock: outcome, and how fast it simulates.
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import type { Profile } from "../../core/profile"
import { runClosedLoop } from "../../sim/closedloop"
import { judge } from "../../sim/judge"
import { fullFaceSession } from "../../sim/scenarios"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))

// The ~25-minute session at the factory limits is `npm run sim -- full-face-session`; here every
// area's limit is 1 pass (set on the console), the same treatment a third as long (~9 minutes).
describe("full-face session (one pass an area)", () => {
    test("simulates many times faster than real time, with the outcome judged from the plant", () => {
        const s = fullFaceSession(11, { onePass: true })
        const r = runClosedLoop(profile, s) // trace every control tick, as a plot would use
        const m = r.summary
        console.log(
            `  ${(m.simulatedMs / 1000).toFixed(0)} s simulated in ${(m.wallMs / 1000).toFixed(2)} s wall: ` +
            `${m.simSecondsPerWallSecond.toFixed(0)} simulated s per wall s, ${m.controlSteps} control steps, ${r.trace!.length} trace rows`
        )
        console.log(`  passes ${JSON.stringify(m.passes)}; rate within ±5% ${(100 * m.rateWithin5PctShare).toFixed(1)}% of settled time; overshoot up to ${m.maxOvershootPct.toFixed(0)}% (${m.maxOver20PctRunMs} ms above +20% at worst)`)
        expect(m.simulatedMs).toBeGreaterThanOrEqual(5 * 60 * 1000)
        // a regression guard (~2 s on an idle core; npm test runs two workers beside the VM suite):
        // the figure itself is in BENCHMARKS.md (simspeed)
        // (~9 min simulated in ~6 s on an idle core, ~23 s beside two workers and other VMs)
        expect(m.wallMs).toBeLessThan(45000)
        expect(judge(profile, r, s.expect)).toEqual([])
        // 92.4 % measured (seed 11): the clinical rows restart the needle every few seconds and each
        // start's overshoot can outlast the 300 ms settling (the old session's 8 s glides: > 95 %)
        expect(m.rateWithin5PctShare).toBeGreaterThan(0.9)
        // every area locked at its dose (the judge: the firmware's dose, the lock, the cheeks' estimate against the map)
        expect(r.summary.locks.map((l) => l.areaId)).toEqual(["periorbital", "forehead", "nose", "perioral", "cheeks"])
    }, 60000)
})
