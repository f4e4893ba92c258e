// Session reports (sim/report/, `npm run sim`): the picture is rendered from a closed-loop
// run and checked for the marks it must carry: every series by name, one rule per cutoff or fault
// on every time panel, one bar per area in the pass map; and the files a report is made of.
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { FACTORY_PROFILE } from "../../src/profile.g"
import type { SessionRow } from "../../sim/outcome"
import { shortFaultScenario, shortMultiPass, shortPressingTooHard } from "../../sim/scenarios/short"
import { chartRows } from "../../sim/report/chart-rows"
import { SessionRecord, recordClosedLoop } from "../../sim/report/record"
import { renderSvg } from "../../sim/report/render"
import { findScenario, scenarioLibrary, slug } from "../../sim/report/scenarios"
import { MARKED_EVENTS, SERIES } from "../../sim/report/spec"
import { traceCsv } from "../../sim/report/trace-csv"
import { writeReport } from "../../sim/report/write"
import { ROOT } from "../../sim/vm"
import { scratchDir } from "../../sim/scratch"

const P = FACTORY_PROFILE

/** the aria labels of the items of a named Vega mark in an SVG (one per drawn item) */
function markItems(svg: string, name: string): string[] {
    const start = svg.indexOf(` ${name}_marks"`)
    if (start < 0) return []
    const end = svg.indexOf("</g>", start)
    const group = svg.slice(start, end)
    return [...group.matchAll(/<(?:line|path|text|rect)[^>]*aria-label="([^"]*)"[^>]*role="graphics-symbol"/g)].map((m) => m[1])
}

function markedEvents(rec: SessionRecord) {
    return rec.events.filter((e) => e.kind in MARKED_EVENTS)
}

const TIME_PANELS = ["event_marks", "events_force", "events_stroke", "events_needle", "events_motor", "events_strip"]

describe("session report picture", () => {
    test("pressing too hard: every series named, a rule per cutoff on every time panel, a bar per area", async () => {
        const rec = recordClosedLoop(P, shortPressingTooHard())
        expect(rec.failures).toEqual([])
        const svg = await renderSvg(rec)
        expect(svg.startsWith("<svg")).toBe(true)
        for (const name of Object.values(SERIES)) expect(svg, `series "${name}"`).toContain(name)
        expect(svg).toContain(`over-pressure limit ${P.force.overPressureN} N`)

        const evs = markedEvents(rec)
        expect(evs.filter((e) => e.kind === "over_pressure").length).toBe(2)
        expect(evs.filter((e) => e.kind === "rise_cutoff").length).toBe(1)
        for (const panel of TIME_PANELS) {
            const items = markItems(svg, panel)
            expect(items.length, panel).toBe(evs.length)
            evs.forEach((e, i) => expect(items[i].startsWith(`${e.kind} at ${(e.tMs / 1000).toFixed(2)} s`), `${panel} item ${i}`).toBe(true))
        }
        expect(markItems(svg, "event_labels")).toHaveLength(evs.length)

        // the pass map: one limit bar and one used bar per area, in profile order, with the counts
        const used = markItems(svg, "pass_used")
        expect(used).toHaveLength(P.areas.length)
        expect(markItems(svg, "pass_limit")).toHaveLength(P.areas.length)
        const cheeks = rec.outcome.passes.cheeks
        expect(cheeks).toBeGreaterThan(0)
        expect(used[P.areas.findIndex((a) => a.id === "cheeks")]).toBe(`cheeks: ${cheeks.toFixed(2)} of 3 passes, 2 too-hard presses`)
        expect(used[0]).toBe(`${P.areas[0].id}: 0.00 of ${P.areas[0].preset.passLimit} passes, 0 too-hard presses`)
    })

    test("a fault and its clearing are marked and labelled with the fault code", async () => {
        const rec = recordClosedLoop(P, shortFaultScenario("forceOpen", 30))
        const svg = await renderSvg(rec)
        const items = markItems(svg, "event_marks")
        expect(items.map((l) => l.split(" ")[0])).toEqual(["fault", "fault_cleared"])
        expect(items[0]).toContain("force_open")
        expect(svg).toContain(">force_open</text>")
        expect(svg).toContain("faults [force_open]")
    })

    test("a run with no cutoff or fault draws no event rule; the pass map shows two areas used", async () => {
        const rec = recordClosedLoop(P, shortMultiPass())
        const svg = await renderSvg(rec)
        for (const panel of TIME_PANELS) expect(markItems(svg, panel), panel).toEqual([])
        const used = markItems(svg, "pass_used")
        const o = rec.outcome
        expect(o.passes.periorbital).toBeGreaterThan(0)
        expect(o.passes.forehead).toBeGreaterThan(0)
        expect(used).toContain(`periorbital: ${o.passes.periorbital.toFixed(2)} of 2 passes, 0 too-hard presses`)
        expect(used).toContain(`forehead: ${o.passes.forehead.toFixed(2)} of 3 passes, 0 too-hard presses`)
        // a state strip segment per change of state (idle, armed, treating, paused, ...)
        expect(markItems(svg, "state_strip").length).toBeGreaterThan(6)
    })
})

