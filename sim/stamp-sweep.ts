// Stamping over many seeds, in the closed loop (issue 13, docs/DOSE.md "The chip at 26 Hz"): the
// forehead stamping scenario (sim/scenarios/dose.ts: presses of 0.5 s on one spot, lifted 0.25 s)
// with `presses` presses, and how long the needle ran on the spot before the first dwell_stop
// (the firmware's treating states from the first press on; the test/sim/doseScenarios.test.ts
// stamping test measures seed 15 the same way).
//   `npx tsx sim/stamp-sweep.ts [seeds] [odrHz]` (default 20 seeds, motion.odrHz; another odrHz
//   runs the chip and the monitor at it: 52, jacdac-c's own)
import { runClosedLoop } from "./closedloop"
import { stampingForehead } from "./scenarios/dose"
import { FACTORY_PROFILE } from "../src/profile.g"
import { Profile } from "../core/profile"

const seeds = Number(process.argv[2] ?? 20)
const odrHz = Number(process.argv[3] ?? FACTORY_PROFILE.motion.odrHz)
const profile: Profile = JSON.parse(JSON.stringify(FACTORY_PROFILE))
profile.motion.odrHz = odrHz

const needlingMs: number[] = []
for (let seed = 1; seed <= seeds; seed++) {
    const s = stampingForehead(12, seed)
    const r = runClosedLoop(profile, s, { traceEveryMs: 0, accelerometer: { odrHz } })
    const firstPressMs = Math.min(...s.steps.flatMap((st) => (st.technique ? st.technique.tech.segments.filter((g) => g.kind === "hold" && g.label === "stamp").map((g) => st.atMs + g.startMs) : [])))
    const stop = r.events.find((e) => e.kind === "dwell_stop")
    if (!stop) {
        needlingMs.push(Infinity)
        continue
    }
    let ms = 0
    let since = -1
    for (const e of r.events) {
        if (e.kind !== "state" || e.atMs > stop.atMs) continue
        if (e.state === "treating") since = Math.max(e.atMs, firstPressMs)
        else if (since >= 0) {
            if (e.atMs > firstPressMs) ms += e.atMs - since
            since = -1
        }
    }
    needlingMs.push(ms)
}
const sorted = needlingMs.slice().sort((a, b) => a - b)
console.log(`stamping on the forehead, chip and monitor at ${odrHz} Hz, seeds 1-${seeds}: needling on the spot before the first dwell_stop (ms)`)
console.log(`  ${sorted.map((x) => (Number.isFinite(x) ? Math.round(x) : "never")).join(" ")}`)
console.log(`  ${needlingMs.filter((x) => x > 1500).length} of ${seeds} over 1.5 s`)
