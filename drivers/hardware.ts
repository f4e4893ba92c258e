// The pen's hardware as Jacdac roles, turned into core inputs (units, calibration) and core
// outputs turned into role writes. The only place the firmware touches hardware.
//
// Role      Service        Meaning
// needle    Motor          cartridge motor, speed 0..1 = PWM duty
// depth     Servo          depth actuator; angle <-> mm by devs.json depth calibration
// depthPos  Potentiometer  depth feedback pot as an ADC ratio 0..1 -> mm (devs.json depth.feedback*);
//                          Potentiometers bind in name order: depthPos before pressure
// pressure  Potentiometer  FSR divider as an ADC ratio 0..1 -> newtons by devs.json force.curve
// stroke    RotaryEncoder  cam pulse count, devs.json stroke.countsPerStroke counts per stroke
// trigger   Button         run/stop (arm), hold = clear fault        } roles of a class bind in
// area      Button         next treatment area                       } name order: area first
// status    Led            operator feedback colour (optional; else the board's status light)
import * as ds from "@devicescript/core"
import { Profile } from "../src/core/profile"
import { Indicator, PenInputs, PenOutputs } from "../src/core/types"
import { depthToAngleDeg, feedbackRatioToDepthMm } from "./depth"
import { COST_MS, SendBudget } from "./budget"
import { ratioToForceN } from "./force"
import { ExternalForceSink } from "./forcesink"
import { ledColour } from "./led"

/**
 * After a stop, the bridge stays enabled this long before `enabled` may go false: with the
 * TB6612FNG wiring (docs/HARDWARE.md) speed 0 is a short brake, disabled is coast. The 0816 motor
 * brakes to rest in ~20 ms and coasts for up to ~130 ms (sim/plant, measured with stepPlant).
 */
const BRAKE_HOLD_MS = 250
/** how often an unchanged motor command is sent again (a rebooted motor driver gets it back) */
const REFRESH_MS = 500
/** how often the sensors are asked to keep streaming (each request lasts 255 samples) */
const KEEPALIVE_MS = 1000
/** Jacdac `reading` register (0x101) of sensors */
const REG_READING = 0x101

/** button levels and what was last sent, kept where role callbacks can reach it */
export interface HardwareLatch {
    triggerPressed: boolean
    areaPressed: boolean
    sentDuty: number
    sentEnabled: boolean
    sentDutyMs: number
    /** when speed 0 was last sent after a drive (the brake's start) */
    stoppedAtMs: number
    sentAngle: number
    /** the status pixel colour last sent, 0xRRGGBB (-1: unknown) */
    sentColour: number
    writer: ds.Fiber | undefined
    nowMs: number
    pending: boolean
    /** when the sensors were last told to keep streaming (-1: at once), and the next one to tell */
    keepAliveMs: number
    keepAliveIdx: number
    /** force comes from another driver (a load cell, drivers/loadcell.ts): the pressure role is ignored */
    forceExternal: boolean
}

export class PenHardware implements ExternalForceSink {
    readonly needle = new ds.Motor("needle")
    readonly depth = new ds.Servo("depth")
    readonly depthPos = new ds.Potentiometer("depthPos")
    readonly pressure = new ds.Potentiometer("pressure")
    readonly stroke = new ds.RotaryEncoder("stroke")
    readonly trigger = new ds.Button("trigger")
    readonly area = new ds.Button("area")
    readonly status = new ds.Led("status")
    /** the own device's control service: its status light (a board's `led` block) when `status` is unbound */
    private readonly light = new ds.Control("control[int:0]")
    /** the sensors the writer keeps streaming, one packet each */
    private readonly sensors: ds.Sensor[] = [this.pressure, this.depthPos, this.stroke, this.trigger, this.area]

    /** every packet this firmware sends is charged here (see budget.ts) */
    readonly budget = new SendBudget()

    readonly inputs: PenInputs = {
        nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1,
        depthActualMm: NaN, needleBound: false, depthBound: false, pressureBound: false, strokeBound: false,
    }
    readonly latch: HardwareLatch = {
        triggerPressed: false, areaPressed: false, sentDuty: -1, sentEnabled: false, sentDutyMs: 0, stoppedAtMs: 0,
        sentAngle: NaN, sentColour: -1, writer: undefined, nowMs: 0, pending: false, keepAliveMs: -1, keepAliveIdx: 0,
        forceExternal: false,
    }

