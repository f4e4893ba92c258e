import * as ds from "@devicescript/core"
import { Profile } from "../core/profile"
import { PenInputs, PenOutputs } from "../core/types"
import { SendBudget } from "./budget"
import { ExternalForceSink } from "./forcesink"
import { accelReport, depthReport, forceReport, roleBound, strokeReport } from "./roles"
import { KEEPALIVE_SAMPLES, OP_COLOUR, OP_DEPTH, OP_ENABLED, OP_KEEPALIVE, OP_MOTION_ITV, OP_SPEED, OP_STROKE_ITV, Writer, WriterPort } from "./writer"

/** Jacdac `reading` register (0x101) of sensors */
const REG_READING = 0x101
/** the Accelerometer's forces are i12.20: g x 2^20 */
const I12_20 = 1048576

/** button levels, kept where role callbacks can reach them */
export interface HardwareLatch {
    /** as last reported; undefined before the first report (the self-test counts no release then) */
    triggerPressed: boolean
    areaPressed: boolean
    /** the writer's fiber, resumed after each decision */
    fiber: ds.Fiber | undefined
    /** force comes from another driver (a load cell, drivers/loadcell.ts): the pressure role is ignored */
    forceExternal: boolean
}

export class PenHardware {
    readonly needle = new ds.Motor("needle")
    readonly depth = new ds.Servo("depth")
    readonly depthPos = new ds.Potentiometer("depthPos")
    readonly pressure = new ds.Potentiometer("pressure")
    readonly stroke = new ds.RotaryEncoder("stroke")
    readonly trigger = new ds.Button("trigger")
    readonly area = new ds.Button("area")
    readonly status = new ds.Led("status")
    /** optional: the handpiece accelerometer for the dwell rule (core/motion.ts) */
    readonly motion = new ds.Accelerometer("motion")
    /** the own device's control service: its status light (a board's `led` block) when `status` is unbound */
    private readonly light = new ds.Control("control[int:0]")
    /** the sensors the writer keeps streaming, one packet each */
    private readonly sensors: ds.Sensor[] = [this.pressure, this.depthPos, this.stroke, this.trigger, this.area, this.motion]

    /** every packet this firmware sends is charged here (see budget.ts) */
    readonly budget = new SendBudget()
    /** the pen's own force calibration, [scale, newtons at rest] (drivers/calibration.ts): the profile's conversion as it is */
    readonly forceCal = [1, 0]

    readonly inputs: PenInputs = {
        nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1,
        depthActualMm: NaN, depthSampleMs: -1, needleBound: false, depthBound: false, pressureBound: false, strokeBound: false,
        needleSentDuty: -1, depthSentMm: NaN, storeError: "", storeBehind: false, forceConfigError: "",
        motionBound: false, accelXG: 0, accelYG: 0, accelZG: 0, accelSampleMs: -1,
    }
    readonly latch: HardwareLatch = { triggerPressed: undefined, areaPressed: undefined, fiber: undefined, forceExternal: false }
    /** the outputs the core decided last (handed over by drivers/step.ts); the writer writes them */
    readonly want: PenOutputs = { needleDuty: 0, depthTargetMm: NaN, indicator: "off", passesUsed: 0, needleEnabled: false }
    readonly writer: Writer
    /** performs one of the writer's writes on the roles */
    private readonly perform: (op: number, value: number) => Promise<void>

