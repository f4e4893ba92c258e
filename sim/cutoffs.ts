// One too-hard press on the firmware in the VM, and its cutoff latency: from the first force
// report above force.overPressureN to the zero drive at the simulated motor. Shared by the
// firmware-in-the-loop tests (test/fil/cutoffs.ts) and the stress probe (bench/stress.ts).
import { ratioToForceN } from "../drivers/force"
import type { Profile } from "../core/profile"
import type { Rig } from "./rig"

export interface PressTimeouts {
    /** how long the needle may take to be driven again before the press (ms) */
    driveMs: number
    /** how long the cutoff may take once the press is on (ms) */
    stopMs: number
}

/**
 * Presses from a pass at 1.5 N to 6 N, then eases off below contactN but stays on the skin (the
 * same needling, paused until the next press's touch is confirmed). Returns the latency (ms); throws
 * when the drive, the report above the cutoff or the zero drive does not come.
 */
export async function pressLatencyMs(rig: Rig, p: Profile, trial: number, t: PressTimeouts): Promise<number> {
    rig.pen.handForceN = 1.5
    await untilExplained(rig, () => rig.pen.duty() > 0, t.driveMs, `drive before press ${trial}`)
    await rig.pen.sleepSim(40)
    const reportsBefore = rig.pen.forceReports.length
    const writesBefore = rig.pen.motorWrites.length
    rig.pen.handForceN = 6
    await untilExplained(rig, () => rig.pen.duty() === 0, t.stopMs, `cutoff on press ${trial}`)
    // from the first report that reads above the cutoff to the first zero drive after it
    const report = rig.pen.forceReports.slice(reportsBefore).find((r) => ratioToForceN(p.force.curve, r.ratio) > p.force.overPressureN)
    const stop = rig.pen.motorWrites.slice(writesBefore).find((w) => w.duty === 0)
    if (!report) throw new Error(`press ${trial}: no force report above the cutoff; ${explained(rig)}`)
    if (!stop) throw new Error(`press ${trial}: no zero-drive write; ${explained(rig)}`)
    // something else stopped the drive first: not this cutoff's latency (a restart's regulator
    // once braked a coasting motor to 0 here, and the press then lifted before the cutoff held)
    if (stop.tMs < report.tMs) throw new Error(`press ${trial}: the drive went to 0 ${(report.tMs - stop.tMs).toFixed(1)} ms before the force report above the cutoff; ${explained(rig)}`)
    rig.pen.handForceN = 0.4
    await rig.pen.sleepSim(60)
    return stop.tMs - report.tMs
}

/** rig.pen.until, failing with the firmware's state, status line and last events */
async function untilExplained(rig: Rig, cond: () => boolean, timeoutMs: number, what: string) {
    try {
        await rig.pen.until(cond, timeoutMs, what)
    } catch (e) {
        throw new Error(`${(e as Error).message}; ${explained(rig)}`)
    }
}

/** the firmware's state, status line and last events, for a failure's message */
function explained(rig: Rig): string {
    const last = rig.events.slice(-4).map((ev) => `${ev.kind} ${ev.message}`)
    return `now ${rig.explain()}; status ${rig.status?.raw ?? "none"}; last events: ${last.join(" | ")}`
}
