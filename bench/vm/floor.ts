// The DeviceScript runtime's own cost with the pen's roles, for the timing bench (bench/cpu.ts):
// the roles the firmware binds (drivers/hardware.ts), a report handler on each sensor it reads,
// the sensors asked to keep streaming as the firmware's writer asks them (a keep-alive a second),
// and nothing else: no decisions, no control timer, no other writes. What this costs the VM with
// the simulated pen streaming at a board's rates is a floor under any firmware that reads these sensors.
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
const sensors: ds.Sensor[] = [pressure, depthPos, stroke, trigger, area, motion]
const counts: number[] = [0, 0, 0, 0, 0, 0]
// a closure per sensor from a function call (the compiler refuses closures over loop variables)
function count(s: ds.Sensor, k: number) {
    s.report().subscribe(() => {
        counts[k]++
    })
}
for (let i = 0; i < sensors.length; i++) count(sensors[i], i)
setInterval(async () => {
    for (const s of sensors) if (s.isBound) await s.streamingSamples.write(255)
    const all = needle.isBound && depth.isBound && status.isBound && sensors.every((s) => s.isBound)
    // reports=: per sensor, in the order above; every one must be heard before the bench measures
    console.log(`FLOOR bound=${all ? 1 : 0} reports=${counts.join(",")}`)
}, 1000)