    /**
     * `onForce` runs after every force sample (the fast path of the over-pressure cutoff); it must
     * not wait. `afterPass` runs after each of the writer's passes (src/main.ts prints the
     * decisions' lines there, once what they decided is written)
     */
    constructor(private profile: Profile, readonly onForce: () => void, readonly afterPass: () => void) {
        // DeviceScript closures cannot capture `this`: they capture these locals instead
        const inp = this.inputs
        const latch = this.latch
        const pressure = this.pressure
        const stroke = this.stroke
        const curve = profile.force.curve
        const fc = this.forceCal
        const writer = new Writer(profile, rolePort(this.status, this.light, this.sensors), this.budget, inp, this.want, ds.millis)
        this.writer = writer
        this.perform = rolePerform(this.needle, this.depth, this.stroke, this.motion, this.status, this.light, this.sensors)
        // Readings come in through report(), not reading.subscribe(): DeviceScript's core library
        // answers every announce of a device whose reading has a subscriber with a packet of its
        // own (streaming_samples, or a refresh), up to 5 packets every 500 ms outside our budget.
        // The writer sends the streaming keep-alives instead (writer.ts), within the budget.
        // A reading of the wrong size (u0.16: 2 bytes, encoder i32: 4) is ignored, as if never sent.
        pressure.report().subscribe((pkt: ds.Packet) => {
            if (latch.forceExternal || !isReading(pkt, 2)) return
            forceReport(inp, curve, fc, pkt.decode(), ds.millis())
            onForce()
        })
        const perStroke = profile.stroke.countsPerStroke
        stroke.report().subscribe((pkt: ds.Packet) => {
            if (isReading(pkt, 4)) strokeReport(inp, perStroke, pkt.decode(), ds.millis())
        })
        const depthCal = profile.depth
        // the actuator's position from its feedback pot (the on-board servo server reports none)
        this.depthPos.report().subscribe((pkt: ds.Packet) => {
            if (isReading(pkt, 2)) depthReport(inp, depthCal, pkt.decode(), ds.millis())
        })
        // the accelerometer's forces: three i12.20 (12 bytes), g, Jacdac convention. Decoded by
        // hand: pkt.decode() gave 2^16 x g in the VM (2.16.4; docs/DEVICESCRIPT-NOTES.md)
        this.motion.report().subscribe((pkt: ds.Packet) => {
            if (!isReading(pkt, 12)) return
            const b = pkt.payload
            accelReport(inp, b.getAt(0, "i32") / I12_20, b.getAt(4, "i32") / I12_20, b.getAt(8, "i32") / I12_20, ds.millis())
        })
        // the streamed reading (0..1), not down/up events: a lost event cannot leave a button stuck
        this.trigger.report().subscribe((pkt: ds.Packet) => {
            if (isReading(pkt, 2)) latch.triggerPressed = pkt.decode() > 0.5
        })
        this.area.report().subscribe((pkt: ds.Packet) => {
            if (isReading(pkt, 2)) latch.areaPressed = pkt.decode() > 0.5
        })
        // what a binding change does to the inputs and the writer: drivers/roles.ts
        watchBinding(this.needle, "needle", inp, writer)
        watchBinding(this.depth, "depth", inp, writer)
        watchBinding(this.depthPos, "depthPos", inp, writer)
        // No streamingInterval writes for the analog sensors: on-board servers clamp a written
        // interval to >= 20 ms (jacdac-c jd_sensor.c), the board file's streamingItv (10 ms) applies,
        // and the simulator pushes its reports itself. The encoder has no streamingItv setting
        // (100 ms default on a board): 20 ms, the fastest a write gives, one budgeted packet. The
        // accelerometer has none either: the same, 20 ms (writer.ts SENSOR_STREAM_MS).
        pressure.binding().subscribe((b: boolean) => {
            if (!latch.forceExternal) roleBound("pressure", b, inp, writer)
        })
        watchBinding(stroke, "stroke", inp, writer)
        this.trigger.binding().subscribe((b: boolean) => {
            roleBound("trigger", b, inp, writer)
            if (!b) latch.triggerPressed = undefined
        })
        watchBinding(this.status, "status", inp, writer)
        watchBinding(this.motion, "motion", inp, writer)
        this.area.binding().subscribe((b: boolean) => {
            roleBound("area", b, inp, writer)
            if (!b) latch.areaPressed = undefined
        })
    }

    /**
     * The writer's fiber, for the life of the firmware: it writes what is due, then sleeps until
     * `wake()` (or its idle time). A slow write holds up only this fiber; decisions keep running,
     * and the next write is always the newest decision, so a stop waits for at most the one write
     * already on the wire. A write that throws does not end it (Writer.pass).
     */
    async writerLoop() {
        const w = this.writer
        const perform = this.perform
        this.latch.fiber = ds.Fiber.self()
        while (true) {
            await w.pass(perform)
            this.afterPass()
            await ds.suspend(w.idleMs())
        }
    }

