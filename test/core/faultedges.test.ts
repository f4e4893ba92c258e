// Fault timing and clearing (detectors.ts: each rule and its stillThere; pen.ts trip) at the edges: the exact
// thresholds (depth tolerance, follow timeout, overspeed rate, open and saturated ratios, stale
// time), a clear judged on the fault's own condition only, the watch windows (stale while armed
// or paused, not while idle or locked), the first drive of a stalled motor, and a latched fault
// that does not trip again. Found by mutation testing (npm run mutate).

import { describe, test } from "@devicescript/test"
import { Pen } from "../../core/pen"
import { PenInputs } from "../../core/types"
import { contains, eq, isFalse, isTrue } from "../kit/assert"
import { breathe } from "../kit/breathe"
import { armedRig, boundRig, copyProfile, Rig, touchUntilTreating } from "./penkit"

function code(r: Rig): string {
    const f = r.pen.status().fault
    return f ? f.code : ""
}

/** an armed rig latched in tick_overrun (a fault with no condition of its own) */
async function overrunRig(): Promise<Rig> {
    const r = await armedRig()
    r.now += 200
    r.tick()
    eq(code(r), "tick_overrun", "set up")
    return r
}

/** raw inputs: every role bound, a fresh force sample at rest, the depth at 0.25 mm */
function raw(nowMs: number, strokeSampleMs: number, strokes: number): PenInputs {
    return {
        nowMs: nowMs, forceN: 0, forceRatio: 0.02 + (nowMs % 10) / 100000, forceSampleMs: nowMs,
        strokes: strokes, strokeSampleMs: strokeSampleMs, depthActualMm: 0.25,
        needleBound: true, depthBound: true, pressureBound: true, strokeBound: true,
    }
}

/** tick a raw pen every 5 ms from `fromMs` to `toMs`; stroke reports every 50 ms of `perReport` strokes */
async function runRaw(pen: Pen, fromMs: number, toMs: number, base: number, perReport: number): Promise<number> {
    let strokes = base
    for (let t = fromMs; t <= toMs; t += 5) {
        const k = Math.floor(t / 50)
        strokes = base + perReport * (k - Math.floor(fromMs / 50))
        pen.tick(raw(t, k * 50, strokes))
        if (t % 100 === 0) await breathe()
    }
    return strokes
}

async function staleWhileArmed() {
    const a = await armedRig()
    a.forceLive = false
    isTrue(await a.runUntilState("fault", 150), "armed: trips")
    eq(code(a), "force_stale")
}

async function notAfterDisarm() {
    const b = await armedRig()
    b.cmd({ kind: "toggle_arm" })
    b.forceLive = false
    await b.run(300)
    eq(b.state(), "idle", "disarmed: not watched")
}

async function staleWhilePaused() {
    const c = await armedRig()
    await touchUntilTreating(c, 1.5)
    c.forceN = 0
    c.tick()
    eq(c.state(), "paused")
    c.forceLive = false
    isTrue(await c.runUntilState("fault", 150), "paused: trips")
    eq(code(c), "force_stale")
}

async function restartsWhenLockedAreaLeft() {
    const d = await boundRig({ ledger: [{ areaId: "periorbital", punctures: 0, reservedPunctures: 30720, passes: 0, treatedMs: 0, overPressureCount: 0 }] })
    d.cmd({ kind: "toggle_arm" })
    eq(d.state(), "locked")
    d.forceLive = false
    await d.run(300)
    eq(d.state(), "locked", "locked: not watched")
    d.cmd({ kind: "select_area", areaId: "cheeks" })
    eq(d.state(), "armed")
    await d.run(50)
    eq(d.state(), "armed", "watched from the moment it armed again, not from the old arming")
    isTrue(await d.runUntilState("fault", 100), "then stale")
}

async function clearAtOpenRatio() {
    const o = await armedRig()
    o.ratio = 0.005
    await o.run(20)
    eq(code(o), "force_open")
    o.ratio = o.p.force.openBelowRatio
    o.tick()
    isTrue(o.cmd({ kind: "clear_fault" }).ok, "exactly openBelowRatio")
}

