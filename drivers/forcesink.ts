// Where a force driver other than the `pressure` role (the load cell, drivers/loadcell.ts) puts
// its samples. drivers/hardware.ts externalForceSink gives one onto PenHardware; tests use a recording fake.
// Pure: no @devicescript imports, so the Node tests and the firmware share it.

export interface ExternalForceSink {
    /** the force now comes from this driver; the pressure role is ignored */
    useExternalForce(): void
    /** a new sample: newtons, raw ratio 0..1 for the range checks; runs the over-pressure fast path */
    externalForce(forceN: number, ratio: number): void
    /** the sensor is (un)usable: false makes the pen refuse to arm (pressure sensor not bound) */
    externalForceBound(bound: boolean): void
    /** the sensor's configuration cannot be used: the core latches profile_invalid with this reason */
    externalForceInvalid(reason: string): void
}
