// Stroke rate under load: the core's closed loop against an open-loop drive (a fixed duty for the
// rate, as commercial pens do), on the same plant, hand and seed. Judged on the true cam rate.
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import type { Profile } from "../../core/profile"
import { compareOpenLoop } from "../../bench/openloop"
import { runClosedLoop } from "../../sim/closedloop"
import { ScenarioBuilder, needledPasses } from "../../sim/scenario"
import { judge } from "../../sim/judge"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))
const f1 = (x: number | null) => (x === null ? "never" : x.toFixed(1))

describe("closed loop vs open loop, typical pass load (1.5 N, 1.0 mm)", () => {
    for (const hz of [56, 100, 150]) {
        test(`${hz} strokes/s: closed loop holds within ±5%, open loop sags far more`, () => {
            const c = compareOpenLoop(profile, hz, 1.5, 1.0)
            console.log(
                `  ${hz} Hz | closed: steady ${f1(c.closed.steadyErrPct)}%, dip ${f1(c.closed.worstDipPct)}%, ` +
                `back within 5% after ${f1(c.closed.recoveryMs)} ms, duty ${c.closed.dutyEnd.toFixed(2)} | ` +
                `open (duty ${c.openDuty.toFixed(2)}): steady ${f1(c.open.steadyErrPct)}%, dip ${f1(c.open.worstDipPct)}%, ` +
                `recovery ${f1(c.open.recoveryMs)} | dip ratio ${c.dipRatio.toFixed(1)}`
            )
            expect(Math.abs(c.closed.steadyErrPct)).toBeLessThan(5)
            expect(c.closed.recoveryMs).not.toBeNull()
            expect(c.closed.recoveryMs!).toBeLessThan(1000)
            expect(c.open.steadyErrPct).toBeLessThan(-10)
            expect(Math.abs(c.open.steadyErrPct)).toBeGreaterThan(3 * Math.max(1, Math.abs(c.closed.steadyErrPct)))
            expect(c.open.recoveryMs).toBeNull()
            expect(c.dipRatio).toBeGreaterThan(2)
        })
    }

    test("over a whole pass (touch, glide with repositions, lift) the true rate stays within ±5% for most (> 85%) of the settled time", () => {
        for (const hz of [56, 100, 150]) {
            const b = new ScenarioBuilder(`pass at ${hz}`, 3)
            b.command({ kind: "set_preset", areaId: "cheeks", depthMm: 1.0, strokeHz: hz, passLimit: 3 })
            b.command({ kind: "select_area", areaId: "cheeks" })
            b.press("trigger").wait(500).pass(20000, 1.5, 4)
            // 20 s of glide on the skin: its dose at the set rate, most of it delivered
            const r = runClosedLoop(profile, b.build({ passes: { cheeks: needledPasses("cheeks", 20800, 0.9, hz) } }), { traceEveryMs: 0 })
            const s = r.summary
            console.log(`  ${hz} Hz pass: ${(100 * s.rateWithin5PctShare).toFixed(1)}% of settled time within ±5%, mean |error| ${s.rateMeanAbsErrPct.toFixed(2)}%, overshoot up to ${s.maxOvershootPct.toFixed(0)}%`)
            expect(judge(profile, r, { passes: { cheeks: needledPasses("cheeks", 20800, 0.9, hz) }, locked: [] })).toEqual([])
            expect(s.rateWithin5PctShare).toBeGreaterThan(0.85)
            expect(s.rateMeanAbsErrPct).toBeLessThan(5)
        }
    })
})
