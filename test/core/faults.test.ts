// Faults (the rules in detectors.ts, pen.ts trip/clearFault, faults.ts): each fault cuts the
// drive in the tick that detects it, says what tripped with the value and the limit, stays
// latched after the condition goes, is cleared only by clear_fault, and the clear is refused
// while the condition still holds. profile_invalid never clears; settings_invalid clears only
// with a new session.

import { describe, test } from "@devicescript/test"
import { Pen } from "../../core/pen"
import { breathe } from "../kit/breathe"
import { atMost, contains, notContains, eq, isFalse, isTrue } from "../kit/assert"
import { DEPTH_STALE_MS, SELFTEST_SPIN_DUTY, STROKE_COUNT_WINDOW_MS } from "../../core/limits"
import { armedRig, boundRig, copyProfile, faultCode, Rig, TICK_MS, touchUntilTreating, treatingRig } from "./penkit"

function faultMessage(r: Rig): string {
    const f = r.pen.status().fault
    return f ? f.message : ""
}

/** the fault must be latched: still there after `ms` with the condition gone, no drive */
async function staysLatched(r: Rig, code: string, ms: number) {
    r.resetSeen()
    await r.run(ms)
    eq(r.state(), "fault", "latched")
    eq(faultCode(r), code, "same fault")
    eq(r.out.indicator, "fault")
    eq(r.dutyMax, 0, "no drive in the fault")
    isFalse(r.cmd({ kind: "toggle_arm" }).ok, "cannot arm in a fault")
}

function clearRefused(r: Rig, says: string) {
    const c = r.cmd({ kind: "clear_fault" })
    isFalse(c.ok, "clear refused while the condition holds")
    contains(c.message, says)
    eq(r.state(), "fault", "still in the fault")
}

function clearAccepted(r: Rig, code: string) {
    const c = r.cmd({ kind: "clear_fault" })
    isTrue(c.ok, "clear accepted: " + c.message)
    eq(c.message, "fault " + code + " cleared: press the trigger to arm")
    eq(r.state(), "idle")
    contains(r.said("fault_cleared"), code)
}

