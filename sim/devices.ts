// The simulated pen on a Jacdac bus: standard jacdac-ts servers for each hardware role, backed
// by the plant model and stepped in real time. What the firmware writes to the motor and servo
// goes into the plant; what the plant's sensors read goes back out as sensor reports.
import {
    AnalogSensorServer,
    ButtonServer,
    JDBus,
    JDServerServiceProvider,
    JDServiceServer,
    LedServer,
    MotorServer,
    REPORT_RECEIVE,
    RotaryEncoderServer,
    SRV_POTENTIOMETER,
    ServoServer,
} from "jacdac-ts"
import { DEADMAN_MS } from "../core/limits"
import { Profile } from "../core/profile"
import { Plant, PlantFaults, createPlant, stepPlant } from "./plant"
import { Hand, createHand, handDurationMs, handForceAt, HandSegment } from "./plant/hand"
import { WiringMistakeId, triggerPinPressed } from "./plant/wiring"
import type { ForceSensorParams } from "./plant/forceSensor"
import { Imu, ImuParams } from "./plant/imu"
import { Technique, techniqueHandScript } from "./plant/technique"
import { AccelFeed } from "./accel-feed"
import { BoardAccelerometerServer } from "./accel-server"
import { SensorStream } from "./sensor-stream"
import type { SkinDose } from "./skin-dose"
import { READ_GRID_MS } from "../console/timing"

/** a pressed button's reading; 1.0 itself does not survive the u0.16 wire format */
const PRESSED = 0.99

export type RoleName = "needle" | "depth" | "depthPos" | "pressure" | "stroke" | "trigger" | "area" | "status"

/**
 * Fixed device ids. DeviceScript hands the devices of one service class, in device-id order, to
 * the roles of that class in role-name order (observed: "area" < "trigger"), so the area button
 * gets the lower id, and so does depthPos ("depthPos" < "pressure", both Potentiometers).
 * test/fil checks each button, and each Potentiometer, reaches its own role.
 */
export const DEVICE_IDS: Record<RoleName, string> = {
    area: "5e00000000000001",
    trigger: "5e00000000000002",
    needle: "5e00000000000010",
    depth: "5e00000000000011",
    depthPos: "5e00000000000005",
    pressure: "5e00000000000012",
    stroke: "5e00000000000013",
    status: "5e00000000000014",
}

/** the handpiece accelerometer's device id (only with SimPenOptions.accelerometer; the firmware's optional `motion` role binds to it) */
export const ACCEL_DEVICE_ID = "5e00000000000015"
/** how often a board's accelerometer server reads the chip (ms of its clock): jacdac-c services/accelerometer.c, a fixed grid (jd_should_sample); the console's `timing` looks for the same grid */
export const ACCEL_POLL_MS = READ_GRID_MS

export interface MotorWrite {
    tMs: number
    duty: number
}

export interface ForceReport {
    tMs: number
    ratio: number
    trueN: number
}

export interface SimPenOptions {
    seed?: number
    /** how often the force ADC is sampled and reported (ms) */
    forceSampleMs?: number
    /** how often the stroke count is reported (ms) */
    strokeReportMs?: number
    /** real-time step (ms) */
    stepMs?: number
    /**
     * an Accelerometer server (issue 13's optional role) fed by sim/plant/imu.ts from the path of
     * the technique playing (playTechnique), the plant's stroke rate and contact; off by default,
     * so the rig and the firmware's role binding are unchanged
     */
    accelerometer?: boolean
    /** the accelerometer chip's settings (sim/plant/imu.ts DEFAULT_IMU) */
    imu?: Partial<ImuParams>
    /** how often the server reads the chip (ms of the plant's clock, a fixed grid); ACCEL_POLL_MS as jacdac-c */
    accelReadMs?: number
    /**
     * the board's main loop tick (ms; 0: none, the default): a read is taken at the first tick at or
     * after it is due. The ESP32 firmware wakes its loop every 10 ms (docs/DOSE.md "The board's main
     * loop"); without this the server reads as if it woke every millisecond
     */
    accelLoopTickMs?: number
    /**
     * send each update as a report at once, as the force and stroke readings are (the timing bench's
     * worst case: a board streaming every read); default false: the server streams at the interval
     * the firmware asked for, at the chip's reads, as a board's does (sim/accel-server.ts: 100 ms
     * until the firmware writes one)
     */
    accelPush?: boolean
    /** wiring mistakes the pen was built with (sim/plant/wiring.ts); default none */
    wiring?: WiringMistakeId[]
    /**
     * the force sensor's parts (sim/plant/forceSensor.ts), e.g. { partGain: 1.2 }: an FSR that
     * reads 20 % high, the error a commissioning's force calibration corrects (console `bringup`)
     */
    force?: Partial<ForceSensorParams>
}

