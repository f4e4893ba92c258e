// The writer: the only path from the core's outputs to the hardware. It writes what is due, most
// urgent first (the stop before anything), each packet charged to the send budget where it is
// spent. Pure: `next()` picks the write that is due, the caller performs it and says `done()`, so
// one implementation serves three runners: the firmware performs writes on DeviceScript roles in
// its own fiber (drivers/hardware.ts, `pass`), Node tests on a fake bus (test/drivers/writer.test.ts),
// and the closed-loop simulator straight into the plant on a virtual clock (sim/closedloop.ts,
// `passSync`, a free function: the firmware never calls it, and the compiler keeps every method).
//
// Budget rule (drivers/budget.ts, core/limits.ts): a stop always goes; opening the bridge after it
// needs only a free packet; a new drive level leaves DRIVE_RESERVE_PACKETS for a stop; everything
// else leaves STOP_RESERVE_PACKETS.
import { DRIVE_FEED_MS, DRIVE_RESERVE_PACKETS, STOP_RESERVE_PACKETS } from "../core/limits"
import { Profile } from "../core/profile"
import { PenInputs, PenOutputs } from "../core/types"
import { COST_MS, SendBudget } from "./budget"
import { depthToAngleDeg } from "./depth"
import { ledColour } from "./led"

/**
 * a drive change smaller than this is not worth a packet: 0.002 duty is ~0.4 strokes/s at
 * needle.noLoadHzPerDuty (217), a tenth of what the rate meter resolves (one count, half a stroke,
 * in its 120 ms window: ~4 strokes/s)
 */
export const DUTY_DEADBAND = 0.002
/**
 * how often an unchanged stopped motor command is sent again (a rebooted motor driver gets it
 * back), and the depth angle while the actuator does not report it (a lost packet)
 */
export const REFRESH_MS = 500
/** how often the sensors are asked to keep streaming */
export const KEEPALIVE_MS = 1000
/** samples each keep-alive asks for (Jacdac streaming_samples, a u8): 2.5 s of reports at 10 ms */
export const KEEPALIVE_SAMPLES = 255
/**
 * the streaming interval written to the encoder and the accelerometer when each binds (ms): the
 * fastest a write gives (a board's server clamps a write to >= 20 ms, jacdac-c jd_sensor.c). Neither
 * has a streamingItv setting, and a board streams every 100 ms unless told: too slow for the
 * stroke count, and for the dwell rule's 1.5 s (the accelerometer's chip is read every ~15.4 ms,
 * services/accelerometer.c)
 */
export const SENSOR_STREAM_MS = 20
/** the sensors whose streaming interval is written (bits of `streamRebound`) */
export const ITV_STROKE = 1
export const ITV_MOTION = 2
/** least time between two log lines about failing writes */
export const WRITE_ERROR_LOG_MS = 1000

/** the writes, as `next()` returns them (OP_NONE: nothing due now) */
export const OP_NONE = 0
/** motor speed (duty 0..1) */
export const OP_SPEED = 1
/** motor bridge on (1) or off (0) */
export const OP_ENABLED = 2
/** depth servo angle (degrees), then its enable: two packets */
export const OP_DEPTH = 3
/** encoder streaming interval (ms) */
export const OP_STROKE_ITV = 4
/** status light colour 0xRRGGBB */
export const OP_COLOUR = 5
/** streaming keep-alive to sensor number `value` */
export const OP_KEEPALIVE = 6
/** accelerometer streaming interval (ms) */
export const OP_MOTION_ITV = 7

/** what the writer asks of the hardware besides the writes */
export interface WriterPort {
    /** whether a status light (Led role or the board's own) can show a colour */
    lightBound(): boolean
    /** sensors to keep streaming, in turn (0: none); whether sensor i is bound */
    sensorCount(): number
    sensorBound(i: number): boolean
    log(line: string): void
}

export class Writer {
    /** what was last written (-1 / NaN: unknown, written again) */
    private sentDuty = -1
    private sentDutyMs = 0
    private sentEnabled = false
    private sentAngle = NaN
    private sentAngleMs = 0
    private sentColour = -1
    /** the sensors (ITV_* bits) whose streaming interval is still to be written */
    private itvDue = 0
    private keepAliveMs = -1
    private keepAliveIdx = 0
    /** a write threw: try again soon (not a wait for budget, so settings requests need not wait); undefined (false) before the first next() */
    private retrySoon: boolean
    /** writes that threw */
    errors = 0
    private errorLoggedMs = -WRITE_ERROR_LOG_MS
    /** when the core last decided (`decided()`); -1: never */
    private decidedAtMs = -1
    /** the write `next()` returned and its value */
    op = OP_NONE
    value = 0
    /**
     * Called after every drive write: a board retriggers its motor stage's dead-man here (a GPIO
     * toggle, boards/*.main.ts). In the simulator the drive packet itself retriggers it. Undefined:
     * none (no initialiser: it costs firmware bytes)
     */
    onDriveWritten: () => void

