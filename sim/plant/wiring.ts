// Wiring mistakes a builder can make (issue 14, bring-up), as data, and what each does to the
// signals at the pins. A mistake is fixed when the plant is built (PlantOptions.wiring) and changes
// only the physics between the parts and the pins: what the ADC pins read, where the servo goes,
// what the counter counts, whether the coil is connected. Nothing here tells the firmware anything.
//
// The board-side parts stay at their pins (docs/HARDWARE.md, bill of materials): the feedback pot's
// 1 MΩ pull-down and 100 nF at the `depthPos` pin, and (assumed: HARDWARE.md puts only R_bias at
// the sensor end of the FSR's cable) R_m 10 kΩ and its 100 nF at the `pressure` pin. So a sensor
// cable on the wrong pin meets that pin's parts. The calibrated readings (devs.json) already contain
// the right pin's load; only a different load is modelled (`wiperRatioOnPin`).

export type WiringMistakeId =
    | "pots_swapped"
    | "actuator_reversed"
    | "feedback_reversed"
    | "feedback_missing"
    | "fsr_no_bias"
    | "fsr_no_live_zero"
    | "stroke_dead"
    | "stroke_double"
    | "trigger_stuck"
    | "motor_disconnected"

export interface WiringMistake {
    id: WiringMistakeId
    /** what the builder did */
    did: string
    /** what the hardware then does, physically */
    hardware: string
}

export const WIRING_MISTAKES: readonly WiringMistake[] = [
    {
        id: "pots_swapped",
        did: "the FSR cable and the depth feedback pot's wiper on each other's ADC pins",
        hardware: "the pressure pin reads the feedback pot's wiper (loaded by R_m 10 kΩ: a little low mid-travel); " +
            "the depthPos pin reads the FSR against the 1 MΩ pull-down instead of R_m: ~0.67 of full scale with no force, near 1 under load",
    },
    {
        id: "actuator_reversed",
        did: "the depth actuator's direction reversed (minPulse/maxPulse the wrong way round, or the collar mounted mirrored)",
        hardware: "it goes to the mirror of the commanded servo angle (−angle): 0 mm commanded puts the needle out ~3 mm, deeper commands pull it in",
    },
    {
        id: "feedback_reversed",
        did: "the feedback pot's two outer wires (3V3 and GND) swapped",
        hardware: "the depthPos ratio is 1 − the true ratio: it falls as the needle goes out (0 mm reads 0.85)",
    },
    {
        id: "feedback_missing",
        did: "the feedback pot not connected (wiper lead not brought out, or left off the pin)",
        hardware: "the depthPos pin is held by its 1 MΩ pull-down: reads 0 whatever the needle does",
    },
    {
        id: "fsr_no_bias",
        did: "the FSR divider's resistor to ground (R_m 10 kΩ) left out: the FSR (with R_bias) from 3V3 to the pin and nothing to GND",
        hardware: "the pin floats high: the 100 nF charges through the FSR and R_bias (τ = 50 ms with no force, faster pressed) " +
            "to 3V3, which the ADC reads as full scale, force or no force",
    },
    {
        id: "fsr_no_live_zero",
        did: "R_bias (the live-zero resistor across the FSR) left out",
        hardware: "with no force the FSR is open and the pin reads ~0, as a cut cable does; pressed, the curve is the divider's without its offset",
    },
    {
        id: "stroke_dead",
        did: "the stroke sensor not connected (hall supply or outputs off, or magnet missing)",
        hardware: "no pulses: the count never moves while the cam turns",
    },
    {
        id: "stroke_double",
        did: "a four-pole magnet on the cam where the two-pole (diametric) one belongs",
        hardware: "two quadrature cycles per revolution: the counter counts twice per stroke",
    },
    {
        id: "trigger_stuck",
        did: "the trigger's tactile switch wired across two legs that are joined inside it",
        hardware: "the trigger pin reads pressed all the time",
    },
    {
        id: "motor_disconnected",
        did: "the needle motor not connected to the bridge's outputs (AO1/AO2)",
        hardware: "the bridge takes every duty and drives nothing: the coil is open, the cam never turns, no strokes",
    },
]

export type Wiring = Readonly<Record<WiringMistakeId, boolean>>

/** the wiring with these mistakes (none: a correctly wired pen) */
export function wiringWith(mistakes: readonly WiringMistakeId[] = []): Wiring {
    const w = {} as Record<WiringMistakeId, boolean>
    for (const m of WIRING_MISTAKES) w[m.id] = false
    for (const id of mistakes) {
        if (!(id in w)) throw new Error(`unknown wiring mistake "${id}"`)
        w[id] = true
    }
    return w
}

/** R_m, the FSR divider's resistor to ground at the pressure pin (Ω) */
export const R_M_OHM = 10_000
/** the feedback pot's pull-down at the depthPos pin (Ω) */
export const DEPTH_PULLDOWN_OHM = 1_000_000
/** the feedback pot's track (Ω); docs/HARDWARE.md's example, e.g. 10 kΩ */
export const FEEDBACK_POT_OHM = 10_000
/** R_m × the node's 100 nF: the divider node's time constant (ms) */
export const FSR_NODE_TAU_MS = 1

/** the servo angle the actuator really follows for the commanded one (NaN = no pulse stays NaN) */
export function actuatorAngleDeg(w: Wiring, angleCmdDeg: number): number {
    return w.actuator_reversed ? -angleCmdDeg : angleCmdDeg
}

/**
 * The FSR node's leg to ground against R_m (R_m / R of the pin it is on): 1 wired right, 0 with no
 * resistor to ground, R_m / 1 MΩ on the depthPos pin (pots_swapped). sim/plant/forceSensor.ts
 */
export function fsrGroundLeg(w: Wiring): number {
    if (w.pots_swapped) return R_M_OHM / DEPTH_PULLDOWN_OHM
    return w.fsr_no_bias ? 0 : 1
}

/**
 * What the pin the feedback wiper is on reads, from the wiper's calibrated ratio `x` (the quantised
 * depthFeedbackRatio on its own pin): 0 when not connected, 1 − x with the ends swapped, and on
 * the pressure pin (pots_swapped) the pot's source resistance x(1 − x)·R_pot against R_m.
 */
export function wiperRatioOnPin(w: Wiring, x: number): number {
    if (w.feedback_missing) return 0
    let r = w.feedback_reversed ? 1 - x : x
    if (w.pots_swapped && !w.fsr_no_bias) r = r / (1 + (r * (1 - r) * FEEDBACK_POT_OHM) / R_M_OHM)
    return Math.round(r * 4095) / 4095
}

/** what the trigger's pin reads, for the hand's press */
export function triggerPinPressed(w: Wiring, pressedByHand: boolean): boolean {
    return pressedByHand || w.trigger_stuck
}