    /** called after each decision: resume the writer if it sleeps */
    wake() {
        const f = this.latch.fiber
        if (f && f.suspended) f.resume(0)
    }
}

/**
 * The pen's hardware as the sink of a force driver other than the pressure role (the load cell,
 * drivers/loadcell.ts). A free function, not PenHardware's methods: only the load-cell build uses
 * it, and DeviceScript compiles every class method into the image (an unused free function is
 * dropped). Closures over locals: they cannot capture `this`.
 */
export function externalForceSink(hw: PenHardware): ExternalForceSink {
    const inp = hw.inputs
    const latch = hw.latch
    const fc = hw.forceCal
    const onForce = hw.onForce
    return {
        // from now on force comes from `externalForce`, not the pressure role
        useExternalForce: () => {
            latch.forceExternal = true
            inp.pressureBound = false
        },
        // a sample (newtons by the profile's conversion): the same fast path as a pressure report
        externalForce: (forceN: number, ratio: number) => {
            inp.forceRatio = ratio
            inp.forceN = (forceN - fc[1]) * fc[0]
            inp.forceSampleMs = ds.millis()
            onForce()
        },
        // the sensor works (true) or was lost (false: the core treats it as a lost role)
        externalForceBound: (bound: boolean) => {
            inp.pressureBound = bound
        },
        // its calibration is unusable: the core decides (profile_invalid)
        externalForceInvalid: (reason: string) => {
            inp.forceConfigError = reason
        },
    }
}

/** a report of the role's `reading` register, `size` bytes long (a reading of another size is ignored, as if never sent) */
function isReading(pkt: ds.Packet, size: number): boolean {
    return pkt.isRegGet && pkt.regCode === REG_READING && pkt.payload.length === size
}

/** a change of the role's binding goes to roleBound (a function, not a method: DeviceScript closures cannot capture `this`) */
function watchBinding(role: ds.Role, name: string, inp: PenInputs, writer: Writer) {
    role.binding().subscribe((b: boolean) => {
        roleBound(name, b, inp, writer)
    })
}

/** what the writer asks of the roles (functions, not methods: DeviceScript closures cannot capture `this`) */
function rolePort(status: ds.Led, light: ds.Control, sensors: ds.Sensor[]): WriterPort {
    return {
        // the Led role if bound, else the board's status light
        lightBound: () => status.isBound || light.isBound,
        sensorCount: () => sensors.length,
        sensorBound: (i: number) => sensors[i].isBound,
        log: (line: string) => {
            console.log(line)
        },
    }
}

/** one of the writer's writes (drivers/writer.ts OP_*) on the roles */
function rolePerform(needle: ds.Motor, depth: ds.Servo, stroke: ds.RotaryEncoder, motion: ds.Accelerometer, status: ds.Led, light: ds.Control, sensors: ds.Sensor[]) {
    return async (op: number, v: number) => {
        if (op === OP_SPEED) await needle.speed.write(v)
        else if (op === OP_ENABLED) await needle.enabled.write(v === 1)
        else if (op === OP_DEPTH) {
            await depth.angle.write(v)
            await depth.enabled.write(true)
        } else if (op === OP_STROKE_ITV) await stroke.streamingInterval.write(v)
        else if (op === OP_MOTION_ITV) await motion.streamingInterval.write(v)
        else if (op === OP_KEEPALIVE) await sensors[v].streamingSamples.write(KEEPALIVE_SAMPLES)
        else if (op === OP_COLOUR) {
            const r = (v >> 16) & 0xff
            const g = (v >> 8) & 0xff
            const b = v & 0xff
            // set_status_light is a Jacdac command to the own device's control service: a packet too
            if (status.isBound) {
                const px = Buffer.alloc(3)
                px[0] = r
                px[1] = g
                px[2] = b
                await status.pixels.write(px)
            } else await light.setStatusLight(r, g, b, 0)
        }
    }
}
