// Pressure (pen.ts tick() cutoffs, force.ts): a sample above force.overPressureN (4.0 N) stops
// the needle in the tick that sees it, and the stop holds until the force drops below
// force.contactN (0.5 N); each too-hard press is recorded once in the ledger. A fast rise
// (above riseLimitNPerS = 40 N/s for riseDebounceSamples = 3 samples in a row) stops it too;
// one noisy sample does not.

import { describe, test } from "@devicescript/test"
import { contains, eq, isTrue } from "../kit/assert"
import { armedRig, touchUntilTreating } from "./penkit"

describe("pressure", () => {
    test("H2 over-pressure cuts the drive in the tick that sees it", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(200)
        isTrue(r.out.needleDuty > 0, "running at 1.5 N")
        r.forceN = 4.5
        r.tick()
        eq(r.out.needleDuty, 0, "no drive in the same tick")
        eq(r.state(), "paused")
        eq(r.out.indicator, "paused")
        contains(r.said("over_pressure"), "over-pressure 4.50 N above 4.00 N: needle stopped, lift below 0.50 N to resume")
    })

    test("H2 the over-pressure threshold is strict: 4.00 N runs, 4.01 N stops", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        r.forceN = 4.0
        await r.run(100)
        isTrue(r.out.needleDuty > 0, "4.00 N is allowed")
        r.forceN = 4.01
        r.tick()
        eq(r.out.needleDuty, 0, "4.01 N stops")
    })

    test("H2 the over-pressure cutoff holds until the force drops below contactN", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        r.forceN = 4.5
        r.resetSeen()
        await r.run(300)
        eq(r.dutyMax, 0, "held while too hard")
        r.forceN = 2.0 // back in the working range, but not lifted
        await r.run(500)
        eq(r.dutyMax, 0, "still held at 2.0 N")
        eq(r.state(), "paused")
        contains(r.pen.status().holdReason, "lift below 0.50 N to resume")
        r.forceN = 0.45 // below contactN, above releaseN: the cutoff released, no restart yet
        r.resetSeen()
        await r.run(100)
        eq(r.state(), "paused", "released, not restarted: resting at 0.45 N is no confirmed contact")
        eq(r.dutyMax, 0, "not driven at 0.45 N")
        eq(r.pen.status().holdReason, "lifted: touch again to go on")
        r.forceN = 1.5 // a touch confirmed afresh (contactN for contactConfirmMs)
        await r.run(100)
        eq(r.state(), "treating", "the needling goes on")
        isTrue(r.out.needleDuty > 0, "driven again")
        eq(r.count("needling_start"), 1, "the same needling")
    })

    test("H2 each too-hard press is recorded once in the ledger", async () => {
        const r = await armedRig()
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks")
        await r.run(20)
        await touchUntilTreating(r, 1.5)
        r.forceN = 5.0
        await r.run(300)
        r.forceN = 4.2
        await r.run(100)
        r.forceN = 6.0
        await r.run(100)
        eq(r.ledgerOf("cheeks").overPressureCount, 1, "one press, however long and wavy")
        eq(r.count("over_pressure"), 1, "one over_pressure event")
        r.forceN = 0.4
        await r.run(100)
        r.forceN = 5.0
        await r.run(100)
        eq(r.ledgerOf("cheeks").overPressureCount, 2, "a second press after easing off")
        eq(r.count("over_pressure"), 2)
    })

    test("H2 pressing too hard before the needle starts: no needling and no drive until lifted", async () => {
        const r = await armedRig()
        r.forceN = 5.0
        r.resetSeen()
        await r.run(300)
        eq(r.count("needling_start"), 0, "no needling")
        eq(r.dutyMax, 0, "no drive")
        r.forceN = 2.0
        await r.run(300)
        eq(r.count("needling_start"), 0, "still none at 2.0 N")
        eq(r.dutyMax, 0)
        eq(r.ledgerOf("periorbital").overPressureCount, 1, "recorded while armed")
        r.forceN = 0
        await r.run(50)
        await touchUntilTreating(r, 1.5)
        eq(r.count("needling_start"), 1, "after lifting, a normal touch starts the needle")
    })

    test("H2 changing area does not release the cutoff while the pen is pressed too hard", async () => {
        const r = await armedRig()
        r.forceN = 5.0
        await r.run(100)
        const s = r.cmd({ kind: "select_area", areaId: "nose" })
        eq(s.ok, false, "area change refused while on the skin")
        r.resetSeen()
        await r.run(300)
        eq(r.dutyMax, 0, "no drive at 5 N")
        eq(r.dutyOverPressure, 0)
    })

    test("H2 a fast rise cuts the drive after riseDebounceSamples samples", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.0)
        await r.run(100)
        // +0.3 N per 5 ms sample = 60 N/s, above 40 N/s
        r.forceN = 1.3
        r.tick()
        r.forceN = 1.6
        r.tick()
        isTrue(r.out.needleDuty > 0, "two fast samples: still running")
        eq(r.count("rise_cutoff"), 0)
        r.forceN = 1.9
        r.tick()
        eq(r.out.needleDuty, 0, "third fast sample: stopped in that tick")
        eq(r.state(), "paused")
        contains(r.said("rise_cutoff"), "force rising 60 N/s, above 40 N/s: needle stopped, lift below 0.50 N to resume")
        r.resetSeen()
        await r.run(500)
        eq(r.dutyMax, 0, "held at 1.9 N")
        r.forceN = 0.45
        r.resetSeen()
        await r.run(100)
        eq(r.state(), "paused", "released below contactN, not restarted")
        eq(r.dutyMax, 0, "not driven at 0.45 N")
        r.forceN = 1.0
        await r.run(100)
        eq(r.state(), "treating", "a confirmed touch goes on")
        eq(r.count("needling_start"), 1, "the same needling")
    })

    test("H2 one noisy sample above the rise limit does not stop or pause the needle", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.0)
        await r.run(100)
        for (let k = 0; k < 5; k++) {
            r.forceN = 1.5 // +100 N/s for one sample
            r.tick()
            eq(r.state(), "treating", "spike " + k)
            isTrue(r.out.needleDuty > 0, "driven on spike " + k)
            r.forceN = 1.0
            await r.run(50)
            eq(r.state(), "treating", "after spike " + k)
        }
        // two fast samples in a row are not enough either
        r.forceN = 1.3
        r.tick()
        r.forceN = 1.6
        r.tick()
        r.forceN = 1.6
        r.tick()
        eq(r.state(), "treating", "two fast samples then steady")
        eq(r.count("rise_cutoff"), 0, "no cutoff")
        eq(r.count("needling_start"), 1, "one needling")
    })
})
