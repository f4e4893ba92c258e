// Bench calibration program (docs/HARDWARE.md, "Calibration"). NOT the pen firmware: it has none
// of the safety logic. Run it with the needle cartridge removed.
//
// It binds the same roles as the firmware (started by boards/<id>.calibrate.ts) and logs one
// `CAL ...` line every 500 ms. The area button steps the mode, the trigger acts in it:
//   force   logs the pressure reading (ADC ratio): mean, min, max over the last 500 ms
//   depth   trigger press: servo angle +1 deg; trigger held > 1 s: -1 deg every 250 ms; logs the
//           depthPos feedback pot ratio
//   stroke  trigger press: next needle duty (0, 0.3, 0.5, 0.7, 0.9); logs strokes/s from the
//           stroke counter; the motor stops whenever the mode changes
//
// The motor stage's dead-man (docs/HARDWARE.md) opens the bridge unless a drive write retriggers it
// within ~200 ms: while the needle runs, the duty is written again every FEED_MS and each write
// is followed by the board's feed (setDriveFeed, from boards/<id>.calibrate.ts).
import * as ds from "@devicescript/core"
import { DRIVE_FEED_MS } from "../core/limits"
import { FACTORY_PROFILE } from "../src/profile.g"

const needle = new ds.Motor("needle")
const depth = new ds.Servo("depth")
const pressure = new ds.Potentiometer("pressure")
const depthPos = new ds.Potentiometer("depthPos")
const stroke = new ds.RotaryEncoder("stroke")
const trigger = new ds.Button("trigger")
const area = new ds.Button("area")

const MODES = ["force", "depth", "stroke"]
const DUTIES = [0, 0.3, 0.5, 0.7, 0.9]
const perStroke = FACTORY_PROFILE.stroke.countsPerStroke

let mode = 0
let dutyIx = 0
let angle = FACTORY_PROFILE.depth.angleAtZeroDeg
let sum = 0
let n = 0
let lo = 1
let hi = 0
let count = 0
let lastCount = 0
let lastMs = 0
let triggerDown = false
let triggerAtMs = 0
let areaDown = false
let pending = true
let pos = NaN
/** the duty last written to the needle */
let driven = 0
/** the board's dead-man feed, called after each drive write (none in the simulator) */
let feed: () => void = undefined

export function setDriveFeed(f: () => void) {
    feed = f
}

pressure.reading.subscribe((r: number) => {
    sum += r
    n++
    if (r < lo) lo = r
    if (r > hi) hi = r
})
depthPos.reading.subscribe((r: number) => {
    pos = r
})
stroke.reading.subscribe((c: number) => {
    count = c
})
trigger.reading.subscribe((v: number) => {
    const down = v > 0.5
    if (down && !triggerDown) {
        triggerAtMs = ds.millis()
        if (mode === 1) angle = Math.min(90, angle + 1)
        else if (mode === 2) dutyIx = (dutyIx + 1) % DUTIES.length
        pending = true
    }
    triggerDown = down
})
area.reading.subscribe((v: number) => {
    const down = v > 0.5
    if (down && !areaDown) {
        mode = (mode + 1) % MODES.length
        dutyIx = 0
        pending = true
    }
    areaDown = down
})

setInterval(async () => {
    const now = ds.millis()
    if (mode === 1 && triggerDown && now - triggerAtMs > 1000) {
        angle = Math.max(-90, angle - 1)
        pending = true
    }
    if (pending) {
        pending = false
        const duty = mode === 2 ? DUTIES[dutyIx] : 0
        await needle.speed.write(duty)
        driven = duty
        if (feed) feed()
        await needle.enabled.write(duty > 0)
        if (mode === 1) {
            await depth.angle.write(angle)
            await depth.enabled.write(true)
        }
    }
}, 250)

// while the needle runs: the duty again, and the dead-man's feed
setInterval(async () => {
    const duty = driven
    if (duty > 0) {
        await needle.speed.write(duty)
        if (feed) feed()
    }
}, DRIVE_FEED_MS)

setInterval(async () => {
    const now = ds.millis()
    const dt = lastMs > 0 ? (now - lastMs) / 1000 : 0
    const rate = dt > 0 ? (count - lastCount) / perStroke / dt : 0
    lastMs = now
    lastCount = count
    const m = MODES[mode]
    if (m === "force") {
        const mean = n > 0 ? sum / n : NaN
        console.log(`CAL mode=force ratio=${mean} min=${lo} max=${hi} samples=${n}`)
    } else if (m === "depth") console.log(`CAL mode=depth angle=${angle} pos=${pos}`)
    else console.log(`CAL mode=stroke duty=${DUTIES[dutyIx]} counts=${count} strokesPerS=${rate}`)
    sum = 0
    n = 0
    lo = 1
    hi = 0
}, 500)

await pressure.streamingInterval.write(20)
await stroke.streamingInterval.write(20)