export interface PlayTechniqueOptions {
    /** seed of the hand's force noise; default the pen's */
    seed?: number
    /** the force script to play; default techniqueHandScript(tech) (a scenario step's `hand` is that) */
    hand?: HandSegment[]
    /**
     * the true dose (sim/skin-dose.ts, as the closed loop keeps it): the plant's real strokes made
     * on the skin while this technique plays go into `areaId`'s map of `dose`, at the technique's
     * position; times in that map's series are plant ms since `originMs` (a scenario's start)
     */
    skin?: { dose: SkinDose; areaId: string; originMs: number }
}

export class SimPen {
    readonly bus: JDBus
    readonly plant: Plant
    readonly motor = new MotorServer("needle")
    readonly servo = new ServoServer({ minAngle: -90, maxAngle: 90 })
    readonly pressure = new AnalogSensorServer(SRV_POTENTIOMETER, { readingValues: [0] })
    /** the depth feedback pot on the actuator's real position (sim/plant/depthFeedback.ts) */
    readonly depthPos = new AnalogSensorServer(SRV_POTENTIOMETER, { readingValues: [0] })
    readonly encoder = new RotaryEncoderServer()
    readonly trigger = new ButtonServer("trigger")
    readonly area = new ButtonServer("area")
    readonly led = new LedServer()
    /** every change of drive the motor received, with the wall time it arrived (ms, performance.now) */
    readonly motorWrites: MotorWrite[] = []
    /** when the motor's bridge was switched on and off (`enabled`), in order */
    readonly enableWrites: { tMs: number; enabled: boolean }[] = []
    /** motor `enabled`: off, the bridge leaves the coil open (coast); on at speed 0, it brakes */
    private bridgeOn = false
    /**
     * The motor stage's dead-man (docs/HARDWARE.md): every write of the drive retriggers a one-shot
     * of DEADMAN_MS on the bridge's standby pin; while it has run out the bridge is open (coast)
     * whatever the motor server holds. Times (performance.now) it dropped the bridge.
     */
    readonly deadmanTrips: number[] = []
    private fedAtMs = 0
    private deadmanOut = false
    /** every force report sent to the firmware */
    readonly forceReports: ForceReport[] = []
    /** with `accelerometer`: the Accelerometer server, the chip model behind it */
    readonly accel: BoardAccelerometerServer | undefined
    readonly imu: Imu | undefined
    /** the chip fed the technique's path, as in the closed loop (sim/accel-feed.ts) */
    private readonly accelFeed: AccelFeed | undefined
    private accelProvider: JDServerServiceProvider | undefined
    /** the true dose being filled (playTechnique's `skin`), stepped with the plant */
    private dose: SkinDose | undefined
    private doseOriginMs = 0
    /** the server's reads of the chip, on their own grid (jd_should_sample) */
    private readonly accelReads = new SensorStream()
    /** the hand's force on the pen (N): set it directly, or play a script with `playHand` */
    handForceN = 0
    private hand: Hand | undefined
    private handStartMs = 0
    private providers = new Map<RoleName, JDServerServiceProvider>()
    private timer: ReturnType<typeof setInterval> | undefined
    private lastStepMs = 0
    /**
     * plant time lost to host stalls (ms): wall time the physics did not follow because a step
     * came more than 50 ms late. Over 0, a sensor gone quiet or an actuator that did not move may
     * be this process, not the firmware
     */
    lostMs = 0
    private lastForceMs = 0
    private lastStrokeMs = 0
    private lastDepthMs = 0
    private dutyCmd = 0
    private o: Required<SimPenOptions>

