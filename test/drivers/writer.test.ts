// The writer (drivers/writer.ts), the only path from the core's outputs to the hardware, against a
// recording fake bus on a virtual clock: what reaches the motor, in which order, within which
// packet budget, and what happens when a write throws.
import { describe, expect, test } from "vitest"
import { COST_MS, SendBudget, WRITER_FIRST_MAX_MS } from "../../drivers/budget"
import { STOP_RESERVE_PACKETS } from "../../core/limits"
import { ITV_MOTION, REFRESH_MS, SENSOR_STREAM_MS, OP_DEPTH, OP_ENABLED, OP_MOTION_ITV, OP_SPEED, Writer, WriterPort } from "../../drivers/writer"
import { DRIVE_FEED_MS } from "../../core/limits"
import { PenInputs, PenOutputs } from "../../core/types"
import { FACTORY_PROFILE } from "../../src/profile.g"

interface Sent {
    tMs: number
    what: string
    value: number | boolean
    /** packets left in the budget after this one was charged */
    leftAfter: number
}

const NAMES = ["", "speed", "enabled", "angle", "strokeItv", "colour", "keepAlive", "motionItv"]

/** the bus as the writer sees it; `perform` records every write with the budget left after it */
class FakeBus implements WriterPort {
    sent: Sent[] = []
    logs: string[] = []
    /** the next `failSpeed` speed writes throw */
    failSpeed = 0
    /** the next `failMotionItv` accelerometer interval writes throw */
    failMotionItv = 0
    /** the next `failAngle` depth servo writes throw */
    failAngle = 0
    constructor(private clock: { now: number }, private budget: SendBudget) {}
    lightBound() {
        return true
    }
    sensorCount() {
        return 5
    }
    sensorBound() {
        return true
    }
    log(line: string) {
        this.logs.push(line)
    }
    perform = async (op: number, value: number) => {
        if (op === OP_SPEED && this.failSpeed > 0) {
            this.failSpeed--
            throw new Error("motor write failed")
        }
        if (op === OP_DEPTH && this.failAngle > 0) {
            this.failAngle--
            throw new Error("servo write failed")
        }
        if (op === OP_MOTION_ITV && this.failMotionItv > 0) {
            this.failMotionItv--
            throw new Error("interval write failed")
        }
        this.sent.push({
            tMs: this.clock.now, what: NAMES[op], value: op === OP_ENABLED ? value === 1 : value,
            leftAfter: this.budget.available(this.clock.now),
        })
    }
    speeds(): Sent[] {
        return this.sent.filter((s) => s.what === "speed")
    }
}

function rig() {
    const clock = { now: 1000 }
    const budget = new SendBudget()
    const inputs: PenInputs = {
        nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1, depthActualMm: NaN,
        needleBound: true, depthBound: true, pressureBound: true, strokeBound: true, needleSentDuty: -1,
    }
    const want: PenOutputs = { needleDuty: 0, depthTargetMm: 1, indicator: "ready", passesUsed: 0, needleEnabled: true }
    const bus = new FakeBus(clock, budget)
    const w = new Writer(FACTORY_PROFILE, bus, budget, inputs, want, () => clock.now)
    /** the core decides every 5 ms unless stopped */
    const core = { deciding: true }
    /** run the writer as its fiber does, for `ms` of virtual time in 1 ms steps */
    const run = async (ms: number) => {
        const end = clock.now + ms
        let wakeAt = clock.now
        while (clock.now < end) {
            if (core.deciding && clock.now % 5 === 0) w.decided(clock.now)
            if (clock.now >= wakeAt) {
                await w.pass(bus.perform)
                wakeAt = clock.now + w.idleMs()
            }
            clock.now += 1
        }
    }
    return { clock, budget, inputs, want, bus, w, run, core }
}

