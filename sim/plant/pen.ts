// The pen as a plant: needle motor + cam, stroke sensor, depth actuator and force sensor, with
// the hand's real force as an input. Pure and deterministic for a seed: no clock, no Math.random.
//
//   const plant = createPlant(profile, seed)
//   stepPlant(plant, { dutyCmd, depthAngleCmdDeg, handForceN }, dtMs)   // mutates plant in place
//   plant.strokeCount, plant.forceRatio, plant.depthFeedbackRatio, ...     // readable outputs
//   plant.faults.motorJammed = true                                        // inject at any time
//   createPlant(profile, seed, { wiring: ["pots_swapped"] })              // built wired wrong (wiring.ts)
//
// Order inside a step: actuator moves, then the motor turns against the skin load computed from
// the true force and the actuator's real (new) depth, then the sensors sample the new state.
// The plant takes profile values only where they describe the hardware's wiring/calibration
// (stroke.countsPerStroke, depth.angleAtZeroDeg/degPerMm and the feedback pot's
// depth.feedbackRatioAt0Mm/feedbackRatioPerMm); the physics comes from DOMAIN.md.
// Nothing is allocated per step.
// The outputs are what the pins read: wired wrong (sim/plant/wiring.ts), `forceRatio` is whatever is
// on the pressure pin and `depthFeedbackRatio` whatever is on the depthPos pin.

import type { Profile } from "../../core/profile"
import {
    DepthActuatorParams,
    DepthActuatorState,
    DEFAULT_DEPTH_ACTUATOR,
    createDepthActuator,
    stepDepthActuator,
} from "./depthActuator"
import {
    DEFAULT_FORCE_SENSOR,
    ForceSensorParams,
    ForceSensorState,
    createForceSensor,
    stepForceSensor,
} from "./forceSensor"
import {
    MotorParams,
    MotorSpec,
    MotorState,
    createMotorState,
    deriveMotorParams,
    motorStrokeHz,
    skinLoadTorqueNm,
    stepMotor,
} from "./motor"
import { DepthFeedbackParams, depthFeedbackRatio } from "./depthFeedback"
import { StrokeSensorState, createStrokeSensor, stepStrokeSensor } from "./strokeSensor"
import { Wiring, WiringMistakeId, actuatorAngleDeg, fsrGroundLeg, wiperRatioOnPin, wiringWith } from "./wiring"

export interface PlantInputs {
    /** PWM duty command; clamped to 0..1 (NaN -> 0) */
    dutyCmd: number
    /** RC-servo angle command (deg); NaN = no pulse, the last target is kept */
    depthAngleCmdDeg: number
    /** real force the hand presses the pen onto the skin with (N); <= 0 = not in contact */
    handForceN: number
    /** the bridge is off (motor `enabled` false): the coil is open and the motor coasts, duty or not */
    bridgeOff?: boolean
}

/** Injected faults; switch any of them on or off between steps. */
export interface PlantFaults {
    forceOpen: boolean
    forceStuck: boolean
    forceSaturated: boolean
    forceNoisy: boolean
    strokeSilent: boolean
    motorJammed: boolean
    actuatorStuck: boolean
    /** actuator unpowered/unplugged (its cable, pot included): does not move, its pot reads ~0 */
    actuatorMissing: boolean
    /** depth feedback pot's wiper open: reads ~0 (the actuator still moves) */
    depthWiperOpen: boolean
}

export interface PlantOptions {
    motor?: Partial<MotorSpec>
    actuator?: Partial<typeof DEFAULT_DEPTH_ACTUATOR>
    force?: Partial<ForceSensorParams>
    /** where the actuator starts (mm); default 0 */
    initialDepthMm?: number
    /** wiring mistakes the pen was built with (sim/plant/wiring.ts); default none */
    wiring?: readonly WiringMistakeId[]
}

export interface Plant {
    // ---- outputs (read after each step) ----
    /** plant time: sum of all dtMs stepped */
    nowMs: number
    /** cumulative pulse-counter reading (integer, countsPerStroke per cam revolution, wired right) */
    strokeCount: number
    /** true stroke rate (strokes/s = cam rev/s) */
    strokeHz: number
    /** cumulative true cam revolutions */
    camRevs: number
    /** the pressure pin's ADC reading 0..1, 12-bit quantised (the FSR divider, wired right) */
    forceRatio: number
    /** the true contact force (N) */
    forceTrueN: number
    /** real needle protrusion (mm) */
    depthActualMm: number
    /** the depthPos pin's ADC ratio 0..1, 12-bit quantised (the feedback pot on the real position, wired right) */
    depthFeedbackRatio: number
    /** duty actually applied to the bridge (0..1) */
    dutyApplied: number
    /** motor current (A) and skin load torque (N·m), for plots */
    motorCurrentA: number
    skinLoadNm: number
    faults: PlantFaults
    /** how the pen was wired (fixed when built) */
    readonly wiring: Wiring
    // ---- parts (state and parameters) ----
    motorParams: MotorParams
    motor: MotorState
    stroke: StrokeSensorState
    actuatorParams: DepthActuatorParams
    actuator: DepthActuatorState
    forceParams: ForceSensorParams
    force: ForceSensorState
    feedbackParams: DepthFeedbackParams
}