describe("faults", () => {
    test("H6 force sensor open trips after rangeDebounceSamples samples, not before", async () => {
        const r = await treatingRig()
        r.ratio = 0.005 // below openBelowRatio 0.008
        for (let i = 1; i < r.p.force.rangeDebounceSamples; i++) {
            r.tick()
            eq(r.state(), "treating", "sample " + i + " of open reading: no trip")
        }
        r.tick()
        eq(r.state(), "fault", "tripped on sample " + r.p.force.rangeDebounceSamples)
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "force_open")
        contains(faultMessage(r), "force sensor reads 0.005 of full scale, below 0.008: open circuit")
        contains(r.said("fault"), "force_open: force sensor reads 0.005")
        clearRefused(r, "the force sensor still reads open")
        r.ratio = -1
        await staysLatched(r, "force_open", 500)
        clearAccepted(r, "force_open")
    })

    test("H6 one or two open samples in a row do not trip", async () => {
        const r = await treatingRig()
        for (let k = 0; k < 4; k++) {
            r.ratio = 0.001
            r.tick()
            r.tick()
            r.ratio = -1
            r.tick()
        }
        eq(r.state(), "treating", "pairs of open samples: no fault")
        isTrue(r.out.needleDuty > 0, "still driven")
    })

    test("H6 force sensor saturated trips after rangeDebounceSamples samples and cuts the drive", async () => {
        const r = await treatingRig()
        r.ratio = 0.98 // above saturatedAboveRatio 0.97 (force kept at 1.5 N: the rule alone)
        r.tick()
        r.tick()
        eq(r.state(), "treating", "two saturated samples: no trip")
        r.tick()
        eq(r.state(), "fault")
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "force_saturated")
        contains(faultMessage(r), "force sensor reads 0.980 of full scale, above 0.970: saturated or shorted")
        clearRefused(r, "the force sensor still reads saturated")
        r.ratio = -1
        await staysLatched(r, "force_saturated", 300)
        clearAccepted(r, "force_saturated")
    })

    test("H6 force sensor stale: no sample for staleAfterMs while armed trips", async () => {
        const r = await treatingRig()
        r.forceLive = false
        await r.run(r.p.force.staleAfterMs)
        eq(r.state(), "treating", "not yet at the limit")
        r.tick()
        eq(r.state(), "fault")
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "force_stale")
        contains(faultMessage(r), "no force sample for 105 ms (limit 100 ms)")
        clearRefused(r, "the force sensor is still not reporting")
        r.forceLive = true
        r.forceN = 0
        await staysLatched(r, "force_stale", 300)
        clearAccepted(r, "force_stale")
    })

    test("H6 a silent force sensor does not trip while the pen is idle", async () => {
        const r = await boundRig()
        r.forceLive = false
        await r.run(1000)
        eq(r.state(), "idle", "no fault while idle")
    })

    test("H6 force sensor stuck: a frozen reading while the needle runs trips after stuckAfterMs", async () => {
        const r = await armedRig()
        r.dither = false
        await touchUntilTreating(r, 1.5)
        await r.run(r.p.force.stuckAfterMs - 100)
        eq(r.state(), "treating", "not yet")
        await r.run(200)
        eq(r.state(), "fault")
        eq(faultCode(r), "force_stuck")
        eq(r.out.needleDuty, 0)
        contains(faultMessage(r), "while the needle ran (limit 2000 ms)")
        contains(faultMessage(r), "force reading frozen at 0.")
        await r.run(300) // the pen is lifted, but the frozen reading still says 1.5 N
        clearRefused(r, "the force reading is still frozen at 0.")
        isFalse(r.cmd({ kind: "toggle_arm" }).ok, "cannot arm around it")
        r.dither = true
        await staysLatched(r, "force_stuck", 300)
        clearAccepted(r, "force_stuck")
    })

    test("H6 a frozen force reading is not a fault while the needle is not driven", async () => {
        const r = await armedRig()
        r.dither = false
        await r.run(3000)
        eq(r.state(), "armed", "armed, not touching, reading constant: no fault")
    })

    test("H5 H7 stroke sensor silent while driven trips stroke_silent and cuts the drive", async () => {
        const r = await treatingRig()
        r.strokeHz = 0 // jammed cam or dead sensor: the count stops
        let tripped = -1
        for (let i = 0; i < 200 && tripped < 0; i++) {
            r.tick()
            if (r.state() === "fault") tripped = i
            if (i % 20 === 19) await breathe()
        }
        isTrue(tripped > 0, "tripped")
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "stroke_silent")
        contains(faultMessage(r), "(limit 250 ms): stall, jam or sensor")
        contains(faultMessage(r), "stroke sensor silent for 255 ms at drive ")
        notContains(faultMessage(r), "at drive 0.95", "the drive held feed-forward, it did not wind up to the maximum")
        r.strokeHz = -1
        await staysLatched(r, "stroke_silent", 300)
        clearAccepted(r, "stroke_silent")
    })

    test("H7 a stroke sensor that stops reporting while driven trips stroke_silent", async () => {
        const r = await treatingRig()
        r.strokeLive = false
        await r.run(600)
        eq(faultCode(r), "stroke_silent")
        eq(r.out.needleDuty, 0)
    })

    test("H7 a stroke sensor that loses counts while driven trips stroke_undercount within a window and cuts the drive; one that counts every stroke does not", async () => {
        const r = await treatingRig()
        await r.run(1500)
        eq(r.state(), "treating", "every stroke counted: no fault")
        // 60 % of the counts lost: the rate loop drives harder (~1.2 s to full drive), and the strokes
        // counted stay under half of what the drive makes
        r.strokeCountShare = 0.4
        const lostAt = r.now
        isTrue(await r.runUntilState("fault", 4000), "tripped")
        atMost(r.now - lostAt, 1200 + 2 * STROKE_COUNT_WINDOW_MS, "within two windows of full drive")
        eq(faultCode(r), "stroke_undercount")
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        contains(r.pen.status().holdReason, "the stroke sensor loses counts (the dose would count low) or the needle drags")
    })

    test("H7 stroke_undercount judges the count against needle.noLoadHzPerDuty (the profile's, or the pen's commissioned one), never the self-test spin's", async () => {
        // periorbital at 150/s, the needle loaded so the cam turns at a fixed rate: the loop drives
        // at full (0.95); 217/s per duty asks for 0.5 x 0.95 x 217 = 103/s
        const loaded = async (hz: number, hzPerDuty: number) => {
            const p = copyProfile()
            p.areas[0].preset.strokeHz = 150
            p.needle.noLoadHzPerDuty = hzPerDuty
            const r = await armedRig(undefined, p)
            await touchUntilTreating(r, 1.5)
            r.strokeHz = hz
            await r.run(1500)
            return r.state() === "fault" ? faultCode(r) : r.state()
        }
        eq(await loaded(90, 217), "stroke_undercount", "90/s under 103/s")
        eq(await loaded(120, 217), "treating", "120/s over 103/s")
        eq(await loaded(90, 170), "treating", "a pen commissioned at 170/s per duty: 90/s over 81/s")
    })

    test("H7 a stroke count that goes back (the sensor rebound) judges nothing in its window: no stroke_undercount", async () => {
        const r = await treatingRig()
        await r.run(1000)
        for (let i = 0; i < 5; i++) {
            r.strokesTrue = 0
            await r.run(300)
        }
        eq(r.state(), "treating")
    })

    test("H5 H7 a still stroke sensor is not a fault while the needle is not driven", async () => {
        const r = await armedRig()
        r.strokeHz = 0
        await r.run(2000)
        eq(r.state(), "armed")
    })

    test("H4 stroke overspeed: above overspeedHz for overspeedAfterMs trips and cuts the drive", async () => {
        const r = await treatingRig()
        r.strokeHz = 250 // the motor runs away whatever the drive
        let tripped = -1
        for (let i = 0; i < 100 && tripped < 0; i++) {
            r.tick()
            if (r.state() === "fault") tripped = i
            else if (i % 20 === 19) await breathe()
        }
        isTrue(tripped > 0, "tripped")
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "stroke_overspeed")
        contains(faultMessage(r), "stroke rate 250 strokes/s above 180 for 105 ms: runaway")
        clearRefused(r, "the needle still runs at 250 strokes/s, above 180")
        r.strokeHz = 0
        await staysLatched(r, "stroke_overspeed", 300)
        clearAccepted(r, "stroke_overspeed")
    })

    test("H4 a burst above overspeedHz shorter than overspeedAfterMs does not trip", async () => {
        const r = await armedRig()
        r.strokeHz = 250
        await r.run(60)
        r.strokeHz = 0
        await r.run(500)
        eq(r.state(), "armed")
    })

    test("H4 overspeed trips even when the needle is not driven (runaway driver)", async () => {
        const r = await boundRig()
        r.strokeHz = 200
        await r.run(300)
        eq(faultCode(r), "stroke_overspeed")
    })

    test("H8 depth not following its command trips after followTimeoutMs", async () => {
        const r = await armedRig()
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks: 1.00 mm")
        r.depthFollows = false // stuck at periorbital's 0.25 mm
        await r.run(r.p.depth.followTimeoutMs - 20)
        eq(r.state(), "armed", "still moving: no fault yet")
        await r.run(40)
        eq(r.state(), "fault")
        eq(faultCode(r), "depth_not_following")
        contains(faultMessage(r), "depth actuator at 0.25 mm, commanded 1.00 mm for 15")
        contains(faultMessage(r), "(tolerance 0.10 mm)")
        clearRefused(r, "the depth actuator is still at 0.25 mm, commanded 1.00 mm")
        r.depthActualMm = 1.0
        await staysLatched(r, "depth_not_following", 300)
        clearAccepted(r, "depth_not_following")
    })

    test("H1 H8 depth drifting during a pass trips depth_not_following in that tick", async () => {
        const r = await treatingRig()
        r.depthFollows = false
        r.depthActualMm = 0.5 // commanded 0.25
        r.tick()
        eq(r.state(), "fault")
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "depth_not_following")
        eq(faultMessage(r), "depth actuator moved to 0.50 mm, commanded 0.25 mm (tolerance 0.10 mm)")
        clearRefused(r, "the depth actuator is still at 0.50 mm, commanded 0.25 mm")
        r.depthActualMm = 0.25
        await staysLatched(r, "depth_not_following", 100)
        clearAccepted(r, "depth_not_following")
    })

    test("H8 a settled depth actuator that stops reporting during a pass trips depth_missing in that tick", async () => {
        const r = await treatingRig()
        r.depthFollows = false
        r.depthActualMm = NaN
        r.tick()
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "depth_missing")
        eq(faultMessage(r), "depth actuator stopped reporting its position (commanded 0.25 mm)")
    })

    test("H8 a depth feedback whose stream stops while its device stays on the bus: the last reading is no position DEPTH_STALE_MS on while the needle may run (depth_missing); idle, nothing", async () => {
        const r = await treatingRig()
        r.depthLive = false
        await r.run(DEPTH_STALE_MS - 10)
        eq(faultCode(r), "", "a reading under DEPTH_STALE_MS old is a position")
        isTrue(r.out.needleDuty > 0, "still driven")
        await r.run(20)
        eq(r.out.needleDuty, 0, "drive cut")
        eq(faultCode(r), "depth_missing")
        eq(faultMessage(r), "depth actuator stopped reporting its position (commanded 0.25 mm)")
        // the clear waits for the stream (the fault state runs no needle: the old reading is shown)
        r.forceN = 0
        await r.run(50)
        const refused = r.cmd({ kind: "clear_fault" })
        isFalse(refused.ok, "refused while the feedback is silent")
        contains(refused.message, "the depth feedback is still not reporting")
        r.depthLive = true
        await r.run(20)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "reporting again: cleared")
        // idle, a stopped stream is nothing: no needle can run
        const idle = await boundRig()
        idle.depthLive = false
        await idle.run(1000)
        eq(faultCode(idle), "", "idle: no fault")
        // armed on it and touching: the old reading is no position, no pass starts, and the
        // actuator that reports none is depth_missing within followTimeoutMs of its command
        isTrue(idle.cmd({ kind: "toggle_arm" }).ok, "armed")
        idle.forceN = 1.5
        idle.resetSeen()
        await idle.run(idle.p.depth.followTimeoutMs)
        eq(idle.dutyMax, 0, "no drive")
        eq(faultCode(idle), "depth_missing")
    })

    test("H8 depth actuator reporting no position trips depth_missing", async () => {
        const r = await armedRig()
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks")
        r.tick() // the command moves; the actuator never reports again
        r.depthFollows = false
        r.depthActualMm = NaN
        await r.run(r.p.depth.followTimeoutMs + 20)
        eq(faultCode(r), "depth_missing")
        contains(faultMessage(r), "depth actuator reports no position 1500 ms after a move")
        clearRefused(r, "the depth actuator is still missing")
        r.depthActualMm = 1.0
        await staysLatched(r, "depth_missing", 200)
        clearAccepted(r, "depth_missing")
    })

    test("H8 H12 depth actuator leaving the bus trips depth_missing in that tick", async () => {
        const r = await treatingRig()
        r.depthBound = false
        r.tick()
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "depth_missing")
        contains(faultMessage(r), "depth actuator left the bus")
        clearRefused(r, "the depth actuator is still missing")
        r.depthBound = true
        await staysLatched(r, "depth_missing", 200)
        clearAccepted(r, "depth_missing")
    })

    test("H12 a role leaving the bus trips role_lost in that tick, naming the device", async () => {
        const names = ["needle motor", "pressure sensor", "stroke sensor"]
        for (let i = 0; i < 3; i++) {
            const r = await treatingRig()
            if (i === 0) r.needleBound = false
            if (i === 1) r.pressureBound = false
            if (i === 2) r.strokeBound = false
            r.tick()
            eq(r.out.needleDuty, 0, names[i] + ": drive cut in that tick")
            eq(faultCode(r), "role_lost")
            eq(faultMessage(r), "role lost: " + names[i] + " left the bus")
            clearRefused(r, "a device is still off the bus")
            r.needleBound = true
            r.pressureBound = true
            r.strokeBound = true
            await staysLatched(r, "role_lost", 100)
            clearAccepted(r, "role_lost")
        }
    })

    test("H9 a tick overrun while a pass runs trips tick_overrun in the next tick", async () => {
        const r = await treatingRig()
        r.now += 150 // the control loop stalled for 150 ms
        r.tick()
        eq(r.state(), "fault")
        eq(r.out.needleDuty, 0, "drive cut in that tick")
        eq(faultCode(r), "tick_overrun")
        eq(faultMessage(r), "control tick overrun: 155 ms since the last tick (limit 100 ms)")
        await staysLatched(r, "tick_overrun", 200)
        clearAccepted(r, "tick_overrun")
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm after the clear")
        r.forceN = 0
        await r.run(100)
        eq(r.state(), "armed", "no stale gap after the clear")
    })

    test("H9 a tick overrun while armed trips; while idle it does not", async () => {
        const a = await armedRig()
        a.now += 100 - TICK_MS // a gap of exactly overrunAfterMs is allowed
        a.tick()
        eq(a.state(), "armed", "gap of 100 ms")
        a.now += 101 - TICK_MS
        a.tick()
        eq(faultCode(a), "tick_overrun", "gap of 101 ms while armed")
        const i = await boundRig()
        i.now += 5000
        i.tick()
        eq(i.state(), "idle", "idle gap: no fault")
    })

    test("H10 an invalid profile trips profile_invalid, which never clears", async () => {
        const p = copyProfile()
        p.force.contactN = 1.5
        p.force.overPressureN = 1.2 // below contactN
        const r = new Rig(undefined, p)
        await r.run(100)
        eq(r.state(), "fault")
        eq(faultCode(r), "profile_invalid")
        eq(faultMessage(r), "profile invalid: force.overPressureN must be above force.contactN")
        eq(r.out.needleDuty, 0)
        clearRefused(r, "fault profile_invalid cannot be cleared: fix devs.json and reflash the firmware")
        const n = r.cmd({ kind: "new_session" })
        isFalse(n.ok, "a new session does not clear it")
        isFalse(r.cmd({ kind: "toggle_arm" }).ok, "cannot arm")
        r.forceN = 1.5
        await staysLatched(r, "profile_invalid", 300)
    })

    test("H10 a profile without areas still reports profile_invalid", async () => {
        const p = copyProfile()
        p.areas = []
        const pen = new Pen(p)
        const s = pen.status()
        eq(s.state, "fault")
        eq(s.fault.code, "profile_invalid")
        contains(s.fault.message, "profile has no treatment areas")
        const out = pen.tick({
            nowMs: 5, forceN: 0, forceRatio: 0.02, forceSampleMs: 5, strokes: 0, strokeSampleMs: 5, depthActualMm: 0,
            needleBound: true, depthBound: true, pressureBound: true, strokeBound: true,
        })
        eq(out.needleDuty, 0, "no drive")
        eq(out.passesUsed, 0, "no area, no passes: the outputs still come")
    })

    test("H10 settings_invalid clears only with a new session", async () => {
        const r = new Rig({ settingsError: "ledger record for cheeks fails its checksum" })
        await r.run(50)
        eq(faultCode(r), "settings_invalid")
        eq(faultMessage(r), "stored settings invalid: ledger record for cheeks fails its checksum")
        clearRefused(r, "fault settings_invalid clears only with a new session")
        await staysLatched(r, "settings_invalid", 100)
        const n = r.cmd({ kind: "new_session" })
        isTrue(n.ok, "new session")
        eq(r.state(), "idle")
        eq(r.pen.status().fault, undefined, "fault gone")
        contains(r.said("fault_cleared"), "stored ledger replaced by a new session")
        r.tick()
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm")
    })

    test("H11 other faults refuse a new session until cleared, and clearing with no fault is refused", async () => {
        const r = await treatingRig()
        r.needleBound = false
        r.tick()
        const n = r.cmd({ kind: "new_session" })
        isFalse(n.ok, "new session refused")
        contains(n.message, "fault role_lost is latched: clear it before starting a new session")
        const b = await boundRig()
        const c = b.cmd({ kind: "clear_fault" })
        isFalse(c.ok, "nothing to clear")
        eq(c.message, "no fault to clear")
    })

    test("H11 the status explains a fault and what to do", async () => {
        const r = await treatingRig()
        r.strokeBound = false
        r.tick()
        const s = r.pen.status()
        contains(s.holdReason, "fault: role lost: stroke sensor left the bus; reconnect the device, then clear the fault")
        eq(s.needleDuty, 0)
    })
})
