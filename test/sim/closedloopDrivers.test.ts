// The closed loop runs the firmware's own writer (drivers/writer.ts) with its pacing, the brake
// hold the core decides and the packet budget: a change in either changes the closed-loop result,
// as it would on the pen (issue 12). Before, sim/closedloop.ts had a copy of the writer without them.
import { describe, expect, test } from "vitest"
import { SendBudget } from "../../drivers/budget"
import type { Profile } from "../../core/profile"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { runClosedLoop } from "../../sim/closedloop"
import { shortFaultScenario, shortMultiPass } from "../../sim/scenarios/short"

function withBrakeHold(ms: number): Profile {
    const p: Profile = JSON.parse(JSON.stringify(FACTORY_PROFILE))
    p.needle.brakeHoldMs = ms
    return p
}

describe("closed loop: the firmware's writer", () => {
    test("H4 the brake hold reaches the plant: held, a fault's stop brakes the needle; without it the bridge opens and the needle coasts", () => {
        // a frozen force reading trips force_stuck while the needle runs on the skin
        const s = shortFaultScenario("forceStuck", 21, 4000, 500)
        const stopped = (p: Profile) => {
            const r = runClosedLoop(p, s, { traceEveryMs: 0 })
            const f = r.summary.faults.find((x) => x.code === "force_stuck")
            expect(f, "force_stuck latched").toBeDefined()
            expect(f!.driveCutAfterMs).toBeGreaterThanOrEqual(0)
            return f!.needleStoppedAfterMs
        }
        const braked = stopped(FACTORY_PROFILE)
        const coasted = stopped(withBrakeHold(0))
        expect(braked).toBeGreaterThanOrEqual(0)
        expect(braked, "braked: the 0816 stops in ~10-20 ms").toBeLessThan(20)
        expect(coasted, "coasting takes twice as long or more").toBeGreaterThanOrEqual(2 * braked)
    })

    test("H2 the packet budget reaches the plant: a starved bus delays drive changes, never the stop", () => {
        const s = shortMultiPass(14)
        const normal = runClosedLoop(FACTORY_PROFILE, s, { traceEveryMs: 5 })
        // one packet per 200 ms instead of one per 20 ms
        const starved = runClosedLoop(FACTORY_PROFILE, s, { traceEveryMs: 5, budget: new SendBudget(5, 200) })
        const t1 = normal.trace!
        const t2 = starved.trace!
        let differ = 0
        for (let i = 0; i < Math.min(t1.length, t2.length); i++) if (Math.abs(t1.dutyPlant[i] - t2.dutyPlant[i]) > 0.01) differ++
        expect(differ, "rows where the motor got another drive").toBeGreaterThan(100)
        // the stop goes whatever the budget: no drive on the motor while the core says stop, beyond one tick
        for (const t of [t1, t2]) {
            let run = 0
            let worst = 0
            for (let i = 0; i < t.length; i++) {
                run = t.dutyCore[i] === 0 && t.dutyPlant[i] > 0 ? run + 5 : 0
                worst = Math.max(worst, run)
            }
            expect(worst, "ms of drive after the core's stop").toBeLessThanOrEqual(5)
        }
    })
})