describe("session report files", () => {
    test("trace.csv, events, outcome, svg, html and (where resvg loads) png", async () => {
        const rec = recordClosedLoop(P, shortPressingTooHard())
        const dir = scratchDir("pen-report-")
        const w = await writeReport(dir, rec)
        const csv = readFileSync(join(dir, "trace.csv"), "utf8").trim().split("\n")
        expect(csv[0]).toBe("tMs,forceTrueN,forceMeasN,setHz,measHz,trueHz,duty,depthTargetMm,depthActualMm,state,area,passes")
        expect(csv.length - 1).toBe(rec.rows.length)
        expect(rec.rows.length).toBeGreaterThan(rec.scenario.durationMs / 5 - 2)
        const events = readFileSync(join(dir, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
        expect(events.filter((e) => e.kind === "over_pressure")).toHaveLength(2)
        const outcome = JSON.parse(readFileSync(join(dir, "outcome.json"), "utf8"))
        expect(outcome.outcome.passes.cheeks).toBeGreaterThan(0)
        expect(outcome.outcome.passes.cheeks).toBe(rec.outcome.passes.cheeks)
        expect(outcome.mode).toBe("closed loop")
        expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("<svg")
        expect(existsSync(join(dir, "report.svg"))).toBe(true)
        if (w.png) expect(readFileSync(join(dir, "report.png")).subarray(1, 4).toString()).toBe("PNG")
        else console.log("report.png not written: @resvg/resvg-js did not load on this machine")
    })

    test("a long run is drawn from at most 2000 rows, keeping every force spike", () => {
        const rows: SessionRow[] = []
        for (let i = 0; i < 10000; i++)
            rows.push({
                tMs: i * 5, forceTrueN: i === 4321 ? 9 : 1, forceMeasN: 1, setHz: 100, measHz: 100, trueHz: 100, duty: 0.5,
                depthTargetMm: 1, depthActualMm: 1, state: "treating", area: "cheeks", passes: 1,
            })
        const out = chartRows(rows)
        expect(out.length).toBeLessThanOrEqual(2000)
        expect(Math.max(...out.map((r) => r.forceTrueN))).toBe(9)
        expect(traceCsv(rows.slice(0, 2)).split("\n")[1]).toBe("0,1,1,100,100,100,0.5,1,1,treating,cheeks,1")
    })

    test("scenarios are found by their slug or a unique part of it", () => {
        const all = scenarioLibrary()
        expect(new Set(all.map((s) => slug(s.name))).size).toBe(all.length)
        expect(slug("fault: force sensor open")).toBe("fault-force-sensor-open")
        const s = findScenario("fault-force-sensor-open")
        expect(typeof s === "string" ? s : s.name).toBe("fault: force sensor open")
        expect(findScenario("multi-glide")).toMatchObject({ name: "short multi-glide, two areas" })
        expect(findScenario("fault")).toMatch(/matches \d+ scenarios/)
        expect(findScenario("no such thing")).toMatch(/no scenario matches/)
    })

    test("`npm run sim` with no argument lists the scenarios", () => {
        const r = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "sim/report.ts"], { cwd: ROOT, encoding: "utf8" })
        expect(r.status, r.stderr).toBe(0)
        for (const s of scenarioLibrary()) expect(r.stdout).toContain(slug(s.name))
    }, 30000)
})
