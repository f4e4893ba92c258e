// The handpiece accelerometer (role `motion`) for both runners (issue 13): the plant's chip model
// (plant/imu.ts) feels the technique's path (its speed changes, and the pen turning with the curved
// skin), the needle at the plant's true stroke rate and the strike while on the skin. The closed
// loop reads the chip's latest output every ACCEL_READ_MS, as jacdac-c's server polls it (~15.4 ms:
// 15.5 here, a multiple of the plant's step); the VM's Accelerometer server (sim/devices.ts) streams
// it at its own interval.
import { Imu, ImuParams, createImu, createImuInput, stepImu } from "./plant/imu"
import { Pose, Technique, createPose, techniquePoseAt } from "./plant/technique"

export const ACCEL_READ_MS = 15.5

export class AccelFeed {
    readonly imu: Imu
    private readonly input = createImuInput()
    private readonly pose = createPose()
    private tech: Technique | undefined = undefined
    private techStartMs = 0

    constructor(seed: number, params: Partial<ImuParams> = {}) {
        this.imu = createImu(seed, params)
    }

    /** the operator starts a technique at nowMs (the plant's clock) */
    play(tech: Technique, nowMs: number): void {
        this.tech = tech
        this.techStartMs = nowMs
    }

    /**
     * advance the chip by dtMs to nowMs, the needle at strokeHz (0: still), on the skin or not; after
     * a technique the pen stays where it ended, turned as it was. `pose`: the technique's pose at
     * nowMs when the caller has it already (the dwell model: the path is the costliest part)
     */
    step(dtMs: number, nowMs: number, strokeHz: number, contact: boolean, pose?: Pose): void {
        const inp = this.input
        const t = nowMs - this.techStartMs
        if (this.tech && t <= this.tech.durationMs) {
            if (!pose) pose = techniquePoseAt(this.tech, t, this.pose)
            inp.axMmS2 = pose.axMmS2
            inp.ayMmS2 = pose.ayMmS2
            inp.azMmS2 = pose.azMmS2
            inp.tiltXRad = pose.tiltXRad
            inp.tiltYRad = pose.tiltYRad
        } else {
            inp.axMmS2 = 0
            inp.ayMmS2 = 0
            inp.azMmS2 = 0
        }
        inp.strokeHz = strokeHz
        inp.contact = contact
        stepImu(this.imu, dtMs, inp)
    }
}
