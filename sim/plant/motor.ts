// Needle motor + cam: an 8 mm coreless DC motor (0816 class) turning an offset cam directly,
// one needle stroke per cam revolution, so strokeHz = cam revolutions per second.
//
// Model (SI units inside, names carry units):
//   current   iA      = (V - k*omega) / R          (coil inductance ignored: L/R ~ 10 us << 1 ms)
//   torque    J dω/dt = k*iA - b*omega - Tres      (Tres: dry torques that oppose motion)
//   V = dutyApplied * supplyV: the bridge (a TB6612FNG wired as in docs/HARDWARE.md) runs
//   slow-decay PWM, drive and short brake, so the coil sees the average voltage and duty 0 shorts
//   the coil (dynamic braking). The bridge switched off (`bridgeOff`, motor `enabled` false) leaves
//   the coil open: coast. Set brakeWhenOff=false to model a driver that also coasts at duty 0 (a
//   DRV8833 under DeviceScript's motor server).
//   Tres = coulombNm + skin load + (jammed ? jamTorqueNm : 0). Dry torques hold the rotor at
//   rest while the drive torque k*V/R does not exceed them (stiction = coulomb level).
// With the inputs constant over a step the equation is linear with a constant forcing term, so it
// is integrated exactly (exponential solution, with the stop-at-zero-speed event solved in
// closed form): stable and accurate at any dt (0.1 ms .. 5 ms and beyond), no sub-steps needed.
//
// Sources (docs/DOMAIN.md, "Hardware a bench prototype uses"):
//   3 V supply, ~13,000 rpm no load, stall torque ~1.15 mNm, R ≈ 5.4 Ω, mechanical time
//   constant ~6 ms. Derived here: torque/back-EMF constant k, friction split, inertia J.

export interface MotorSpec {
    /** supply to the H-bridge (V); DOMAIN: 3 V */
    supplyV: number
    /** no-load speed at supplyV (rpm); DOMAIN: ~13,000 rpm (= 216.7 rev/s; devs.json says 217/duty) */
    noLoadRpm: number
    /** stall torque at supplyV (N·m); DOMAIN: ~1.15 mNm */
    stallTorqueNm: number
    /** terminal resistance (Ω); DOMAIN: ≈ 5.4 Ω */
    resistanceOhm: number
    /** mechanical time constant, 63% of a step from rest (ms); DOMAIN: ~6 ms. Sets inertia. */
    mechTimeConstantMs: number
    /** share of the no-load friction torque that is dry (coulomb) rather than viscous; assumed 0.4 */
    coulombShare: number
    /**
     * skin load coefficient c in  tauNm = c * forceN * (depthOffsetMm + depthMm)  while in contact.
     * Assumed form: each stroke does work against the tissue that grows with the force pressing
     * the needle field onto the skin and with how far the needles go in; the offset stands for
     * cartridge-face friction at zero protrusion. Tuned (not measured) so a typical pass, 1.5 N at
     * 1.0 mm with the duty set for 120 Hz no-load, sags open-loop speed by ~20% (brief: 15–30%).
     */
    skinLoadNmPerNmm: number
    /** depth offset in the skin load form (mm); assumed 0.3 */
    skinLoadDepthOffsetMm: number
    /** dry torque of a jammed cam/needle (N·m): far above stall, so the rotor locks in < 1 ms */
    jamTorqueNm: number
    /** true: duty 0 shorts the coil (slow-decay brake); false: duty 0 leaves it open (coast) */
    brakeWhenOff: boolean
}

export const DEFAULT_MOTOR_SPEC: MotorSpec = {
    supplyV: 3.0,
    noLoadRpm: 13000,
    stallTorqueNm: 1.15e-3,
    resistanceOhm: 5.4,
    mechTimeConstantMs: 6,
    coulombShare: 0.4,
    skinLoadNmPerNmm: 6.5e-5,
    skinLoadDepthOffsetMm: 0.3,
    jamTorqueNm: 20e-3,
    brakeWhenOff: true,
}

/** Constants of the differential equation, derived once from a MotorSpec. */
export interface MotorParams {
    spec: MotorSpec
    supplyV: number
    resistanceOhm: number
    /** torque constant = back-EMF constant (N·m/A = V·s/rad) */
    kNmPerA: number
    viscousNmsPerRad: number
    coulombNm: number
    inertiaKgM2: number
}

const TWO_PI = 2 * Math.PI

/**
 * Derive k, friction and inertia from the datasheet-style spec:
 *   stall:   k * V/R = stallTorque + coulomb          (the stall figure is net of dry friction)
 *   no load: k * (V - k*ω0)/R = coulomb + b*ω0         (all the no-load current feeds friction)
 *   coulomb = coulombShare * (total no-load friction)  (solved by fixed-point iteration)
 *   τm = J / (k²/R + b)                                 (linearised time constant of a step)
 */