export function createPlant(profile: Profile, seed: number, options: PlantOptions = {}): Plant {
    const motorParams = deriveMotorParams(options.motor)
    const actuatorParams: DepthActuatorParams = {
        ...DEFAULT_DEPTH_ACTUATOR,
        ...options.actuator,
        angleAtZeroDeg: profile.depth.angleAtZeroDeg,
        degPerMm: profile.depth.degPerMm,
    }
    const wiring = wiringWith(options.wiring)
    const forceParams: ForceSensorParams = { ...DEFAULT_FORCE_SENSOR, ...options.force }
    if (wiring.fsr_no_live_zero) forceParams.biasB = 0
    const motor = createMotorState()
    const stroke = createStrokeSensor(profile.stroke.countsPerStroke * (wiring.stroke_double ? 2 : 1))
    const actuator = createDepthActuator(actuatorParams, options.initialDepthMm ?? 0)
    const force = createForceSensor(forceParams, seed, fsrGroundLeg(wiring))
    const feedbackParams = { ratioAt0Mm: profile.depth.feedbackRatioAt0Mm, ratioPerMm: profile.depth.feedbackRatioPerMm }
    const wiper = wiperRatioOnPin(wiring, depthFeedbackRatio(feedbackParams, actuator.positionMm, false))
    return {
        nowMs: 0,
        strokeCount: stroke.count,
        strokeHz: 0,
        camRevs: 0,
        forceRatio: wiring.pots_swapped ? wiper : force.ratio,
        forceTrueN: 0,
        depthActualMm: actuator.positionMm,
        depthFeedbackRatio: wiring.pots_swapped ? force.ratio : wiper,
        dutyApplied: 0,
        motorCurrentA: 0,
        skinLoadNm: 0,
        faults: {
            forceOpen: false,
            forceStuck: false,
            forceSaturated: false,
            forceNoisy: false,
            strokeSilent: false,
            motorJammed: false,
            actuatorStuck: false,
            actuatorMissing: false,
            depthWiperOpen: false,
        },
        wiring,
        motorParams,
        motor,
        stroke,
        actuatorParams,
        actuator,
        forceParams,
        force,
        feedbackParams,
    }
}

/** Advance the plant by dtMs (> 0) with the inputs held constant. Mutates and returns `plant`. */
export function stepPlant(plant: Plant, inputs: PlantInputs, dtMs: number): Plant {
    if (!(dtMs > 0) || !isFinite(dtMs)) throw new Error(`stepPlant: dtMs must be > 0, got ${dtMs}`)
    const f = plant.faults
    const w = plant.wiring
    let duty = inputs.dutyCmd
    if (!(duty > 0)) duty = 0
    else if (duty > 1) duty = 1
    const forceN = inputs.handForceN > 0 ? inputs.handForceN : 0

    stepDepthActuator(
        plant.actuator,
        plant.actuatorParams,
        actuatorAngleDeg(w, inputs.depthAngleCmdDeg),
        f.actuatorStuck,
        f.actuatorMissing,
        dtMs
    )
    const depthMm = plant.actuator.positionMm
    const loadNm = skinLoadTorqueNm(plant.motorParams, forceN, depthMm)
    // a motor not connected: the bridge drives into an open circuit
    const coilOpen = !!inputs.bridgeOff || w.motor_disconnected
    stepMotor(plant.motor, plant.motorParams, coilOpen ? 0 : duty, loadNm, f.motorJammed, dtMs, coilOpen)
    stepStrokeSensor(plant.stroke, plant.motor.camRevs, f.strokeSilent || w.stroke_dead)
    stepForceSensor(plant.force, plant.forceParams, forceN, f, dtMs, fsrGroundLeg(w))

    plant.nowMs += dtMs
    plant.strokeCount = plant.stroke.count
    plant.strokeHz = motorStrokeHz(plant.motor)
    plant.camRevs = plant.motor.camRevs
    plant.forceTrueN = forceN
    plant.depthActualMm = depthMm
    const wiper = depthFeedbackRatio(plant.feedbackParams, depthMm, f.depthWiperOpen || f.actuatorMissing)
    // each sensor on the pin it was wired to (wiring.ts)
    const wiperPin = f.depthWiperOpen || f.actuatorMissing ? wiper : wiperRatioOnPin(w, wiper)
    plant.forceRatio = w.pots_swapped ? wiperPin : plant.force.ratio
    plant.depthFeedbackRatio = w.pots_swapped ? plant.force.ratio : wiperPin
    plant.dutyApplied = duty
    plant.motorCurrentA = plant.motor.currentA
    plant.skinLoadNm = loadNm
    return plant
}
