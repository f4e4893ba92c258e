// The bench's timing program (bench/vm/timing.ts) feeds the firmware's own code by hand, so a new
// input rule can break it without any firmware test noticing: 01ab9c0's depth stamp did, and only
// `npm run bench` showed it. This builds and runs it once, as `npm run bench -- --only timing` does.
import { describe, expect, test } from "vitest"
import { buildTiming, runTimingOnce } from "../../bench/vmtiming"

describe("the bench's timing program", () => {
    test("builds and runs in the VM with the firmware's code: every kind of event measured, no check failed", async () => {
        await buildTiming()
        // throws on a PANIC, a failed check of its own ("CPUMARK fail") or no "done"
        const r = await runTimingOnce(30000)
        for (const kind of ["decide.idle", "decide.armed", "decide.treating", "part.tick"]) {
            expect(r[kind]?.n, kind).toBeGreaterThan(0)
            expect(r[kind].us, kind).toBeGreaterThan(0)
        }
        for (const [kind, c] of Object.entries(r)) expect(Number.isFinite(c.us), `${kind}: ${JSON.stringify(c)}`).toBe(true)
    }, 60000)
})