    /** `onForce` runs after every force sample (the fast path of the over-pressure cutoff); it must not wait */
    constructor(private profile: Profile, private onForce: () => void) {
        // DeviceScript closures cannot capture `this`: they capture these locals instead
        const inp = this.inputs
        const latch = this.latch
        const pressure = this.pressure
        const stroke = this.stroke
        const curve = profile.force.curve
        const budget = this.budget
        // Readings come in through report(), not reading.subscribe(): DeviceScript's core library
        // answers every announce of a device whose reading has a subscriber with a packet of its
        // own (streaming_samples, or a refresh), up to 5 packets every 500 ms outside our budget.
        // The writer sends the streaming keep-alives instead (writeOne), within the budget.
        pressure.report().subscribe((pkt: ds.Packet) => {
            if (latch.forceExternal || !pkt.isRegGet || pkt.regCode !== REG_READING) return
            const ratio: number = pkt.decode()
            inp.forceRatio = ratio
            inp.forceN = ratioToForceN(curve, ratio)
            inp.forceSampleMs = ds.millis()
            onForce()
        })
        const perStroke = profile.stroke.countsPerStroke
        stroke.report().subscribe((pkt: ds.Packet) => {
            if (!pkt.isRegGet || pkt.regCode !== REG_READING) return
            const count: number = pkt.decode()
            inp.strokes = count / perStroke
            inp.strokeSampleMs = ds.millis()
        })
        const depthCal = profile.depth
        // the actuator's position from its feedback pot (the on-board servo server reports none)
        this.depthPos.report().subscribe((pkt: ds.Packet) => {
            if (pkt.isRegGet && pkt.regCode === REG_READING) inp.depthActualMm = feedbackRatioToDepthMm(depthCal, pkt.decode())
        })
        // the streamed reading (0..1), not down/up events: a lost event cannot leave a button stuck
        this.trigger.report().subscribe((pkt: ds.Packet) => {
            if (pkt.isRegGet && pkt.regCode === REG_READING) latch.triggerPressed = pkt.decode() > 0.5
        })
        this.area.report().subscribe((pkt: ds.Packet) => {
            if (pkt.isRegGet && pkt.regCode === REG_READING) latch.areaPressed = pkt.decode() > 0.5
        })
        this.needle.binding().subscribe((b: boolean) => {
            inp.needleBound = b
            latch.sentDuty = -1
            latch.sentEnabled = false
        })
        this.depth.binding().subscribe((b: boolean) => {
            inp.depthBound = b
            if (!b) inp.depthActualMm = NaN
            latch.sentAngle = NaN
        })
        this.depthPos.binding().subscribe((b: boolean) => {
            latch.keepAliveMs = -1
            if (!b) inp.depthActualMm = NaN
        })
        // No streamingInterval writes for the analog sensors: on-board servers clamp a written
        // interval to >= 20 ms (jacdac-c jd_sensor.c), the board file's streamingItv (10 ms) applies,
        // and the simulator pushes its reports itself. The encoder has no streamingItv setting
        // (100 ms default on a board): 20 ms, the fastest a write gives, one budgeted packet.
        pressure.binding().subscribe((b: boolean) => {
            if (latch.forceExternal) return
            inp.pressureBound = b
            latch.keepAliveMs = -1
        })
        stroke.binding().subscribe(async (b: boolean) => {
            inp.strokeBound = b
            latch.keepAliveMs = -1
            if (b) {
                budget.spend(ds.millis())
                await stroke.streamingInterval.write(20)
            }
        })
        this.trigger.binding().subscribe((b: boolean) => {
            latch.keepAliveMs = -1
            if (!b) latch.triggerPressed = false
        })
        this.status.binding().subscribe(() => {
            latch.sentColour = -1
        })
        this.area.binding().subscribe((b: boolean) => {
            latch.keepAliveMs = -1
            if (!b) latch.areaPressed = false
        })
    }

    /** from now on force comes from `externalForce` (a load-cell driver), not the pressure role */
    useExternalForce() {
        this.latch.forceExternal = true
        this.inputs.pressureBound = false
    }

    /** a force sample from the external driver: the same fast path as a pressure report */
    externalForce(forceN: number, ratio: number) {
        const inp = this.inputs
        inp.forceRatio = ratio
        inp.forceN = forceN
        inp.forceSampleMs = ds.millis()
        this.onForce()
    }

    /** the external force sensor works (true) or was lost (false: the core treats it as a lost role) */
    externalForceBound(bound: boolean) {
        this.inputs.pressureBound = bound
    }

    /** the outputs the core decided last; `flush` writes them */
    readonly want: PenOutputs = { needleDuty: 0, depthTargetMm: NaN, indicator: "off", passesUsed: 0 }

    /** record a decision; never waits on the bus */
    decide(out: PenOutputs, nowMs: number) {
        this.want.needleDuty = out.needleDuty
        this.want.depthTargetMm = out.depthTargetMm
        this.want.indicator = out.indicator
        this.want.passesUsed = out.passesUsed
        this.latch.nowMs = nowMs
    }

