// Simulation speed: the 30-minute full-face session (sim/scenarios/session.ts) on the closed
// loop's virtual clock, traced every control tick as a report would, several times in a row.
import type { Profile } from "../core/profile"
import { runClosedLoop } from "../sim/closedloop"
import { judge } from "../sim/judge"
import { fullFaceSession } from "../sim/scenarios"
import { Section, dist, f, progress, verdict } from "./lib"

export const SIM_WALL_GOAL_S = 5

export function benchSimSpeed(profile: Profile, runs: number, quiet = false): Section {
    const t0 = performance.now()
    const wall: number[] = []
    const ratio: number[] = []
    let simulatedS = 0
    let bad: string[] = []
    for (let i = 0; i < runs; i++) {
        const s = fullFaceSession()
        const r = runClosedLoop(profile, s)
        wall.push(r.summary.wallMs / 1000)
        ratio.push(r.summary.simSecondsPerWallSecond)
        simulatedS = r.summary.simulatedMs / 1000
        if (i === 0) bad = judge(profile, r, s.expect)
    }
    progress(quiet, `sim speed: ${runs} × ${f(simulatedS / 60, 1)} min session`)
    const w = dist(wall)
    const q = dist(ratio)
    return {
        title: "Simulation speed (closed loop)",
        rows: [
            {
                id: "simspeed",
                what: `Simulation speed: the ${f(simulatedS / 60, 0)}-minute full-face session, closed loop, traced every tick`,
                figure: `wall median ${f(w.median, 2)} / max ${f(w.max, 2)} s; ${f(q.median, 0)} simulated s per wall s (lowest ${f(q.min, 0)}); n=${w.n}`,
                goal: `wall < ${SIM_WALL_GOAL_S} s`,
                verdict: verdict(w.max < SIM_WALL_GOAL_S && bad.length === 0),
                values: { n: w.n, wallMedianS: w.median, wallMaxS: w.max, ratioMedian: q.median, ratioMin: q.min, simulatedS },
            },
        ],
        notes: [
            `runClosedLoop(fullFaceSession()) ${runs}× in this process (sim/closedloop.ts: plant every 0.5 ms, core every ${profile.control.tickMs} ms ` +
                `and on each force sample, a trace row every ${profile.control.tickMs} ms). The session's outcome was judged from the plant too: ` +
                `${bad.length === 0 ? "it held" : "FAILED: " + bad.join("; ")}.`,
        ],
        wallMs: performance.now() - t0,
    }
}