async function clearAtSaturatedRatio() {
    const s = await armedRig()
    s.ratio = 0.99
    await s.run(20)
    eq(code(s), "force_saturated")
    s.ratio = s.p.force.saturatedAboveRatio
    s.tick()
    isTrue(s.cmd({ kind: "clear_fault" }).ok, "exactly saturatedAboveRatio")
}

async function clearAtStaleAfter() {
    const t = await armedRig()
    t.forceLive = false
    isTrue(await t.runUntilState("fault", 150), "stale")
    t.forceLive = true
    t.tick()
    t.forceLive = false
    await t.run(t.p.force.staleAfterMs)
    isTrue(t.cmd({ kind: "clear_fault" }).ok, "exactly staleAfterMs since the last sample")
}

describe("fault edges", () => {
    test("H9 a tick overrun while paused trips", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(50)
        r.forceN = 0
        r.tick()
        r.tick() // a whole tick in paused: the gap follows it
        eq(r.state(), "paused")
        r.now += 150
        r.tick()
        eq(code(r), "tick_overrun", "gap while paused")
    })

    test("H12 a latched fault does not trip again while its condition lasts", async () => {
        const r = await boundRig()
        r.strokeBound = false
        r.tick()
        const at = r.pen.status().fault.atMs
        await r.run(200)
        eq(r.count("fault"), 1, "one fault event")
        eq(r.pen.status().fault.atMs, at, "the first trip is kept")
    })

    test("H1 H8 a depth exactly toleranceMm off counts as reached, settled and cleared", async () => {
        const r = await boundRig()
        isTrue(r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0, strokeHz: 100, passLimit: 2 }).ok, "0 mm")
        r.depthFollows = false // the actuator stays at 0.25 mm for the tick that commands 0 mm
        r.tick()
        eq(r.out.depthTargetMm, 0)
        r.depthActualMm = 0.1 // then settles exactly toleranceMm from 0 mm
        await r.run(50)
        eq(r.out.depthTargetMm, 0)
        eq(r.state(), "idle", "no fault at exactly the tolerance")
        r.cmd({ kind: "toggle_arm" })
        await touchUntilTreating(r, 1.5)
        r.forceN = 0
        await r.run(r.p.force.releaseDebounceMs + 20)
        eq(r.state(), "armed")
        // settled at exactly the tolerance: moving away trips at once, long before followTimeoutMs
        r.depthActualMm = 0.3
        r.tick()
        eq(code(r), "depth_not_following", "moved away after it had settled")
        r.depthActualMm = 0.1
        r.tick()
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "back at exactly the tolerance: clears")
    })

    test("H8 the first command not reached trips exactly after followTimeoutMs, saying how long", async () => {
        const r = new Rig()
        r.depthFollows = false
        r.depthActualMm = 1.0
        // the command counts from the first tick (5 ms): a slow boot is not the actuator's time
        await r.run(r.p.depth.followTimeoutMs + 5)
        eq(r.state(), "idle", "followTimeoutMs after the command: not yet")
        r.tick()
        eq(code(r), "depth_not_following")
        contains(r.pen.status().fault.message, "depth actuator at 1.00 mm, commanded 0.25 mm for 1505 ms (tolerance 0.10 mm)")
    })

    test("H8 a later command not reached says how long since that command", async () => {
        const r = await boundRig()
        r.depthFollows = false
        isTrue(r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.5, strokeHz: 100, passLimit: 2 }).ok, "edit")
        await r.run(r.p.depth.followTimeoutMs)
        eq(r.state(), "idle", "not yet")
        isTrue(await r.runUntilState("fault", 20), "trips")
        contains(r.pen.status().fault.message, "depth actuator at 0.25 mm, commanded 0.50 mm for 1505 ms (tolerance 0.10 mm)")
    })

    test("H8 H12 a depth actuator that never arrives is no fault, and arming is refused", async () => {
        const r = new Rig()
        r.depthBound = false
        r.depthFollows = false
        r.depthActualMm = NaN
        await r.run(2000)
        eq(r.state(), "idle", "never bound: nothing to lose")
        eq(r.cmd({ kind: "toggle_arm" }).message, "cannot arm: depth actuator not connected")
    })

    test("H4 exactly overspeedHz is not overspeed, and a clear at exactly overspeedHz is accepted", async () => {
        const pen = new Pen(copyProfile())
        let s = await runRaw(pen, 0, 600, 0, 9) // 9 strokes every 50 ms: exactly 180 strokes/s
        eq(pen.status().strokeMeasuredHz, 180)
        eq(pen.status().state, "idle", "180 strokes/s is not above 180")
        s = await runRaw(pen, 605, 900, s, 13) // 260 strokes/s
        eq(pen.status().fault ? pen.status().fault.code : "", "stroke_overspeed")
        await runRaw(pen, 905, 1100, s, 9)
        eq(pen.status().strokeMeasuredHz, 180)
        isTrue(pen.command(1100, { kind: "clear_fault" }).ok, "clear at exactly 180 strokes/s")
    })

    test("H4 overspeed is timed from its first reading, also right after boot", async () => {
        const r = new Rig()
        r.strokeHz = 250
        await r.run(110)
        eq(r.state(), "idle", "100 ms after the first reading at 10 ms: not yet")
        isTrue(await r.runUntilState("fault", 50), "then it trips")
        eq(code(r), "stroke_overspeed")
    })

    test("H5 a motor stalled from the start trips stroke_silent silentAfterMs after the drive passed silentAboveDuty, not before", async () => {
        const r = await armedRig()
        r.strokeHz = 0
        r.forceN = 1.5
        let t0 = -1
        for (let i = 0; i < 100 && t0 < 0; i++) {
            r.tick()
            if (r.out.needleDuty > r.p.stroke.silentAboveDuty) t0 = r.now
            if (i % 20 === 0) await breathe()
        }
        isTrue(t0 > 0, "driven above silentAboveDuty")
        isTrue(await r.runUntilState("fault", 400), "trips")
        eq(code(r), "stroke_silent")
        isTrue(r.now - t0 > r.p.stroke.silentAfterMs, "after " + (r.now - t0) + " ms")
    })

    test("H3 a fault in a pass counts the pass's last tick as treated", async () => {
        const r = await armedRig()
        await touchUntilTreating(r, 1.5)
        await r.run(100)
        const e = r.ledgerOf("periorbital")
        const before = e ? e.treatedMs : -1
        r.pressureBound = false
        r.tick()
        eq(code(r), "role_lost")
        const after = r.ledgerOf("periorbital")
        eq(after ? after.treatedMs : -1, before + 5, "the tick that tripped was treated")
    })

    test("H6 stale is watched while armed and paused, not after a disarm, and restarts when a locked area is left", async () => {
        // one rig at a time (each case in a function of its own): four live pens fill the VM's heap
        await staleWhileArmed()
        await notAfterDisarm()
        await staleWhilePaused()
        await restartsWhenLockedAreaLeft()
    })

    test("H6 H8 H12 a clear is judged on the fault's own condition only", async () => {
        const conditions = ["open", "saturated", "stale", "depth gone", "stroke gone", "overspeed", "depth off"]
        for (const c of conditions) {
            const r = await overrunRig()
            if (c === "open") r.ratio = 0.005
            if (c === "saturated") r.ratio = 0.99
            if (c === "stale") r.forceLive = false
            if (c === "depth gone") r.depthBound = false
            if (c === "stroke gone") r.strokeBound = false
            if (c === "overspeed") r.strokeHz = 250
            if (c === "depth off") {
                r.depthFollows = false
                r.depthActualMm = 2.0
            }
            await r.run(150)
            const res = r.cmd({ kind: "clear_fault" })
            isTrue(res.ok, "tick_overrun clears with " + c + ": " + res.message)
            if (c === "overspeed" || c === "depth off") {
                // after a clear the rules start afresh: overspeed is timed again, the actuator
                // gets followTimeoutMs to reach its command
                r.tick()
                eq(r.state(), "idle", "no fault in the first tick after the clear, with " + c)
                await r.run(150)
                eq(code(r), c === "overspeed" ? "stroke_overspeed" : "", "then " + c)
            }
        }
    })

    test("H6 a clear at exactly the open or saturated ratio, or exactly staleAfterMs after the last sample, is accepted", async () => {
        // one rig at a time: several live pens fill the VM's heap
        await clearAtOpenRatio()
        await clearAtSaturatedRatio()
        await clearAtStaleAfter()
    })
})