    /**
     * The writer: runs in its own fiber for the life of the firmware. It writes what is due, most
     * urgent first, then sleeps until `wake()` (or refreshMs). A slow write holds up only this
     * fiber; decisions keep running, and the next write is always the newest decision, so a stop
     * waits for at most the one write already on the wire.
     */
    async writerLoop() {
        this.latch.writer = ds.Fiber.self()
        while (true) {
            let wrote = true
            while (wrote) wrote = await this.writeOne()
            await ds.suspend(this.latch.pending ? COST_MS : REFRESH_MS / 5)
        }
    }

    /** called after each decision: resume the writer if it sleeps */
    wake() {
        const w = this.latch.writer
        if (w && w.suspended) w.resume(0)
    }

    /**
     * One write, most urgent first. Returns false when nothing is due now (or what is due must
     * wait for budget). Budget rule: a stop always goes; a new drive level leaves one packet for a
     * stop; everything else leaves two.
     */
    private async writeOne(): Promise<boolean> {
        const latch = this.latch
        const budget = this.budget
        const nowMs = ds.millis()
        const duty = this.want.needleDuty
        latch.pending = false
        if (this.inputs.needleBound) {
            if (duty === 0 && latch.sentDuty !== 0) {
                await this.send(this.needle.speed, 0)
                latch.sentDuty = 0
                latch.sentDutyMs = nowMs
                latch.stoppedAtMs = nowMs
                return true
            }
            // other drive changes at most every driveWriteMs, and a refresh now and then
            const change = duty !== 0 && Math.abs(duty - latch.sentDuty) > 0.002 && nowMs - latch.sentDutyMs >= this.profile.control.driveWriteMs
            if (change || nowMs - latch.sentDutyMs >= REFRESH_MS) {
                if (!budget.allows(nowMs, 1, 1)) return this.later()
                latch.sentDuty = duty
                latch.sentDutyMs = nowMs
                await this.send(this.needle.speed, duty)
                return true
            }
            // enabled follows arming, not every cutoff: a stop is speed 0, one packet (a short brake
            // on the TB6612FNG wiring). Disabling (coast) waits until the brake has held the needle.
            const enable = this.want.indicator !== "off" && this.want.indicator !== "fault"
            const braking = latch.sentDuty !== 0 || nowMs - latch.stoppedAtMs < BRAKE_HOLD_MS
            if (enable !== latch.sentEnabled && (enable || !braking)) {
                if (!budget.allows(nowMs, 1, enable ? 2 : 0)) return this.later()
                latch.sentEnabled = enable
                await this.send(this.needle.enabled, enable)
                return true
            }
        }
        const angle = depthToAngleDeg(this.profile.depth, this.want.depthTargetMm)
        if (this.inputs.depthBound && angle === angle && angle !== latch.sentAngle) {
            if (!budget.allows(nowMs, 2, 2)) return this.later()
            latch.sentAngle = angle
            await this.send(this.depth.angle, angle)
            await this.send(this.depth.enabled, true)
            return true
        }
        // the Led role if bound, else the board's status light (set_status_light: a Jacdac command
        // to the own device's control service, so it goes through the send throttle too)
        const led = this.status.isBound
        const colour = ledColour(this.want.indicator, this.want.passesUsed, nowMs)
        if (colour !== latch.sentColour && (led || this.light.isBound)) {
            if (!budget.allows(nowMs, 1, 2)) return this.later()
            latch.sentColour = colour
            const r = (colour >> 16) & 0xff
            const g = (colour >> 8) & 0xff
            const b = colour & 0xff
            budget.spend(nowMs)
            if (led) {
                const px = Buffer.alloc(3)
                px[0] = r
                px[1] = g
                px[2] = b
                await this.status.pixels.write(px)
            } else await this.light.setStatusLight(r, g, b, 0)
            return true
        }
        if (latch.keepAliveMs < 0 || nowMs - latch.keepAliveMs >= KEEPALIVE_MS) {
            // sensors stream while streaming_samples > 0: 255 samples last 2.5 s at 10 ms.
            // One packet per call, each leaving two for a stop.
            if (!budget.allows(nowMs, 1, 2)) return this.later()
            const role = this.sensors[latch.keepAliveIdx++]
            if (latch.keepAliveIdx >= this.sensors.length) {
                latch.keepAliveIdx = 0
                latch.keepAliveMs = nowMs
            }
            if (role.isBound) {
                budget.spend(nowMs)
                await role.streamingSamples.write(255)
            }
            return true
        }
        return false
    }

    /** something is due but must wait for budget: come back soon */
    private later(): boolean {
        this.latch.pending = true
        return false
    }

    private async send<T>(reg: ds.Register<T>, v: T) {
        this.budget.spend(ds.millis())
        await reg.write(v)
    }
}