export function deriveMotorParams(overrides: Partial<MotorSpec> = {}): MotorParams {
    const spec: MotorSpec = { ...DEFAULT_MOTOR_SPEC, ...overrides }
    const positive: (keyof MotorSpec)[] = [
        "supplyV", "noLoadRpm", "stallTorqueNm", "resistanceOhm", "mechTimeConstantMs", "jamTorqueNm",
    ]
    for (const key of positive) {
        const v = spec[key] as number
        if (!(v > 0) || !isFinite(v)) throw new Error(`motor spec ${key} must be > 0, got ${v}`)
    }
    if (!(spec.coulombShare >= 0 && spec.coulombShare < 1))
        throw new Error(`motor spec coulombShare must be in [0, 1), got ${spec.coulombShare}`)
    if (!(spec.skinLoadNmPerNmm >= 0) || !(spec.skinLoadDepthOffsetMm >= 0))
        throw new Error("motor spec skin load terms must be >= 0")

    const V = spec.supplyV
    const R = spec.resistanceOhm
    const omega0 = (spec.noLoadRpm / 60) * TWO_PI
    let coulombNm = 0
    let k = 0
    let frictionNm = 0
    for (let i = 0; i < 50; i++) {
        k = ((spec.stallTorqueNm + coulombNm) * R) / V
        frictionNm = (k * (V - k * omega0)) / R
        coulombNm = spec.coulombShare * frictionNm
    }
    if (!(frictionNm > 0))
        throw new Error("motor spec inconsistent: no-load speed is above V/k (no current left for friction)")
    const viscousNmsPerRad = (frictionNm - coulombNm) / omega0
    const inertiaKgM2 = (spec.mechTimeConstantMs / 1000) * ((k * k) / R + viscousNmsPerRad)
    return { spec, supplyV: V, resistanceOhm: R, kNmPerA: k, viscousNmsPerRad, coulombNm, inertiaKgM2 }
}

export interface MotorState {
    /** rotor = cam speed (rad/s), never negative (the bridge only drives forward) */
    omegaRadS: number
    /** cumulative cam revolutions since creation (one needle stroke each) */
    camRevs: number
    /** coil current (A); negative while braking */
    currentA: number
    /** resistive torque applied in the last step: coulomb + skin + jam (N·m) */
    dragNm: number
}

export function createMotorState(): MotorState {
    return { omegaRadS: 0, camRevs: 0, currentA: 0, dragNm: 0 }
}

/** Skin contact load torque (N·m): c * forceN * (offset + depthMm) while forceN > 0. */
export function skinLoadTorqueNm(p: MotorParams, forceN: number, depthMm: number): number {
    if (!(forceN > 0)) return 0
    const d = depthMm > 0 ? depthMm : 0
    return p.spec.skinLoadNmPerNmm * forceN * (p.spec.skinLoadDepthOffsetMm + d)
}

/** True stroke rate (strokes/s = cam rev/s). */
export function motorStrokeHz(s: MotorState): number {
    return s.omegaRadS / TWO_PI
}

/**
 * Advance the motor by dtMs with constant inputs. Mutates `s` in place (no allocation).
 * dutyApplied must already be clamped to 0..1; loadNm >= 0 is the skin load torque.
 */
export function stepMotor(
    s: MotorState,
    p: MotorParams,
    dutyApplied: number,
    loadNm: number,
    jammed: boolean,
    dtMs: number,
    bridgeOff = false
): void {
    const dtS = dtMs / 1000
    const k = p.kNmPerA
    const R = p.resistanceOhm
    const volts = dutyApplied * p.supplyV
    const coast = bridgeOff || (dutyApplied <= 0 && !p.spec.brakeWhenOff)
    // linear part: J dω/dt = driveNm - dampNmsPerRad*ω - dragNm
    const dampNmsPerRad = coast ? p.viscousNmsPerRad : (k * k) / R + p.viscousNmsPerRad
    const driveNm = coast ? 0 : (k * volts) / R
    const dragNm = p.coulombNm + loadNm + (jammed ? p.spec.jamTorqueNm : 0)
    s.dragNm = dragNm

    const w0 = s.omegaRadS
    let w1 = 0
    let dThetaRad = 0
    if (w0 > 0 || driveNm > dragNm) {
        const wInf = (driveNm - dragNm) / dampNmsPerRad
        const tauS = p.inertiaKgM2 / dampNmsPerRad
        // time at which ω reaches 0 when decelerating towards a negative asymptote
        let tStopS = Infinity
        if (wInf < 0) tStopS = tauS * Math.log((w0 - wInf) / -wInf)
        if (tStopS >= dtS) {
            const e = Math.exp(-dtS / tauS)
            w1 = wInf + (w0 - wInf) * e
            dThetaRad = wInf * dtS + (w0 - wInf) * tauS * (1 - e)
        } else {
            // stops inside the step, then dry friction holds it (drive < drag since wInf < 0)
            const e = -wInf / (w0 - wInf)
            w1 = 0
            dThetaRad = wInf * tStopS + (w0 - wInf) * tauS * (1 - e)
        }
        if (w1 < 0) w1 = 0
        if (dThetaRad < 0) dThetaRad = 0
    }
    s.omegaRadS = w1
    s.camRevs += dThetaRad / TWO_PI
    s.currentA = coast ? 0 : (volts - k * w1) / R
}