describe("writer", () => {
    test("H13 a motor write that throws does not end the writer: the drive is reported unknown, and the next stop reaches the motor", async () => {
        const r = rig()
        await r.run(100)
        r.want.needleDuty = 0.5
        r.bus.failSpeed = 1
        await r.run(5)
        expect(r.inputs.needleSentDuty, "unknown after the failed write").toBe(-1)
        expect(r.bus.logs.join("\n")).toMatch(/EVENT error writer: a bus write failed \(1 so far\): .*motor write failed/)
        await r.run(100)
        expect(r.inputs.needleSentDuty).toBe(0.5)
        r.want.needleDuty = 0
        const t0 = r.clock.now
        await r.run(5)
        const stop = r.bus.speeds().find((s) => s.tMs >= t0 && s.value === 0)
        expect(stop, "the stop was written").toBeDefined()
        expect(r.inputs.needleSentDuty).toBe(0)
    })

    test("H13 a motor that keeps failing: the writer keeps trying every packet slot and logs at most once a second", async () => {
        const r = rig()
        r.want.needleDuty = 0.5
        r.bus.failSpeed = 1000
        await r.run(3000)
        expect(r.inputs.needleSentDuty).toBe(-1)
        expect(r.bus.logs.length).toBeGreaterThanOrEqual(3)
        expect(r.bus.logs.length).toBeLessThanOrEqual(4)
        r.bus.failSpeed = 0
        await r.run(COST_MS * 3)
        expect(r.inputs.needleSentDuty).toBe(0.5)
    })

    test("H2 a stop goes out at once even when the budget is spent; nothing else does", async () => {
        const r = rig()
        r.want.needleDuty = 0.4
        await r.run(500)
        for (let i = 0; i < 10; i++) r.budget.spend(r.clock.now)
        r.want.needleDuty = 0
        r.want.depthTargetMm = 2
        const n = r.bus.sent.length
        await r.run(1)
        expect(r.bus.sent.slice(n).map((s) => `${s.what} ${s.value}`)).toEqual(["speed 0"])
    })

    test("H2 charge where you spend: every write but a stop leaves the stop's reserve in the budget", async () => {
        const r = rig()
        // a busy minute: drive changes, area changes, the light blinking the passes
        for (let k = 0; k < 60; k++) {
            r.want.needleDuty = k % 3 === 0 ? 0 : 0.2 + (k % 7) * 0.1
            r.want.depthTargetMm = (k % 4) * 0.5
            r.want.indicator = k % 5 === 0 ? "locked" : "ready"
            r.want.passesUsed = k % 3
            await r.run(1000)
        }
        expect(r.bus.sent.length).toBeGreaterThan(300)
        for (const s of r.bus.sent) {
            const stop = s.what === "speed" && s.value === 0
            const drive = s.what === "speed" && s.value !== 0
            const disable = s.what === "enabled" && s.value === false
            const least = stop || disable ? -1 : drive ? 1 : s.what === "angle" ? STOP_RESERVE_PACKETS - 1 : STOP_RESERVE_PACKETS
            expect(s.leftAfter, `${s.what} ${s.value} at ${s.tMs}`).toBeGreaterThanOrEqual(least)
        }
    })

    test("H8 the depth the actuator was told is reported as its write goes out (depthSentMm), not while the budget holds it back; unknown after a rebind or a failed write", async () => {
        const r = rig()
        await r.run(100)
        expect(r.inputs.depthSentMm, "the first command, written").toBe(1)
        for (let i = 0; i < 10; i++) r.budget.spend(r.clock.now)
        r.want.depthTargetMm = 2
        await r.run(COST_MS)
        expect(r.bus.sent.filter((s) => s.what === "angle").length, "held back").toBe(1)
        expect(r.inputs.depthSentMm, "still the old depth while the write waits").toBe(1)
        await r.run(300)
        expect(r.bus.sent.filter((s) => s.what === "angle").length).toBe(2)
        expect(r.inputs.depthSentMm).toBe(2)
        r.w.depthRebound()
        expect(r.inputs.depthSentMm, "a new device: unknown").toBeNaN()
        await r.run(100)
        expect(r.inputs.depthSentMm).toBe(2)
        r.want.depthTargetMm = 0.5
        r.bus.failAngle = 1
        await r.run(5)
        expect(r.inputs.depthSentMm, "the write threw: unknown").toBeNaN()
        // everything is written again after a failure, the stop first: the angle within a few packet slots
        await r.run(300)
        expect(r.inputs.depthSentMm, "written again").toBe(0.5)
    })

    test("H8 the depth angle is sent again every REFRESH_MS while the actuator does not report the commanded depth (a lost servo write), never while it does", async () => {
        const r = rig()
        const angles = () => r.bus.sent.filter((s) => s.what === "angle").map((s) => s.tMs)
        r.inputs.depthActualMm = 0
        await r.run(100)
        expect(angles().length, "the first command").toBe(1)
        const sentAt = angles()[0]
        // the actuator stays at 0 mm: the write never reached it
        await r.run(sentAt + REFRESH_MS - 1 - r.clock.now)
        expect(angles().length, "not before REFRESH_MS").toBe(1)
        await r.run(REFRESH_MS)
        expect(angles().length, "sent again").toBe(2)
        // the writer wakes every REFRESH_MS / 5 while the needle is stopped
        expect(angles()[1] - sentAt).toBeLessThanOrEqual(REFRESH_MS + REFRESH_MS / 5)
        expect(r.bus.sent.filter((s) => s.what === "angle").map((s) => s.value), "the same angle").toEqual(Array(2).fill(r.bus.sent.find((s) => s.what === "angle")!.value))
        expect(r.inputs.depthSentMm, "the same command").toBe(1)
        // within the tolerance of the command: there, nothing more
        r.inputs.depthActualMm = 1 - FACTORY_PROFILE.depth.toleranceMm / 2
        await r.run(3 * REFRESH_MS)
        expect(angles().length).toBe(2)
        // no reading at all (NaN) is not there either: sent again at the writer's next pass
        r.inputs.depthActualMm = NaN
        await r.run(REFRESH_MS / 5)
        expect(angles().length).toBe(3)
    })

    /**
     * a console flooding requests: the next reply is ready as soon as one went, and goes when the rule
     * lets it (checked every ms); each reply's budget left after it is recorded
     */
    function floodingConsole(r: ReturnType<typeof rig>) {
        const left: number[] = []
        let readyAt = r.clock.now
        const run = async (ms: number) => {
            for (let i = 0; i < ms; i++) {
                if (r.budget.replyMayGo(r.clock.now, STOP_RESERVE_PACKETS, r.clock.now - readyAt)) {
                    r.budget.spend(r.clock.now)
                    left.push(r.budget.available(r.clock.now))
                    readyAt = r.clock.now
                }
                await r.run(1)
            }
        }
        return { left, run }
    }

    test("H8 H9 a console replying as fast as the budget frees packets cannot hold back the depth write: replies wait while the writer does (SendBudget.replyMayGo)", async () => {
        const r = rig()
        r.inputs.depthActualMm = 1
        await r.run(100)
        const c = floodingConsole(r)
        await c.run(500)
        const before = r.bus.sent.filter((s) => s.what === "angle").length
        // an area change: a new depth, two packets (angle, enable) and the reserve
        r.want.depthTargetMm = 2
        await c.run(200)
        const angles = r.bus.sent.filter((s) => s.what === "angle")
        expect(angles.length, "the new angle went out while the console flooded").toBe(before + 1)
        expect(angles[angles.length - 1].tMs - (r.clock.now - 200), "within WRITER_FIRST_MAX_MS and a packet slot").toBeLessThanOrEqual(WRITER_FIRST_MAX_MS + COST_MS)
        expect(r.inputs.depthSentMm).toBe(2)
        // the console was not shut out: most of the one packet per COST_MS the budget frees
        expect(c.left.length).toBeGreaterThan((700 / COST_MS) * 0.7)
        // every reply and every write but a stop left the stop its reserve
        for (const n of c.left) expect(n).toBeGreaterThanOrEqual(STOP_RESERVE_PACKETS)
        for (const x of r.bus.sent) expect(x.leftAfter).toBeGreaterThanOrEqual(x.what === "speed" && x.value === 0 ? 0 : STOP_RESERVE_PACKETS)
    })

    test("H8 H9 H13 a depth write that keeps throwing (sent again every packet slot) does not shut the console out: a reply waits for the writer WRITER_FIRST_MAX_MS at most", async () => {
        const r = rig()
        r.inputs.depthActualMm = 1
        await r.run(100)
        r.bus.failAngle = 1_000_000
        r.want.depthTargetMm = 2
        const c = floodingConsole(r)
        await c.run(1000)
        expect(r.bus.sent.filter((s) => s.what === "angle").length, "the angle never reached the servo").toBe(1)
        // about one reply per WRITER_FIRST_MAX_MS at the least, none dropped by a console's 1 s wait
        expect(c.left.length).toBeGreaterThanOrEqual(1000 / (WRITER_FIRST_MAX_MS + COST_MS) - 1)
        for (const n of c.left) expect(n).toBeGreaterThanOrEqual(STOP_RESERVE_PACKETS)
    })

    test("H9 while driven, the drive is written at least every DRIVE_FEED_MS (it feeds the motor stage's dead-man)", async () => {
        const r = rig()
        r.want.needleDuty = 0.5
        await r.run(100)
        const from = r.clock.now
        await r.run(3000)
        const t = r.bus.speeds().filter((s) => s.tMs >= from).map((s) => s.tMs)
        let worst = 0
        for (let i = 1; i < t.length; i++) worst = Math.max(worst, t[i] - t[i - 1])
        expect(worst).toBeLessThanOrEqual(DRIVE_FEED_MS + COST_MS)
    })

    test("H9 when the core stops deciding, the writer stops the needle after control.overrunAfterMs and stops feeding the dead-man", async () => {
        const r = rig()
        r.want.needleDuty = 0.5
        await r.run(300)
        r.core.deciding = false
        const t0 = r.clock.now
        await r.run(2000)
        const stop = r.bus.speeds().find((s) => s.tMs > t0 && s.value === 0)
        expect(stop, "a stop was written").toBeDefined()
        expect(stop!.tMs - t0).toBeLessThanOrEqual(FACTORY_PROFILE.control.overrunAfterMs + 10)
        const driven = r.bus.speeds().filter((s) => s.tMs > stop!.tMs && s.value !== 0)
        expect(driven, "no drive after it").toEqual([])
    })

    test("H15 the accelerometer, once bound, is asked to stream every 20 ms (a board streams every 100 ms unless told), within the stop's reserve; again after a rebind", async () => {
        const r = rig()
        await r.run(100)
        const itv = () => r.bus.sent.filter((s) => s.what === "motionItv")
        expect(itv().length, "not bound: nothing asked").toBe(0)
        r.inputs.motionBound = true
        r.w.streamRebound(ITV_MOTION, true)
        await r.run(200)
        expect(itv().map((s) => s.value)).toEqual([SENSOR_STREAM_MS])
        expect(SENSOR_STREAM_MS).toBe(20)
        expect(itv()[0].leftAfter).toBeGreaterThanOrEqual(STOP_RESERVE_PACKETS)
        // unbound and bound again (a restarted board forgets the interval): asked again
        r.inputs.motionBound = false
        r.w.streamRebound(ITV_MOTION, false)
        await r.run(100)
        r.inputs.motionBound = true
        r.w.streamRebound(ITV_MOTION, true)
        await r.run(200)
        expect(itv().length).toBe(2)
    })

    test("H15 an accelerometer interval write that throws is written again (not left at a board's 100 ms)", async () => {
        const r = rig()
        await r.run(100)
        r.bus.failMotionItv = 1
        r.inputs.motionBound = true
        r.w.streamRebound(ITV_MOTION, true)
        await r.run(300)
        const itv = r.bus.sent.filter((s) => s.what === "motionItv")
        expect(itv.map((s) => s.value)).toEqual([SENSOR_STREAM_MS])
        expect(r.bus.logs.join("\n")).toMatch(/interval write failed/)
    })

    test("H4 the bridge opens only after the stop was written", async () => {
        const r = rig()
        r.want.needleDuty = 0.5
        await r.run(200)
        r.want.needleDuty = 0
        r.want.needleEnabled = false
        await r.run(50)
        const i0 = r.bus.sent.findIndex((s) => s.what === "speed" && s.value === 0)
        const i1 = r.bus.sent.findIndex((s) => s.what === "enabled" && s.value === false)
        expect(i0).toBeGreaterThanOrEqual(0)
        expect(i1).toBeGreaterThan(i0)
    })
})