    constructor(
        private profile: Profile,
        private port: WriterPort,
        private budget: SendBudget,
        /** needleSentDuty and depthSentMm are reported here; the role bindings are read from here */
        private inputs: PenInputs,
        private want: PenOutputs,
        private nowMs: () => number,
    ) {}

    /** the core has just decided: `want` is fresh */
    decided(nowMs: number) {
        this.decidedAtMs = nowMs
    }

    /** the motor was (un)bound: what it has is unknown */
    needleRebound() {
        this.sentDuty = -1
        this.inputs.needleSentDuty = -1
        this.sentEnabled = false
    }

    depthRebound() {
        this.sentAngle = NaN
        this.inputs.depthSentMm = NaN
    }

    lightRebound() {
        this.sentColour = -1
    }

    /** the encoder (ITV_STROKE) or the accelerometer (ITV_MOTION) was (un)bound: it needs its streaming interval, and to stream at once */
    streamRebound(sensor: number, bound: boolean) {
        this.itvDue = bound ? this.itvDue | sensor : this.itvDue & ~sensor
        this.keepAliveMs = -1
    }

    /** a sensor was (un)bound: ask every sensor to stream at once */
    sensorRebound() {
        this.keepAliveMs = -1
    }

    /**
     * Performs what is due until nothing is (or what is due waits for budget). A write that throws
     * does not end the writer: what the hardware has is unknown, so everything is written again,
     * and the core sees needleSentDuty -1 (drive_mismatch if it lasts).
     */
    async pass(perform: (op: number, value: number) => Promise<void>): Promise<void> {
        try {
            while (this.next() !== OP_NONE) {
                await perform(this.op, this.value)
                this.done()
            }
        } catch (e) {
            this.failed(e)
        }
    }

    /** how long the writer may sleep before its next pass (a decision wakes it sooner) */
    idleMs(): number {
        // awake at least every DRIVE_FEED_MS / 2 while driven, so the dead-man's feed is never late
        return this.budget.writerWaiting || this.retrySoon ? COST_MS : this.sentDuty > 0 ? DRIVE_FEED_MS / 2 : REFRESH_MS / 5
    }

    /** the write that `next()` returned completed */
    done() {
        const v = this.value
        if (this.op === OP_SPEED) {
            this.sentDuty = v
            this.inputs.needleSentDuty = v
            if (this.onDriveWritten) this.onDriveWritten()
        } else if (this.op === OP_ENABLED) this.sentEnabled = v === 1
        this.op = OP_NONE
    }

    /** the write that `next()` returned threw: what the hardware has is unknown, write it all again */
    failed(e: any) {
        this.errors++
        this.needleRebound()
        this.sentEnabled = !this.want.needleEnabled
        this.depthRebound()
        this.sentColour = -1
        // the streaming intervals too (sent only to a bound sensor): a failed one is not left at a board's 100 ms
        this.itvDue = ITV_STROKE | ITV_MOTION
        this.retrySoon = true
        this.op = OP_NONE
        const now = this.nowMs()
        if (now - this.errorLoggedMs >= WRITE_ERROR_LOG_MS) {
            this.errorLoggedMs = now
            this.port.log(`EVENT error writer: a bus write failed (${this.errors} so far): ${e}`)
        }
    }

