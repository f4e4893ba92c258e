// The pen as a plant: needle motor + cam, stroke sensor, depth actuator and force sensor, with
// the hand's real force as an input. Pure and deterministic for a seed: no clock, no Math.random.
//
//   const plant = createPlant(profile, seed)
//   stepPlant(plant, { dutyCmd, depthAngleCmdDeg, handForceN }, dtMs)   // mutates plant in place
//   plant.strokeCount, plant.forceRatio, plant.depthFeedbackRatio, ...     // readable outputs
//   plant.faults.motorJammed = true                                        // inject at any time
//
// Order inside a step: actuator moves, then the motor turns against the skin load computed from
// the true force and the actuator's real (new) depth, then the sensors sample the new state.
// The plant takes profile values only where they describe the hardware's wiring/calibration
// (stroke.countsPerStroke, depth.angleAtZeroDeg/degPerMm and the feedback pot's
// depth.feedbackRatioAt0Mm/feedbackRatioPerMm); the physics comes from DOMAIN.md.
// Nothing is allocated per step.

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
}

export interface Plant {
    // ---- outputs (read after each step) ----
    /** plant time: sum of all dtMs stepped */
    nowMs: number
    /** cumulative pulse-counter reading (integer, countsPerStroke per cam revolution) */
    strokeCount: number
    /** true stroke rate (strokes/s = cam rev/s) */
    strokeHz: number
    /** cumulative true cam revolutions */
    camRevs: number
    /** force ADC reading 0..1, 12-bit quantised */
    forceRatio: number
    /** the true contact force (N) */
    forceTrueN: number
    /** real needle protrusion (mm) */
    depthActualMm: number
    /** depth feedback pot (role depthPos): ADC ratio 0..1 of the real position, 12-bit quantised */
    depthFeedbackRatio: number
    /** duty actually applied to the bridge (0..1) */
    dutyApplied: number
    /** motor current (A) and skin load torque (N·m), for plots */
    motorCurrentA: number
    skinLoadNm: number
    faults: PlantFaults
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
    const forceParams: ForceSensorParams = { ...DEFAULT_FORCE_SENSOR, ...options.force }
    const motor = createMotorState()
    const stroke = createStrokeSensor(profile.stroke.countsPerStroke)
    const actuator = createDepthActuator(actuatorParams, options.initialDepthMm ?? 0)
    const force = createForceSensor(forceParams, seed)
    const feedbackParams = { ratioAt0Mm: profile.depth.feedbackRatioAt0Mm, ratioPerMm: profile.depth.feedbackRatioPerMm }
    return {
        nowMs: 0,
        strokeCount: stroke.count,
        strokeHz: 0,
        camRevs: 0,
        forceRatio: force.ratio,
        forceTrueN: 0,
        depthActualMm: actuator.positionMm,
        depthFeedbackRatio: depthFeedbackRatio(feedbackParams, actuator.positionMm, false),
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
    let duty = inputs.dutyCmd
    if (!(duty > 0)) duty = 0
    else if (duty > 1) duty = 1
    const forceN = inputs.handForceN > 0 ? inputs.handForceN : 0

    stepDepthActuator(
        plant.actuator,
        plant.actuatorParams,
        inputs.depthAngleCmdDeg,
        f.actuatorStuck,
        f.actuatorMissing,
        dtMs
    )
    const depthMm = plant.actuator.positionMm
    const loadNm = skinLoadTorqueNm(plant.motorParams, forceN, depthMm)
    stepMotor(plant.motor, plant.motorParams, inputs.bridgeOff ? 0 : duty, loadNm, f.motorJammed, dtMs, !!inputs.bridgeOff)
    stepStrokeSensor(plant.stroke, plant.motor.camRevs, f.strokeSilent)
    stepForceSensor(plant.force, plant.forceParams, forceN, f, dtMs)

    plant.nowMs += dtMs
    plant.strokeCount = plant.stroke.count
    plant.strokeHz = motorStrokeHz(plant.motor)
    plant.camRevs = plant.motor.camRevs
    plant.forceRatio = plant.force.ratio
    plant.forceTrueN = forceN
    plant.depthActualMm = depthMm
    plant.depthFeedbackRatio = depthFeedbackRatio(plant.feedbackParams, depthMm, f.depthWiperOpen || f.actuatorMissing)
    plant.dutyApplied = duty
    plant.motorCurrentA = plant.motor.currentA
    plant.skinLoadNm = loadNm
    return plant
}