    constructor(readonly profile: Profile, opts: SimPenOptions = {}) {
        this.o = { seed: 1, forceSampleMs: 5, strokeReportMs: 10, stepMs: 1, accelerometer: false, imu: {}, accelReadMs: ACCEL_POLL_MS, accelLoopTickMs: 0, accelPush: false, wiring: [], force: {}, ...opts }
        this.plant = createPlant(profile, this.o.seed, { wiring: this.o.wiring, force: this.o.force })
        this.trigger.reading.setValues([this.buttonLevel("trigger", false)])
        this.bus = new JDBus([], { client: false, disableRoleManager: true } as never)
        this.depthPos.reading.setValues([this.plant.depthFeedbackRatio])
        const servers: Record<RoleName, JDServiceServer> = {
            needle: this.motor,
            depth: this.servo,
            depthPos: this.depthPos,
            pressure: this.pressure,
            stroke: this.encoder,
            trigger: this.trigger,
            area: this.area,
            status: this.led,
        }
        for (const role of Object.keys(servers) as RoleName[]) {
            const p = new JDServerServiceProvider(role, [servers[role]], { deviceId: DEVICE_IDS[role] })
            this.providers.set(role, p)
        }
        if (this.o.accelerometer) {
            this.accelFeed = new AccelFeed(this.o.seed, this.o.imu)
            this.imu = this.accelFeed.imu
            // jacdac-ts's AccelerometerServer, which its package does not export: the service's
            // `forces` (x, y, z in g) as a sensor reading
            this.accel = new BoardAccelerometerServer(() => this.plant.nowMs)
            this.accelProvider = new JDServerServiceProvider("accel", [this.accel], { deviceId: ACCEL_DEVICE_ID })
        }
        this.encoder.clicksPerTurn.setValues([profile.stroke.countsPerStroke])
        const onDrive = () => {
            const [speed] = this.motor.speed.values() as [number]
            const [enabled] = this.motor.enabled.values() as [boolean]
            const on = !!enabled && !this.deadmanOut
            if (on !== this.bridgeOn) {
                this.bridgeOn = on
                this.enableWrites.push({ tMs: performance.now(), enabled: this.bridgeOn })
            }
            const duty = on ? Math.max(0, speed ?? 0) : 0
            if (duty !== this.dutyCmd) {
                this.dutyCmd = duty
                this.motorWrites.push({ tMs: performance.now(), duty })
            }
        }
        this.motor.speed.on("change", onDrive)
        this.motor.enabled.on("change", onDrive)
        // every write of the speed (changed or not) retriggers the dead-man
        this.motor.speed.on(REPORT_RECEIVE, () => {
            this.fedAtMs = performance.now()
            if (this.deadmanOut) {
                this.deadmanOut = false
                onDrive()
            }
        })
        this.onDrive = onDrive
    }

    private onDrive: () => void

    /** the dead-man runs out while the bridge drives: standby, the bridge opens */
    private checkDeadman(nowMs: number) {
        if (!this.deadmanOut && this.dutyCmd > 0 && nowMs - this.fedAtMs > DEADMAN_MS) {
            this.deadmanOut = true
            this.deadmanTrips.push(nowMs)
            this.onDrive()
        }
    }

    /** the drive the motor is applying now (0..1) */
    duty(): number {
        return this.dutyCmd
    }

    start() {
        this.bus.start()
        for (const p of this.providers.values()) this.bus.addServiceProvider(p)
        if (this.accelProvider) this.bus.addServiceProvider(this.accelProvider)
        this.lastStepMs = performance.now()
        this.timer = setInterval(() => this.advance(), this.o.stepMs)
    }

    stop() {
        if (this.timer) clearInterval(this.timer)
        this.timer = undefined
        this.bus.stop()
    }

    /** play a scripted hand from now on; resolves when it ends */
    playHand(script: HandSegment[], seed = this.o.seed): Promise<void> {
        this.hand = createHand(script, seed)
        this.handStartMs = this.plant.nowMs
        const h = this.hand
        return this.until(() => this.hand !== h || this.plant.nowMs - this.handStartMs >= handDurationMs(h))
    }

    /**
     * play a technique (sim/plant/technique.ts) from now on: its force as the hand (playHand), with
     * `accelerometer` its path's acceleration into the chip model, with `skin` the plant's real
     * strokes into the area's true density map; resolves when it ends
     */
    playTechnique(tech: Technique, o: PlayTechniqueOptions = {}): Promise<void> {
        tech.cursor = 0
        this.accelFeed?.play(tech, this.plant.nowMs)
        if (o.skin) {
            this.dose = o.skin.dose
            this.doseOriginMs = o.skin.originMs
            this.dose.start(o.skin.areaId, tech, this.plant.nowMs - this.doseOriginMs, this.plant)
        }
        return this.playHand(o.hand ?? techniqueHandScript(tech), o.seed ?? this.o.seed)
    }

    /** switch an injected fault on or off */
    fault(name: keyof PlantFaults, on: boolean) {
        this.plant.faults[name] = on
    }

    /** take a device off the bus (it stops answering), or put it back */
    unplug(role: RoleName, off: boolean) {
        const p = this.providers.get(role)!
        if (off) this.bus.removeServiceProvider(p)
        else this.bus.addServiceProvider(p)
    }

