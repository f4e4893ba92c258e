// The core's rules about its own outputs and the paths behind them (issue 11): the motor bridge's
// enable and the brake hold, the motor not taking the drive (a dead writer), a pass ledger that
// cannot be stored, an implausible depth reading, a force sensor whose configuration is unusable.
// Each is decided in the core and leaves it as an output or a latched fault.

import { describe, test } from "@devicescript/test"
import { DEPTH_FEEDBACK_SLACK_MM, DEPTH_TOLD_MS, DRIVE_MISMATCH_MS } from "../../core/limits"
import { contains, eq, isFalse, isTrue } from "../kit/assert"
import { breathe } from "../kit/breathe"
import { armedRig, boundRig, faultCode, Rig, TICK_MS, touchUntilTreating, treatingRig } from "./penkit"

/** tick until `done` (at most maxMs), breathing so the VM's step limit is never reached */
async function tickUntil(r: Rig, done: () => boolean, maxMs: number): Promise<void> {
    const end = r.now + maxMs
    let n = 0
    while (!done() && r.now < end) {
        r.tick()
        if (++n % 20 === 0) await breathe()
    }
}

describe("outputs", () => {
    test("H4 the motor bridge is on while armed, and after a stop stays on needle.brakeHoldMs so that speed 0 brakes the needle", async () => {
        const r = await boundRig()
        const BRAKE_HOLD_MS = r.p.needle.brakeHoldMs
        isFalse(r.out.needleEnabled, "idle: bridge off")
        r.cmd({ kind: "toggle_arm" })
        r.tick()
        isTrue(r.out.needleEnabled, "armed: bridge on")
        await touchUntilTreating(r, 1.5)
        await r.run(200)
        isTrue(r.out.needleDuty > 0, "driven")
        r.cmd({ kind: "toggle_arm" })
        r.tick()
        eq(r.out.needleDuty, 0, "disarmed: stop")
        const stoppedAt = r.now
        isTrue(r.out.needleEnabled, "the bridge holds the brake after the stop")
        await tickUntil(r, () => !r.out.needleEnabled, 2 * BRAKE_HOLD_MS)
        isFalse(r.out.needleEnabled, "the bridge opens after the brake hold")
        const heldMs = r.now - stoppedAt
        isTrue(heldMs >= BRAKE_HOLD_MS - TICK_MS && heldMs <= BRAKE_HOLD_MS + 2 * TICK_MS, `brake held ${heldMs} ms, brakeHoldMs ${BRAKE_HOLD_MS}`)
    })

    test("H4 a fault stops the needle and opens the bridge only after the brake hold", async () => {
        const r = await treatingRig()
        r.needleBound = false
        r.tick()
        eq(faultCode(r), "role_lost")
        isTrue(r.out.needleEnabled, "braking")
        await r.run(r.p.needle.brakeHoldMs + 20)
        isFalse(r.out.needleEnabled, "open after the hold")
    })

    test("H13 the motor not taking the commanded stop trips drive_mismatch after DRIVE_MISMATCH_MS, and the clear waits for the stop", async () => {
        const r = await treatingRig()
        // the writer dies with the drive on: the motor keeps what it had
        r.motorTakes = false
        r.motorDuty = r.out.needleDuty
        r.cmd({ kind: "toggle_arm" })
        r.tick()
        eq(r.out.needleDuty, 0, "the core wants the stop")
        const t0 = r.now
        await tickUntil(r, () => faultCode(r) !== "", 4 * DRIVE_MISMATCH_MS)
        eq(faultCode(r), "drive_mismatch")
        const took = r.now - t0
        isTrue(took > DRIVE_MISMATCH_MS - TICK_MS && took <= DRIVE_MISMATCH_MS + 3 * TICK_MS, `tripped after ${took} ms`)
        contains(r.pen.status().fault.message, "the core wants 0.00")
        const refused = r.cmd({ kind: "clear_fault" })
        isFalse(refused.ok, "clear refused while the motor still runs")
        contains(refused.message, "the motor still has drive")
        r.motorTakes = true
        r.tick()
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "cleared once the motor took the stop")
    })

    test("H13 a drive that lags within the match band, or a short mismatch, is not a fault", async () => {
        const r = await treatingRig()
        r.motorTakes = false
        r.motorDuty = r.out.needleDuty
        await r.run(DRIVE_MISMATCH_MS - 4 * TICK_MS)
        r.motorTakes = true
        await r.run(500)
        eq(faultCode(r), "", "no fault")
        eq(r.state(), "treating")
    })

    test("H3 a pass ledger that cannot be stored stops the pen: store_failed, latched until it is stored", async () => {
        const r = await treatingRig()
        r.storeError = "ledger record for cheeks did not read back"
        r.tick()
        eq(r.out.needleDuty, 0, "stopped in that tick")
        eq(faultCode(r), "store_failed")
        contains(r.pen.status().holdReason, "did not read back")
        const refused = r.cmd({ kind: "clear_fault" })
        isFalse(refused.ok, "no clear while the ledger is not stored")
        contains(refused.message, "the ledger is still not stored")
        r.storeError = ""
        r.tick()
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "cleared once stored")
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arms again")
    })

    test("H8 a depth reading more than the slack outside 0..3 mm is no position, judged in the core: depth_missing", async () => {
        const r = await armedRig()
        // settled: a reading counts DEPTH_TOLD_MS after the actuator was told its depth
        await r.run(DEPTH_TOLD_MS)
        r.depthFollows = false
        // an open wiper: the driver reports what it reads, far below 0 mm
        r.depthActualMm = -(DEPTH_FEEDBACK_SLACK_MM + 0.5)
        r.tick()
        eq(faultCode(r), "depth_missing", "an implausible reading after the depth had settled")
        isTrue(r.pen.status().depthActualMm !== r.pen.status().depthActualMm, "the status shows no position")
    })

    test("H8 the depth actuator's follow time starts at the first tick: a slow boot (settings reads) is not its fault", async () => {
        const r = new Rig()
        // the firmware's first tick comes after the store has been read, seconds after start
        r.now = 3 * r.p.depth.followTimeoutMs
        r.depthFollows = false
        r.depthActualMm = 0
        r.tick()
        eq(faultCode(r), "", "no fault at the first tick")
        r.depthFollows = true
        await r.run(200)
        eq(faultCode(r), "", "the actuator got there in time")
        eq(r.pen.status().depthActualMm, r.pen.status().depthTargetMm)
    })

    test("H6 a force sample that is not a number stops the needle at once: force_open, never a NaN drive", async () => {
        const r = await treatingRig()
        r.forceN = NaN
        r.tick()
        eq(r.out.needleDuty, 0, "stopped in that tick")
        eq(faultCode(r), "force_open")
        contains(r.pen.status().fault.message, "force sample is not a number")
    })

    test("H7 a stroke count that is not a number stops the needle: stroke_silent, never a NaN drive", async () => {
        const r = await treatingRig()
        r.strokeHz = 0
        r.strokesTrue = NaN
        r.tick()
        eq(r.out.needleDuty, 0, "stopped in that tick")
        eq(faultCode(r), "stroke_silent")
        contains(r.pen.status().fault.message, "stroke count is not a number")
        // once the count is a number again the fault clears, and the measured rate is a number
        r.strokesTrue = 0
        await r.run(50)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "cleared")
        isTrue(r.pen.status().strokeMeasuredHz === r.pen.status().strokeMeasuredHz, "the rate is a number")
    })

    test("H8 a reading inside the slack is a position", async () => {
        const r = await boundRig()
        r.depthFollows = false
        r.depthActualMm = -DEPTH_FEEDBACK_SLACK_MM / 2
        r.tick()
        eq(r.pen.status().depthActualMm, -DEPTH_FEEDBACK_SLACK_MM / 2)
    })

    test("H10 a force sensor configuration the driver cannot use trips profile_invalid with its reason, not a missing sensor", async () => {
        const r = await boundRig()
        r.forceConfigError = "force.loadCell.countsPerN must be a whole number of at least 10000 counts per newton"
        r.tick()
        eq(faultCode(r), "profile_invalid")
        contains(r.pen.status().fault.message, "force.loadCell.countsPerN")
        const arm = r.cmd({ kind: "toggle_arm" })
        isFalse(arm.ok, "no arming")
        eq(r.out.needleDuty, 0)
    })
})
