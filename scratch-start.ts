import { Rig } from "./sim/rig"
import { FACTORY_PROFILE } from "./src/profile.g"
for (let run = 0; run < 3; run++) {
    const t0 = performance.now()
    const marks: string[] = []
    let first = true
    const rig = new Rig(FACTORY_PROFILE, {
        onLine: (l) => {
            const t = (performance.now() - t0).toFixed(0)
            if (first) { marks.push(`${t} first line: ${l.slice(0, 40)}`); first = false }
            if (/^(SELFTEST|BOOT|EVENT)/.test(l) || (l.startsWith("STATUS") && !marks.some((m) => m.includes("STATUS")))) marks.push(`${t} ${l.slice(0, 70)}`)
        },
    })
    await rig.start()
    await rig.pen.press("trigger")
    await rig.waitState("armed")
    marks.push(`${(performance.now() - t0).toFixed(0)} armed`)
    await rig.stop()
    console.log(marks.join("\n"), "\n---")
}
process.exit(0)
