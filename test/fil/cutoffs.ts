// Too-hard presses on the firmware in the VM, and the cutoff latency of each: from the first force
// report above force.overPressureN to the zero drive at the simulated motor. Shared by
// firmware.test.ts and console.test.ts.
import { expect } from "vitest"
import { ratioToForceN } from "../../drivers/force"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"
import { percentile } from "./stats"

const P = FACTORY_PROFILE

/** `n` too-hard presses during one pass (armed first); each eases off below contactN, staying on the skin */
export async function cutoffLatencies(rig: Rig, n: number): Promise<number[]> {
    const latencies: number[] = []
    for (let trial = 0; trial < n; trial++) {
        rig.pen.handForceN = 1.5
        await rig.pen.until(() => rig.pen.duty() > 0, 3000, `drive before press ${trial}`)
        await rig.pen.sleepSim(40)
        const reportsBefore = rig.pen.forceReports.length
        const writesBefore = rig.pen.motorWrites.length
        rig.pen.handForceN = 6
        await rig.pen.until(() => rig.pen.duty() === 0, 2000, `cutoff on press ${trial}`)
        // from the first report that reads above the cutoff to the first zero drive after it
        const report = rig.pen.forceReports.slice(reportsBefore).find((r) => ratioToForceN(P.force.curve, r.ratio) > P.force.overPressureN)
        const stop = rig.pen.motorWrites.slice(writesBefore).find((w) => w.duty === 0)
        expect(report, "a force report above the cutoff").toBeDefined()
        expect(stop, "a zero-drive write").toBeDefined()
        latencies.push(stop!.tMs - report!.tMs)
        // ease off below the contact threshold (cutoff released) but stay on the skin: same pass
        rig.pen.handForceN = 0.4
        await rig.pen.sleepSim(60)
    }
    return latencies
}

export function latencySummary(latencies: number[]) {
    const median = percentile(latencies, 50)
    const p90 = percentile(latencies, 90)
    const worst = Math.max(...latencies)
    return { median, p90, worst, text: `median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, worst ${worst.toFixed(1)} ms` }
}
