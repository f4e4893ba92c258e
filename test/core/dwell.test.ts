// The dwell rule in the pen (pen.ts, core/motion.ts): with the optional motion role (the handpiece
// accelerometer) bound, a pen still on the skin gets a warning, then its needle stops like the
// force cutoffs and stays stopped until the pen is lifted; a gliding pen runs on. Without the role
// the pen treats as before and says that dwell protection is off. The accelerometer's faults
// (silent, stuck, saturated) and its leaving the bus latch like the force sensor's.
// Runs in both runners. The samples here are synthetic (penkit: gravity, one LSB of dither, a
// lateral wobble for a glide); the physics is in test/sim/dwell.test.ts.

import { describe, test } from "@devicescript/test"
import { statusLine } from "../../core/statusline"
import { PenEvent } from "../../core/types"
import { atLeast, atMost, contains, eq, isTrue, notContains } from "../kit/assert"
import { Profile } from "../../core/profile"
import { Rig, armedRig, copyProfile, faultCode, touchUntilTreating } from "./penkit"

function last(r: Rig, kind: string): PenEvent | undefined {
    let e: PenEvent | undefined = undefined
    for (const x of r.events) if (x.kind === kind) e = x
    return e
}

/** the factory profile with the dwell stop switched off (warning only) */
const WARNING_ONLY = warningOnlyProfile()

function warningOnlyProfile(): Profile {
    const p = copyProfile()
    p.motion.stopOnDwell = 0
    return p
}

/** an armed rig with the motion role bound (a still pen: gravity and dither only), the factory profile (the stop on) */
async function motionRig(): Promise<Rig> {
    const r = await armedRig()
    r.motionBound = true
    await r.run(50)
    return r
}

