// The depth rules (docs/SAFETY.md H8, core/limits.ts DEPTH_TOLD_MS) against the actuator's
// reaction: areas changed in quick succession (select_area at random every 20 ms, 60-120 ms and
// 120-250 ms), 40 commands a run, in the closed loop (no VM). Counts the runs that latched a
// false depth_not_following, for the simulated actuator's reaction after its RC frame and the
// feedback's report interval:
//   `npx tsx sim/depth-sweep.ts [seeds] [--react=MS,MS,...] [--report=MS,MS,...]`
// (default 40 seeds, reactions 10,30,40,50 ms, reports every 10 and 20 ms)
import { FACTORY_PROFILE } from "../src/profile.g"
import { runClosedLoop } from "./closedloop"
import { quickAreaChanges } from "./scenarios"

const profile = FACTORY_PROFILE
const arg = (name: string, dflt: number[]) => {
    const a = process.argv.find((s) => s.startsWith(`--${name}=`))
    return a ? a.slice(name.length + 3).split(",").map(Number) : dflt
}
const seeds = Number(process.argv[2]?.startsWith("--") ? 40 : process.argv[2] ?? 40)
const reacts = arg("react", [10, 30, 40, 50])
const reports = arg("report", [10, 20])
const INTERVALS = [[20, 20], [60, 120], [120, 250]]
const areas = profile.areas.map((a) => a.id)

for (const reactMs of reacts) {
    for (const depthReportMs of reports) {
        const counts: string[] = []
        for (const [loMs, hiMs] of INTERVALS) {
            let latched = 0
            let example = ""
            for (let seed = 1; seed <= seeds; seed++) {
                const { scenario } = quickAreaChanges(areas, seed, loMs, hiMs)
                const r = runClosedLoop(profile, scenario, { traceEveryMs: 0, depthReportMs, plant: { actuator: { reactMs } } })
                const f = r.summary.faults.find((x) => x.code === "depth_not_following")
                if (f) {
                    latched++
                    if (!example) example = ` (seed ${seed}: ${f.message})`
                }
            }
            counts.push(`every ${loMs}-${hiMs} ms ${latched}/${seeds}${example}`)
        }
        console.log(`reaction ${reactMs} ms, reports every ${depthReportMs} ms: ${counts.join("; ")}`)
    }
}
