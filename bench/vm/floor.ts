// The DeviceScript runtime's own cost with the pen's roles, for the timing bench (bench/cpu.ts):
// the roles the firmware binds (drivers/hardware.ts), a report handler on each sensor it reads,
// and nothing else: no decisions, no timers, no writes. What this costs the VM with the simulated
// pen streaming at a board's rates is a floor under any firmware that reads these sensors.
import * as ds from "@devicescript/core"

const needle = new ds.Motor("needle")
const depth = new ds.Servo("depth")
const depthPos = new ds.Potentiometer("depthPos")
const pressure = new ds.Potentiometer("pressure")
const stroke = new ds.RotaryEncoder("stroke")
const trigger = new ds.Button("trigger")
const area = new ds.Button("area")
const status = new ds.Led("status")
const motion = new ds.Accelerometer("motion")
let reports = 0
for (const r of [pressure, stroke, depthPos, trigger, area, motion] as ds.Role[])
    r.report().subscribe(() => {
        reports++
    })
setInterval(() => {
    console.log(`FLOOR reports=${reports} bound=${needle.isBound && depth.isBound && status.isBound ? 1 : 0}`)
}, 1000)