describe("dwell rule", () => {
    test("H15 H11 after a dwell stop a pen eased to 0.3-0.5 N (below contactN, above releaseN) stays stopped and quiet until a touch confirmed afresh", async () => {
        const r = await motionRig()
        await touchUntilTreating(r, 1.5)
        await r.run(r.p.motion.stopAfterMs + 50)
        eq(r.count("dwell_stop"), 1, "stopped")
        r.clearEvents()
        r.forceN = 0.4
        r.resetSeen()
        await r.run(1000)
        // a red-team review found the cutoff released here and contact's hysteresis restarting the
        // needling at once, the dwell stopping it again every other tick (67 stops and 133 states a second)
        eq(r.count("dwell_stop"), 0, "no new stop while resting")
        atMost(r.count("state"), 1, "the state does not flap")
        eq(r.dutyMax, 0, "not driven")
        eq(r.state(), "paused")
        // pressed again without moving: a touch confirmed afresh, stopped again at once (the count carried)
        r.forceN = 1.5
        await r.run(100)
        eq(r.count("dwell_stop"), 1, "stopped again at once on the same spot")
        eq(r.dutyMax, 0, "still not driven")
    })

    test("H15 a pen still on the skin: dwell_warning at warnAfterMs, the needle stops at stopAfterMs and stays stopped until lifted", async () => {
        const r = await motionRig()
        const m = r.p.motion
        await touchUntilTreating(r, 1.5)
        const t0 = r.now
        await r.run(m.warnAfterMs - 50)
        isTrue(r.out.needleDuty > 0, "driven before the warning")
        eq(r.count("dwell_warning"), 0, "no warning yet")
        await r.run(100)
        eq(r.count("dwell_warning"), 1, "warned")
        const w = last(r, "dwell_warning")
        if (w) {
            atLeast(w.stillMs, m.warnAfterMs - 5, "still time in the warning")
            atMost(w.atMs - t0, m.warnAfterMs + 10, "warned on time")
        }
        isTrue(r.out.needleDuty > 0, "a warning does not stop the needle")
        await r.run(m.stopAfterMs - m.warnAfterMs)
        eq(r.count("dwell_stop"), 1, "stopped")
        const s = last(r, "dwell_stop")
        if (s) {
            atMost(s.atMs - t0, m.stopAfterMs + 10, "stopped on time")
            eq(s.limit, m.stopAfterMs, "the limit in the event")
            contains(s.message, "lift", "says how to resume")
        }
        eq(r.out.needleDuty, 0, "needle stopped")
        eq(r.count("dwell_warning"), 1, "one warning per still episode")
        // held on the skin, and even gliding again: the needle stays stopped until the lift
        r.accelWobbleG = 0.02
        await r.run(2000)
        r.resetSeen()
        await r.run(20)
        eq(r.dutyMax, 0, "still stopped while pressed")
        eq(r.state(), "paused")
        contains(r.pen.status().holdReason, "still", "the hold reason says why")
        // lifted, moved on (the pen turned 1.2 deg: 20 mg of gravity's share) and set down: runs again, a new still episode starts
        r.accelWobbleG = 0
        r.forceN = 0
        r.accelRestG[0] = 0.02
        await r.run(300)
        await touchUntilTreating(r, 1.5)
        await r.run(100)
        isTrue(r.out.needleDuty > 0, "runs again after the lift")
        // (the glide before the lift shows in the filters for up to ~0.7 s)
        await r.run(m.stopAfterMs + 800)
        eq(r.count("dwell_stop"), 2, "a second dwell stops it again")
        eq(r.count("dwell_warning"), 2, "and was warned again")
    })

    test("H15 stamping: presses on one spot that do not move the pen add up to the stop, a press there is stopped at once, a move starts the count again", async () => {
        const r = await motionRig()
        const m = r.p.motion
        const pressMs = Math.round(m.stopAfterMs / 2)
        // two presses of half the stop time, lifted straight up between them
        for (let i = 0; i < 2; i++) {
            await touchUntilTreating(r, 1.5)
            await r.run(pressMs - 20)
            eq(r.count("dwell_stop"), 0, `press ${i + 1}: not yet`)
            r.forceN = 0
            await r.run(200)
        }
        await touchUntilTreating(r, 1.5)
        await r.run(60)
        eq(r.count("dwell_stop"), 1, "the third press: stopped, the presses added up")
        eq(r.out.needleDuty, 0)
        // lifted and set down on the same spot: stopped again at once
        r.forceN = 0
        await r.run(200)
        r.forceN = 1.5
        await r.run(200)
        eq(r.count("dwell_stop"), 2, "a press on the same spot: stopped at once")
        eq(r.out.needleDuty, 0, "held stopped")
        // lifted and moved (turned 1.2 deg): the count starts again
        r.forceN = 0
        r.accelRestG[0] = 0.02
        await r.run(300)
        r.resetSeen()
        await touchUntilTreating(r, 1.5)
        await r.run(m.warnAfterMs - 100)
        isTrue(r.out.needleDuty > 0, "moved on: runs")
        eq(r.count("dwell_stop"), 2, "no new stop")
    })

    test("H15 a gliding pen (turning 2 deg/s with the curved skin: gravity's share moving 30 mg/s) is never warned or stopped", async () => {
        const r = await motionRig()
        r.accelTurnGPerS = 0.03
        await touchUntilTreating(r, 1.5)
        r.resetSeen()
        await r.run(5000)
        eq(r.count("dwell_warning"), 0, "no warning")
        eq(r.count("dwell_stop"), 0, "no stop")
        isTrue(r.out.needleDuty > 0, "still driven")
        eq(r.state(), "treating")
    })

    test("H15 tremor-fast shaking (10 Hz) is not gliding: a shaking pen on one spot is stopped", async () => {
        const r = await motionRig()
        r.accelWobbleG = 0.03
        r.accelWobbleHz = 10
        await touchUntilTreating(r, 1.5)
        await r.run(r.p.motion.stopAfterMs + 500)
        eq(r.count("dwell_stop"), 1, "stopped")
        eq(r.out.needleDuty, 0)
    })

    test("H16 without the motion role the pen treats a still pen on, and the status says dwell protection off", async () => {
        const r = await armedRig()
        eq(r.pen.status().dwellProtection, "off")
        contains(statusLine(r.pen.status()), `dwell="protection off"`)
        await touchUntilTreating(r, 1.5)
        await r.run(3000)
        isTrue(r.out.needleDuty > 0, "driven")
        eq(r.count("dwell_stop") + r.count("dwell_warning"), 0, "no dwell events")
        r.motionBound = true
        await r.run(20)
        eq(r.pen.status().dwellProtection, "on", "bound, with the factory profile: the stop is on")
        notContains(statusLine(r.pen.status()), "dwell=")
        const w = await armedRig(undefined, WARNING_ONLY)
        w.motionBound = true
        await w.run(20)
        eq(w.pen.status().dwellProtection, "warn", "stopOnDwell 0: warning only")
        contains(statusLine(w.pen.status()), `dwell="warning only"`)
    })

    test("H15 H16 with the stop switched off (stopOnDwell 0) a dwell warns once and the needle runs on", async () => {
        const r = await armedRig(undefined, WARNING_ONLY)
        r.motionBound = true
        await r.run(50)
        await touchUntilTreating(r, 1.5)
        await r.run(r.p.motion.stopAfterMs + 1000)
        eq(r.count("dwell_warning"), 1, "warned")
        eq(r.count("dwell_stop"), 0, "not stopped")
        isTrue(r.out.needleDuty > 0, "still driven")
    })

    test("H16 an accelerometer that stops reporting while armed latches motion_silent; the clear waits for samples", async () => {
        const r = await motionRig()
        const m = r.p.motion
        await touchUntilTreating(r, 1.5)
        r.accelLive = false
        await r.run(m.staleAfterMs - 30)
        eq(faultCode(r), "", "not before staleAfterMs")
        await r.run(60)
        eq(faultCode(r), "motion_silent")
        eq(r.out.needleDuty, 0, "drive cut")
        contains(r.pen.status().fault ? r.pen.status().fault.message : "", `limit ${m.staleAfterMs} ms`)
        r.forceN = 0
        await r.run(50)
        isTrue(!r.cmd({ kind: "clear_fault" }).ok, "refused while silent")
        r.accelLive = true
        await r.run(50)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "cleared once it reports")
    })

    test("H16 a frozen accelerometer reading latches motion_stuck; only a change clears it", async () => {
        const r = await motionRig()
        const m = r.p.motion
        r.accelDither = false
        await r.run(m.stuckAfterMs - 50)
        eq(faultCode(r), "", "not before stuckAfterMs")
        await r.run(100)
        eq(faultCode(r), "motion_stuck")
        isTrue(!r.cmd({ kind: "clear_fault" }).ok, "refused while frozen")
        r.accelDither = true
        await r.run(50)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "cleared once it changes")
    })

    test("H16 an accelerometer at full scale for saturatedSamples samples latches motion_saturated", async () => {
        const r = await motionRig()
        await touchUntilTreating(r, 1.5)
        r.accelAllG = r.p.motion.saturatedAtG
        await r.run(15 * (r.p.motion.saturatedSamples - 1))
        eq(faultCode(r), "", "not before saturatedSamples")
        await r.run(30)
        eq(faultCode(r), "motion_saturated")
        eq(r.out.needleDuty, 0)
        r.forceN = 0
        isTrue(!r.cmd({ kind: "clear_fault" }).ok, "refused while saturated")
        r.accelAllG = -1
        await r.run(50)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "cleared")
    })

    test("H16 an accelerometer read back at another rate than motion.odrHz (left at the server's 52 Hz, or not answering on I2C) latches motion_rate and cuts the drive; the clear waits for the rate", async () => {
        const r = await motionRig()
        const hz = r.p.motion.odrHz
        r.accelOdrHz = hz
        await touchUntilTreating(r, 1.5)
        eq(faultCode(r), "", "at motion.odrHz")
        r.accelOdrHz = 2 * hz
        await r.run(20)
        eq(faultCode(r), "motion_rate")
        eq(r.out.needleDuty, 0, "drive cut")
        contains(r.pen.status().fault ? r.pen.status().fault.message : "", `runs at ${2 * hz} Hz, the dwell rule at motion.odrHz ${hz} Hz`)
        r.forceN = 0
        await r.run(50)
        isTrue(!r.cmd({ kind: "clear_fault" }).ok, "refused at the wrong rate")
        r.accelOdrHz = -1
        await r.run(20)
        const c = r.cmd({ kind: "clear_fault" })
        isTrue(!c.ok, "refused while the chip does not answer")
        contains(c.message, "cannot be read or set over I2C")
        r.accelOdrHz = 0
        await r.run(20)
        contains(r.cmd({ kind: "clear_fault" }).message, "runs at 0 Hz", "powered down")
        r.accelOdrHz = hz
        await r.run(20)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "cleared at the rate")
    })

    test("H12 H16 the motion sensor leaving the bus trips role_lost; the clear waits for it", async () => {
        const r = await motionRig()
        r.motionBound = false
        await r.run(10)
        eq(faultCode(r), "role_lost")
        contains(r.pen.status().fault ? r.pen.status().fault.message : "", "motion sensor")
        isTrue(!r.cmd({ kind: "clear_fault" }).ok, "refused while off the bus")
        r.motionBound = true
        await r.run(20)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "cleared")
    })
})