    /**
     * The write that is due now, most urgent first, charged to the budget; OP_NONE when nothing
     * is due or what is due waits for budget. The caller performs it, then calls done() or failed().
     */
    next(): number {
        const budget = this.budget
        const inp = this.inputs
        const nowMs = this.nowMs()
        // a decision older than control.overrunAfterMs is no decision: the core has stopped, so
        // the writer stops the needle itself and stops feeding the motor stage's dead-man
        const fresh = this.decidedAtMs >= 0 && nowMs - this.decidedAtMs <= this.profile.control.overrunAfterMs
        const duty = fresh ? this.want.needleDuty : 0
        budget.writerWaiting = false
        this.retrySoon = false
        if (inp.needleBound) {
            // a stop always goes, whatever the budget: it is what the reserve is kept for
            if (duty === 0 && this.sentDuty !== 0) {
                this.sentDutyMs = nowMs
                return this.take(nowMs, OP_SPEED, 0, 1)
            }
            // other drive changes at most every driveWriteMs, and a refresh now and then: while
            // driven every DRIVE_FEED_MS, which feeds the motor stage's dead-man (limits.ts)
            const change = duty !== 0 && Math.abs(duty - this.sentDuty) > DUTY_DEADBAND && nowMs - this.sentDutyMs >= this.profile.control.driveWriteMs
            const refreshMs = this.sentDuty > 0 ? DRIVE_FEED_MS : REFRESH_MS
            if (change || nowMs - this.sentDutyMs >= refreshMs) {
                // a new drive level leaves one packet for a stop
                if (!budget.allows(nowMs, 1, DRIVE_RESERVE_PACKETS)) return this.later()
                this.sentDutyMs = nowMs
                return this.take(nowMs, OP_SPEED, duty, 1)
            }
            // the bridge as the core decides (on while armed and while speed 0 brakes the needle),
            // after the stop, which went first above
            const enable = this.want.needleEnabled
            if (enable !== this.sentEnabled && (enable || this.sentDuty === 0)) {
                if (!budget.allows(nowMs, 1, enable ? STOP_RESERVE_PACKETS : 0)) return this.later()
                return this.take(nowMs, OP_ENABLED, enable ? 1 : 0, 1)
            }
        }
        // a streaming interval, to a bound sensor only (the encoder first)
        const itv = this.itvDue & ((inp.strokeBound ? ITV_STROKE : 0) | (inp.motionBound ? ITV_MOTION : 0))
        if (itv !== 0) {
            if (!budget.allows(nowMs, 1, STOP_RESERVE_PACKETS)) return this.later()
            const sensor = itv & ITV_STROKE ? ITV_STROKE : ITV_MOTION
            this.itvDue &= ~sensor
            return this.take(nowMs, sensor === ITV_STROKE ? OP_STROKE_ITV : OP_MOTION_ITV, SENSOR_STREAM_MS, 1)
        }
        const angle = depthToAngleDeg(this.profile.depth, this.want.depthTargetMm)
        // a new angle; the same again while the actuator does not report it REFRESH_MS after it
        // was sent (a servo write is not acknowledged: a lost one would leave the actuator where it
        // was until depth_not_following stops the treatment)
        const depthAway = !(Math.abs(inp.depthActualMm - this.want.depthTargetMm) <= this.profile.depth.toleranceMm)
        if (inp.depthBound && angle === angle && (angle !== this.sentAngle || (depthAway && nowMs - this.sentAngleMs >= REFRESH_MS))) {
            if (!budget.allows(nowMs, 2, STOP_RESERVE_PACKETS)) return this.later()
            this.sentAngle = angle
            this.sentAngleMs = nowMs
            // told from now: a write that throws makes it unknown again (failed())
            inp.depthSentMm = this.want.depthTargetMm
            return this.take(nowMs, OP_DEPTH, angle, 2)
        }
        const colour = ledColour(this.want.indicator, this.want.passesUsed, nowMs)
        if (colour !== this.sentColour && this.port.lightBound()) {
            if (!budget.allows(nowMs, 1, STOP_RESERVE_PACKETS)) return this.later()
            this.sentColour = colour
            return this.take(nowMs, OP_COLOUR, colour, 1)
        }
        const sensors = this.port.sensorCount()
        if (sensors > 0 && (this.keepAliveMs < 0 || nowMs - this.keepAliveMs >= KEEPALIVE_MS)) {
            // sensors stream while streaming_samples > 0 (KEEPALIVE_SAMPLES last 2.5 s at 10 ms).
            // One packet per call, each leaving STOP_RESERVE_PACKETS for a stop; an unbound one costs nothing.
            if (!budget.allows(nowMs, 1, STOP_RESERVE_PACKETS)) return this.later()
            const i = this.keepAliveIdx++
            if (this.keepAliveIdx >= sensors) {
                this.keepAliveIdx = 0
                this.keepAliveMs = nowMs
            }
            if (this.port.sensorBound(i)) return this.take(nowMs, OP_KEEPALIVE, i, 1)
            return this.next()
        }
        return OP_NONE
    }

    /** the write to perform, its packets charged where they are spent */
    private take(nowMs: number, op: number, value: number, packets: number): number {
        for (let k = 0; k < packets; k++) this.budget.spend(nowMs)
        this.op = op
        this.value = value
        return op
    }

    /** something is due but must wait for budget: come back soon */
    private later(): number {
        this.budget.writerWaiting = true
        return OP_NONE
    }
}

/**
 * `Writer.pass` for a caller whose writes complete at once (the closed-loop simulator, tests).
 * A free function, not a method: the firmware does not use it, and DeviceScript compiles every
 * class method into the image (an unused free function is dropped).
 */
export function passSync(w: Writer, perform: (op: number, value: number) => void) {
    while (w.next() !== OP_NONE) {
        perform(w.op, w.value)
        w.done()
    }
}
