// The pen's hardware as Jacdac roles, turned into core inputs (units, calibration) and core
// outputs turned into role writes. The only place the firmware touches hardware.
//
// Role      Service        Meaning
// needle    Motor          cartridge motor, speed 0..1 = PWM duty
// depth     Servo          depth actuator; angle <-> mm by devs.json depth calibration;
//                          reading = the angle it reached
// pressure  Potentiometer  FSR divider as an ADC ratio 0..1 -> newtons by devs.json force.curve
// stroke    RotaryEncoder  cam pulse count, devs.json stroke.countsPerStroke counts per stroke
// trigger   Button         run/stop (arm), hold = clear fault        } Buttons bind in device-id
// area      Button         next treatment area                       } order: trigger first
// status    Led            operator feedback colour (optional)
import * as ds from "@devicescript/core"
import { Profile } from "../src/core/profile"
import { Indicator, PenInputs, PenOutputs } from "../src/core/types"
import { angleToDepthMm, depthToAngleDeg } from "./depth"
import { ratioToForceN } from "./force"

/** how often an unchanged motor command is sent again (a rebooted motor driver gets it back) */
const REFRESH_MS = 500

/** button levels and what was last sent, kept where role callbacks can reach it */
export interface HardwareLatch {
    triggerPressed: boolean
    areaPressed: boolean
    sentDuty: number
    sentEnabled: boolean
    sentDutyMs: number
    sentAngle: number
    sentIndicator: string
}

export class PenHardware {
    readonly needle = new ds.Motor("needle")
    readonly depth = new ds.Servo("depth")
    readonly pressure = new ds.Potentiometer("pressure")
    readonly stroke = new ds.RotaryEncoder("stroke")
    readonly trigger = new ds.Button("trigger")
    readonly area = new ds.Button("area")
    readonly status = new ds.Led("status")

    readonly inputs: PenInputs = {
        nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1,
        depthActualMm: NaN, needleBound: false, depthBound: false, pressureBound: false, strokeBound: false,
    }
    readonly latch: HardwareLatch = {
        triggerPressed: false, areaPressed: false, sentDuty: -1, sentEnabled: false, sentDutyMs: 0,
        sentAngle: NaN, sentIndicator: "",
    }

    /** `onForce` runs after every force sample: the fast path of the over-pressure cutoff */
    constructor(private profile: Profile, onForce: () => Promise<void>) {
        // DeviceScript closures cannot capture `this`: they capture these locals instead
        const inp = this.inputs
        const latch = this.latch
        const pressure = this.pressure
        const stroke = this.stroke
        const curve = profile.force.curve
        pressure.reading.subscribe(async (ratio: number) => {
            inp.forceRatio = ratio
            inp.forceN = ratioToForceN(curve, ratio)
            inp.forceSampleMs = ds.millis()
            await onForce()
        })
        const perStroke = profile.stroke.countsPerStroke
        stroke.reading.subscribe((count: number) => {
            inp.strokes = count / perStroke
            inp.strokeSampleMs = ds.millis()
        })
        const depthCal = profile.depth
        this.depth.reading.subscribe((angleDeg: number) => {
            inp.depthActualMm = angleToDepthMm(depthCal, angleDeg)
        })
        this.needle.binding().subscribe((b: boolean) => {
            inp.needleBound = b
            latch.sentDuty = -1
        })
        this.depth.binding().subscribe((b: boolean) => {
            inp.depthBound = b
            if (!b) inp.depthActualMm = NaN
            latch.sentAngle = NaN
        })
        // the default 100 ms streaming is far too slow for a pressure cutoff
        const forceStreamMs = Math.max(5, Math.round(profile.force.staleAfterMs / 10))
        pressure.binding().subscribe(async (b: boolean) => {
            inp.pressureBound = b
            if (b) await pressure.streamingInterval.write(forceStreamMs)
        })
        stroke.binding().subscribe(async (b: boolean) => {
            inp.strokeBound = b
            if (b) await stroke.streamingInterval.write(10)
        })
        // the streamed reading (0..1), not down/up events: a lost event cannot leave a button stuck
        this.trigger.reading.subscribe((v: number) => {
            latch.triggerPressed = v > 0.5
        })
        this.area.reading.subscribe((v: number) => {
            latch.areaPressed = v > 0.5
        })
    }

    async apply(out: PenOutputs, nowMs: number) {
        const latch = this.latch
        const duty = out.needleDuty
        // A stop goes out at once. Other changes go out at most every driveWriteMs: the VM sends
        // ~50 frames/s, and a full transmit queue would hold up every await, the stop included.
        const due = duty === 0
            ? latch.sentDuty !== 0
            : Math.abs(duty - latch.sentDuty) > 0.002 && nowMs - latch.sentDutyMs >= this.profile.control.driveWriteMs
        if (this.inputs.needleBound && (due || nowMs - latch.sentDutyMs >= REFRESH_MS)) {
            latch.sentDuty = duty
            latch.sentDutyMs = nowMs
            // stop first: speed 0 is the command that matters, enabled follows
            await this.needle.speed.write(duty)
            if ((duty > 0) !== latch.sentEnabled) {
                latch.sentEnabled = duty > 0
                await this.needle.enabled.write(duty > 0)
            }
        }
        const angle = depthToAngleDeg(this.profile.depth, out.depthTargetMm)
        if (this.inputs.depthBound && angle !== latch.sentAngle) {
            latch.sentAngle = angle
            await this.depth.angle.write(angle)
            await this.depth.enabled.write(true)
        }
        if (out.indicator !== latch.sentIndicator && this.status.isBound) {
            latch.sentIndicator = out.indicator
            await this.status.pixels.write(indicatorPixel(out.indicator))
        }
    }
}

/** one RGB pixel per indicator state */
function indicatorPixel(i: Indicator): Buffer {
    const b = Buffer.alloc(3)
    if (i === "ready") b[1] = 0xff
    else if (i === "running") b[2] = 0xff
    else if (i === "paused") {
        b[1] = 0xff
        b[2] = 0xff
    } else if (i === "locked") {
        b[0] = 0xff
        b[1] = 0xa0
    } else if (i === "fault") b[0] = 0xff
    return b
}
