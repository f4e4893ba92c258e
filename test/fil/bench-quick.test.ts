// The benchmarks cannot rot: the same code `npm run bench` runs (bench/suite.ts), at the quick
// sizes, with every row of the table present and every figure a sane number. Timing goals are not
// asserted here (the machine running npm test may be busy; `npm run bench` reports pass/short),
// except the deterministic ones (closed-loop simulation, bytecode size). Runs beside other
// firmware-in-the-loop files (tools/test-all.mjs), one VM at a time; every VM is stopped by the
// suite itself, also when a measurement fails.
import { beforeAll, describe, expect, test } from "vitest"
import { existsSync } from "node:fs"
import { COMMIT_LINE, markdown, table } from "../../bench/report"
import { ROW_IDS, SuiteReport, allRows, runSuite } from "../../bench/suite"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { BYTECODE } from "../../sim/vm"

let report: SuiteReport

beforeAll(async () => {
    if (!existsSync(BYTECODE)) throw new Error("firmware not built: run `npm run build` (npm test does it)")
    report = await runSuite(FACTORY_PROFILE, "quick", { quiet: true })
    // the flash-wear section plays the 30-minute session on the closed loop too (~5 s, more on a busy host)
}, 120000)

const row = (id: string) => allRows(report).find((r) => r.id === id)!

describe("benchmarks, quick run", () => {
    test("every measurement ran and the table has every row", () => {
        expect(report.errors).toEqual([])
        expect(allRows(report).map((r) => r.id)).toEqual(ROW_IDS)
        for (const r of allRows(report)) {
            expect(r.figure, r.id).not.toMatch(/NaN|undefined/)
            expect(["pass", "short", "n/a"], r.id).toContain(r.verdict)
        }
        const md = markdown(report, report.wallMs)
        expect(md).toContain(table(allRows(report)).split("\n")[0])
        for (const r of allRows(report)) expect(md).toContain(r.figure.replace(/\|/g, "\\|"))
        // a commit id in a git checkout, NO_GIT elsewhere (test/bench/offline.test.ts runs that case)
        expect(md).toMatch(COMMIT_LINE)
        expect(md).toContain(`\`${report.commit.sha}\``)
        expect(md).toContain(report.machine.cpu)
    })

    test("cutoff latency: every press measured, causally ordered, split into its segments", () => {
        const all = row("cutoff").values
        expect(all.n).toBe(5 * report.sizes.cutoffTrialsPerGroup)
        expect(all.min).toBeGreaterThanOrEqual(0)
        expect(all.max).toBeLessThan(1000)
        expect(all.median).toBeLessThanOrEqual(all.p99)
        // the groups ran at their rates: 56 and 150 set on the console, the presets, spinning up
        expect(row("cutoff.56").values.rateHz).toBeLessThan(66)
        expect(row("cutoff.150").values.rateHz).toBeGreaterThan(130)
        expect(row("cutoff.spinup").values.rateHz).toBeLessThan(row("cutoff.120").values.rateHz)
    })

    test("control tick and heap: windows counted, heap found and bounded", () => {
        const rate = row("tick.rate").values
        // what the section saw, for a failure's message (windows, states, faults, console)
        const seen = [row("tick.rate").figure, ...report.sections.find((s) => s.rows.includes(row("tick.rate")))!.notes.slice(0, 1)].join(" | ")
        expect(rate.n, seen).toBeGreaterThanOrEqual(8)
        expect(rate.median).toBeGreaterThan(0)
        // status lines that lost their loop-health fields are left out of the windows; a few at most
        expect(rate.malformed).toBeLessThan(rate.n / 4)
        expect(row("tick.time").values.max).toBeGreaterThanOrEqual(0)
        const heap = row("heap").values
        expect(heap.size).toBe(64 * 1024)
        expect(heap.liveBefore).toBeGreaterThan(1024)
        expect(heap.liveBefore).toBeLessThan(heap.size)
        expect(heap.usedMax).toBeLessThan(heap.size)
        expect(heap.walks).toBeGreaterThan(5)
    })

    test("deterministic figures hold their goals: rate hold, depth, bytecode", () => {
        for (const hz of [56, 100, 150]) {
            expect(row(`rate.${hz}`).verdict).toBe("pass")
            expect(row(`rate.${hz}.open`).verdict).toBe("pass")
        }
        expect(row("depth.closed").verdict).toBe("pass")
        expect(row("depth.vm").values.n).toBeGreaterThan(0)
        expect(row("bytecode").verdict).toBe("pass")
        // the full-face session under the dose rule: every area treated to its dose (~23 min)
        expect(row("simspeed").values.simulatedS).toBeGreaterThanOrEqual(20 * 60)
        // flash wear comes from the firmware's save policy on the closed loop: deterministic
        expect(row("flashwear.session").verdict).toBe("pass")
        expect(row("flashwear.session").values.perSession).toBeGreaterThan(0)
        expect(row("flashwear.worst").verdict).toBe("pass")
        expect(row("startup.drive").values.n).toBeGreaterThan(0)
        expect(row("startup.boot").values.median).toBeGreaterThan(0)
    })
})