    async press(button: "trigger" | "area", holdMs = 120) {
        const b = button === "trigger" ? this.trigger : this.area
        // not b.down(): its reading of exactly 1.0 wraps to 0 in the u0.16 wire format
        b.reading.setValues([PRESSED])
        await b.reading.sendGetAsync()
        await this.sleepSim(holdMs)
        b.reading.setValues([this.buttonLevel(button, false)])
        await b.reading.sendGetAsync()
        await this.sleepSim(60)
    }

    /** what a button's pin reads for the hand's press (a trigger wired stuck reads pressed) */
    private buttonLevel(button: "trigger" | "area", pressed: boolean): number {
        return (button === "trigger" ? triggerPinPressed(this.plant.wiring, pressed) : pressed) ? PRESSED : 0
    }

    /** resolves once `cond` holds, checked every real-time step; rejects after timeoutMs */
    until(cond: () => boolean, timeoutMs = 10000, what = "condition"): Promise<void> {
        return new Promise((resolve, reject) => {
            if (cond()) return resolve()
            const t0 = performance.now()
            const iv = setInterval(() => {
                if (cond()) {
                    clearInterval(iv)
                    resolve()
                } else if (performance.now() - t0 > timeoutMs) {
                    clearInterval(iv)
                    reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
                }
            }, 1)
        })
    }

    /** wait for plant time to pass (the plant is the pen's physical clock) */
    sleepSim(ms: number): Promise<void> {
        const end = this.plant.nowMs + ms
        return this.until(() => this.plant.nowMs >= end, ms * 20 + 5000, `${ms} ms of plant time`)
    }

    /** when the due read is taken: at once, or at the first loop tick at or after it (accelLoopTickMs, ticks from the plant's start) */
    private accelReadAtMs(): number {
        const tick = this.o.accelLoopTickMs
        const dueMs = this.accelReads.dueAtMs()
        return tick > 0 ? Math.ceil(dueMs / tick) * tick : dueMs
    }

    private advance() {
        const now = performance.now()
        this.checkDeadman(now)
        let dt = now - this.lastStepMs
        this.lastStepMs = now
        // a stalled host (GC, CI hiccup) is not allowed to fast-forward the physics in one jump
        if (dt > 50) {
            this.lostMs += dt - 50
            dt = 50
        }
        const p = this.plant
        const angle = (this.servo.enabled.values()[0] as boolean) ? (this.servo.angle.values()[0] as number) : NaN
        while (dt > 0) {
            const h = Math.min(dt, 0.5)
            if (this.hand) {
                const t = p.nowMs - this.handStartMs
                if (t >= handDurationMs(this.hand)) this.hand = undefined
                else this.handForceN = handForceAt(this.hand, t)
            }
            stepPlant(p, { dutyCmd: this.dutyCmd, depthAngleCmdDeg: angle, handForceN: this.handForceN, bridgeOff: !this.bridgeOn }, h)
            if (this.accelFeed) this.accelFeed.step(h, p.nowMs, p.strokeHz, p.forceTrueN > 0)
            // the server reads the chip on its own timer, a fixed grid (jacdac-c jd_should_sample)
            if (this.accel && this.imu && p.nowMs >= this.accelReadAtMs() && this.accelReads.due(p.nowMs, this.o.accelReadMs))
                this.accel.read(p.nowMs, this.imu.xG, this.imu.yG, this.imu.zG, this.o.accelPush)
            // the revolutions this step completed on the skin, where the technique has the pen now
            if (this.dose) this.dose.step(p.nowMs - this.doseOriginMs, p)
            dt -= h
        }
        if (p.nowMs - this.lastForceMs >= this.o.forceSampleMs) {
            this.lastForceMs = p.nowMs
            this.pressure.reading.setValues([p.forceRatio])
            this.forceReports.push({ tMs: now, ratio: p.forceRatio, trueN: p.forceTrueN })
            if (this.forceReports.length > 20000) this.forceReports.splice(0, 10000)
            void this.pressure.reading.sendGetAsync()
        }
        if (p.nowMs - this.lastStrokeMs >= this.o.strokeReportMs) {
            this.lastStrokeMs = p.nowMs
            this.encoder.reading.setValues([p.strokeCount])
            void this.encoder.reading.sendGetAsync()
        }
        if (p.nowMs - this.lastDepthMs >= 20) {
            this.lastDepthMs = p.nowMs
            this.depthPos.reading.setValues([p.depthFeedbackRatio])
            void this.depthPos.reading.sendGetAsync()
        }
    }
}
