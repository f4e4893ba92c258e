// `npm run fuzz [-- --seeds N --first S --seconds T --rate R]`: the large fuzz run of the firmware
// in the VM (test/fil/fuzzer.ts), one fresh pen per seed, one after the other. Prints each seed's
// figures and the totals; exits 1 if any seed saw a panic, a restart, a limit breach or an
// unexplained change. Replay one seed with --first S --seeds 1.
import { FACTORY_PROFILE } from "../../src/profile.g"
import { fuzzOnce, summary } from "./fuzzer"

function arg(name: string, dflt: number): number {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : dflt
}

const seeds = arg("seeds", 6)
const first = arg("first", 1)
const seconds = arg("seconds", 40)
const rate = arg("rate", 200)
const t0 = performance.now()
const tot = { packets: 0, panics: 0, restarts: 0, breaches: 0, unexplained: 0, minTps: Infinity }
const bad: string[] = []
let starts = 0
// jacdac-ts on the host asserts on every not-implemented answer the fuzz provokes: not ours to print
console.assert = () => {}
for (let seed = first; seed < first + seeds; seed++) {
    const run = () => fuzzOnce(FACTORY_PROFILE, { seed, durationMs: seconds * 1000, rate })
    // a pen that does not start (a host stalled by other work) is tried once more, and said
    const r = await run().catch((e) => {
        console.log(`seed ${seed}: the pen did not start (${e.message}); once more`)
        starts++
        return run()
    })
    console.log(summary(r))
    for (const x of [...r.panics, ...r.breaches, ...r.unexplained]) console.log(`  seed ${seed}: ${x}`)
    tot.packets += r.packets.total
    tot.panics += r.panics.length ? 1 : 0
    tot.restarts += r.restarts
    tot.breaches += r.breaches.length
    tot.unexplained += r.unexplained.length
    if (r.minTps < tot.minTps) tot.minTps = r.minTps
    if (r.panics.length || r.restarts || r.breaches.length || r.unexplained.length) bad.push(String(seed))
}
console.log(
    `fuzz: ${tot.packets} packets, seeds ${first}..${first + seeds - 1} (${seconds} s each at ${rate}/s), ` +
        `${((performance.now() - t0) / 1000).toFixed(0)} s in all; panics ${tot.panics}, restarts ${tot.restarts}, ` +
        `limit breaches ${tot.breaches}, unexplained state changes ${tot.unexplained}; min tps ${tot.minTps}` +
        `; pens that did not start at first ${starts}` +
        (bad.length ? `; FAILED seeds ${bad.join(",")}` : "")
)
process.exit(bad.length ? 1 : 0)
