// A session report: one scenario's run (closed loop or the firmware in the VM) as files a person
// opens: trace.csv (one row per sample), events.jsonl, outcome.json, and a picture (report.svg,
// report.png, report.html) drawn with Vega-Lite, rendered headless in Node (no canvas, no browser):
//
//   left   force (true and measured, the over-pressure limit), stroke rate (set, measured, true),
//          depth (commanded, real), drive (duty), the state and area over time; every cutoff and
//          fault is a vertical rule across all of them, labelled on top
//   right  the pass map: passes used per area against its limit, too-hard presses per area
//
//   const rec = recordClosedLoop(profile, scenario)        // or await recordVm(profile, scenario)
//   writeReport("reports/x", rec)                           // -> the files above
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as vega from "vega"
import * as vl from "vega-lite"
import type { TopLevelSpec } from "vega-lite"
import type { Profile } from "../core/profile"
import { runClosedLoop } from "./closedloop"
import { judge } from "./judge"
import {
    ScenarioOutcome,
    SessionEvent,
    SessionRow,
    describeOutcome,
    eventsOfClosedLoop,
    outcomeOfClosedLoop,
    passLimitsOfClosedLoop,
    rowsOfClosedLoop,
} from "./outcome"
import type { Scenario, ScenarioExpect } from "./scenario"
import { VmScenarioOptions, runScenarioInVm } from "./scenario-vm"
import { allScenarios } from "./scenarios"
import { shortScenarios } from "./scenarios/short"

export type RunMode = "closed loop" | "vm"

export interface SessionRecord {
    scenario: { name: string; description: string; seed: number; durationMs: number }
    mode: RunMode
    profile: Profile
    /** each area's pass limit at the end of the run */
    passLimits: Record<string, number>
    outcome: ScenarioOutcome
    rows: SessionRow[]
    events: SessionEvent[]
    /** what did not hold against the scenario's expectations ([] = all held) */
    failures: string[]
    /** anything else a reader should know */
    notes: string[]
}

/** the events drawn as rules across the time panels, with their legend names */
export const MARKED_EVENTS: Record<string, string> = {
    over_pressure: "over-pressure cutoff",
    rise_cutoff: "jab (rise) cutoff",
    fault: "fault",
    fault_cleared: "fault cleared",
}

/** the series of the time panels, as they are named in the legends */
export const SERIES = {
    forceTrue: "force, true (N)",
    forceMeas: "force, measured (N)",
    overLimit: "over-pressure limit",
    setHz: "rate, set point",
    measHz: "rate, measured by the pen",
    trueHz: "rate, true (plant)",
    depthTarget: "depth, commanded",
    depthActual: "depth, real",
    duty: "drive (duty %)",
} as const

const STATE_COLORS: Record<string, string> = {
    idle: "#bdbdbd",
    armed: "#66bb6a",
    treating: "#1e88e5",
    paused: "#4dd0e1",
    locked: "#ffb300",
    fault: "#e53935",
}

const EVENT_COLORS: Record<string, string> = {
    "over-pressure cutoff": "#ef6c00",
    "jab (rise) cutoff": "#8e24aa",
    fault: "#d50000",
    "fault cleared": "#2e7d32",
}

// ---- the scenarios by name -------------------------------------------------------------------

/** a scenario's name as a file and command-line word: "fault: force sensor open" -> "fault-force-sensor-open" */
export function slug(name: string): string {
    return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
}

export function scenarioLibrary(): Scenario[] {
    return [...allScenarios(), ...shortScenarios()]
}

/** the scenario a command-line word names: its slug, its name, or a part of one slug */
export function findScenario(word: string, all = scenarioLibrary()): Scenario | string {
    const w = slug(word)
    const exact = all.find((s) => slug(s.name) === w)
    if (exact) return exact
    const some = all.filter((s) => slug(s.name).includes(w))
    if (some.length === 1) return some[0]
    if (some.length === 0) return `no scenario matches "${word}"`
    return `"${word}" matches ${some.length} scenarios: ${some.map((s) => slug(s.name)).join(", ")}`
}

// ---- recording a run -----------------------------------------------------------------------

/** check an outcome against the fields of a scenario's expectations (for runs without a plant trace) */
export function checkOutcome(profile: Profile, o: ScenarioOutcome, expect: ScenarioExpect): string[] {
    const bad: string[] = []
    if (expect.passes)
        for (const a of profile.areas)
            if ((o.passes[a.id] ?? 0) !== (expect.passes[a.id] ?? 0)) bad.push(`passes on ${a.id}: ${o.passes[a.id] ?? 0}, want ${expect.passes[a.id] ?? 0}`)
    if (expect.overPressure)
        for (const a of profile.areas)
            if ((o.overPressure[a.id] ?? 0) !== (expect.overPressure[a.id] ?? 0))
                bad.push(`too-hard presses on ${a.id}: ${o.overPressure[a.id] ?? 0}, want ${expect.overPressure[a.id] ?? 0}`)
    if (expect.faults && o.faults.join(",") !== expect.faults.join(","))
        bad.push(`faults [${o.faults.join(",")}], want [${expect.faults.join(",")}]`)
    if (expect.overPressureCutoffsAtLeast !== undefined && o.overPressureCutoffs < expect.overPressureCutoffsAtLeast)
        bad.push(`over-pressure cutoffs ${o.overPressureCutoffs}, want >= ${expect.overPressureCutoffsAtLeast}`)
    if (expect.riseCutoffsAtLeast !== undefined && o.riseCutoffs < expect.riseCutoffsAtLeast)
        bad.push(`rise cutoffs ${o.riseCutoffs}, want >= ${expect.riseCutoffsAtLeast}`)
    if (expect.finalState !== undefined && o.finalState !== expect.finalState) bad.push(`final state ${o.finalState}, want ${expect.finalState}`)
    return bad
}

function scenarioHead(s: Scenario): SessionRecord["scenario"] {
    return { name: s.name, description: s.description, seed: s.seed, durationMs: s.durationMs }
}

/** a trace period that keeps a run to at most ~40 000 rows (5 ms for runs up to 200 s) */
export function tracePeriodMs(durationMs: number): number {
    return Math.max(5, Math.ceil(durationMs / 40000 / 5) * 5)
}

export function recordClosedLoop(profile: Profile, scenario: Scenario, traceEveryMs = tracePeriodMs(scenario.durationMs)): SessionRecord {
    const r = runClosedLoop(profile, scenario, { traceEveryMs })
    return {
        scenario: scenarioHead(scenario),
        mode: "closed loop",
        profile,
        passLimits: passLimitsOfClosedLoop(profile, scenario, r),
        outcome: outcomeOfClosedLoop(profile, r),
        rows: rowsOfClosedLoop(profile, r),
        events: eventsOfClosedLoop(r),
        failures: judge(profile, r, scenario.expect),
        notes: [
            `closed loop: ${(r.summary.simulatedMs / 1000).toFixed(1)} s simulated in ${(r.summary.wallMs / 1000).toFixed(2)} s, trace every ${traceEveryMs} ms`,
            ...r.summary.refused.map((m) => `refused: ${m}`),
        ],
    }
}

export async function recordVm(profile: Profile, scenario: Scenario, opts: VmScenarioOptions = {}): Promise<SessionRecord> {
    const r = await runScenarioInVm(profile, scenario, opts)
    return {
        scenario: scenarioHead(scenario),
        mode: "vm",
        profile,
        passLimits: r.passLimits,
        outcome: r.outcome,
        rows: r.rows,
        events: r.events.filter((e) => e.tMs >= 0),
        failures: checkOutcome(profile, r.outcome, scenario.expect),
        notes: [
            `firmware in the VM, real time: ${(r.wallMs / 1000).toFixed(1)} s wall; the plant (true force, rate, depth, drive) ` +
                `sampled every ~10 ms, the firmware's side (state, set and measured rate, commanded depth) from its status line, ` +
                `every ${profile.control.statusEveryMs} ms` +
                (r.lagMs > 0 ? `; steps after the area presses moved by ${r.lagMs.toFixed(0)} ms` : ""),
            ...r.notes,
        ],
    }
}

// ---- files -----------------------------------------------------------------------------------

const COLUMNS: (keyof SessionRow)[] = [
    "tMs", "forceTrueN", "forceMeasN", "setHz", "measHz", "trueHz", "duty", "depthTargetMm", "depthActualMm", "state", "area", "passes",
]

function num(v: number, digits: number): string {
    return Number.isFinite(v) ? String(+v.toFixed(digits)) : ""
}

export function traceCsv(rows: SessionRow[]): string {
    const lines = [COLUMNS.join(",")]
    for (const r of rows)
        lines.push([
            num(r.tMs, 1), num(r.forceTrueN, 3), num(r.forceMeasN, 3), num(r.setHz, 1), num(r.measHz, 1), num(r.trueHz, 1),
            num(r.duty, 3), num(r.depthTargetMm, 3), num(r.depthActualMm, 3), r.state, r.area, String(r.passes),
        ].join(","))
    return lines.join("\n") + "\n"
}

/**
 * At most `maxPoints` rows for the picture: per bucket the highest force and drive (a spike must
 * stay visible), the mean rates and depth, the last state. Fewer rows than that pass unchanged.
 */
export function chartRows(rows: SessionRow[], maxPoints = 2000): SessionRow[] {
    if (rows.length <= maxPoints) return rows
    const per = Math.ceil(rows.length / maxPoints)
    const out: SessionRow[] = []
    for (let i = 0; i < rows.length; i += per) {
        const b = rows.slice(i, i + per)
        const mean = (f: (r: SessionRow) => number) => b.reduce((a, r) => a + f(r), 0) / b.length
        const max = (f: (r: SessionRow) => number) => b.reduce((a, r) => Math.max(a, f(r)), -Infinity)
        const last = b[b.length - 1]
        out.push({
            ...last,
            tMs: b[0].tMs,
            forceTrueN: max((r) => r.forceTrueN),
            forceMeasN: max((r) => r.forceMeasN),
            setHz: max((r) => r.setHz),
            measHz: mean((r) => r.measHz),
            trueHz: mean((r) => r.trueHz),
            duty: max((r) => r.duty),
            depthActualMm: mean((r) => r.depthActualMm),
        })
    }
    return out
}

/** runs of the same value of `key` (state, area), for the strip under the time panels */
function segments(rows: SessionRow[], endS: number, key: "state" | "area") {
    const out: { t0: number; t1: number; key: string }[] = []
    for (const r of rows) {
        const t = r.tMs / 1000
        const v = r[key] || "?"
        const cur = out[out.length - 1]
        if (cur && cur.key === v) continue
        if (cur) cur.t1 = t
        out.push({ t0: t, t1: endS, key: v })
    }
    return out
}

// ---- the picture -----------------------------------------------------------------------------

const WIDTH = 820
const FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
/** Vega-Lite's null ("no title", "no legend"); typed, as the Node side compiles without strictNullChecks */
const HIDE = null as never

/** the Vega-Lite spec of a session's picture (data inline) */
export function reportSpec(rec: SessionRecord): TopLevelSpec {
    const p = rec.profile
    const endS = Math.max(rec.scenario.durationMs, rec.rows.length ? rec.rows[rec.rows.length - 1].tMs : 0) / 1000
    const rows = chartRows(rec.rows)
    const long = (pick: [string, (r: SessionRow) => number][]) => {
        const out: { t: number; series: string; v: number | null }[] = []
        for (const r of rows)
            for (const [series, f] of pick) {
                const v = f(r)
                out.push({ t: +(r.tMs / 1000).toFixed(4), series, v: Number.isFinite(v) ? +v.toFixed(4) : null })
            }
        return out
    }
    const marked = rec.events
        .filter((e) => e.kind in MARKED_EVENTS)
        .map((e, i) => ({
            t: e.tMs / 1000,
            kind: MARKED_EVENTS[e.kind],
            label: e.kind === "fault" ? e.message.slice(0, e.message.indexOf(":")) : e.kind === "fault_cleared" ? "cleared" : e.kind === "over_pressure" ? "over-pressure" : "jab",
            row: i % 3,
            what: `${e.kind} at ${(e.tMs / 1000).toFixed(2)} s: ${e.message}`,
        }))
    const eventKinds = Object.values(MARKED_EVENTS)
    const x = { field: "t", type: "quantitative", scale: { domain: [0, endS], nice: false, zero: true }, title: HIDE, axis: { labels: false, ticks: true, grid: true } }
    const xLast = { ...x, title: "time (s)", axis: { grid: true } }

    const eventRules = (name: string) => ({
        name,
        data: { values: marked },
        mark: { type: "rule", strokeWidth: 1.5, strokeDash: [4, 2] },
        encoding: {
            x: { field: "t", type: "quantitative" },
            color: { field: "kind", type: "nominal", scale: { domain: eventKinds, range: eventKinds.map((k) => EVENT_COLORS[k]) }, legend: HIDE },
            description: { field: "what" },
        },
    })

    const linePanel = (title: string, yTitle: string, pick: [string, (r: SessionRow) => number, string, number[]?][], extra: object[] = [], height = 120, yDomain?: number[]) => ({
        height,
        width: WIDTH,
        title: { text: title, anchor: "start", fontSize: 13 },
        layer: [
            {
                data: { values: long(pick.map(([s, f]) => [s, f])) },
                mark: { type: "line", strokeWidth: 1.4, interpolate: "linear" },
                encoding: {
                    x,
                    y: { field: "v", type: "quantitative", title: yTitle, ...(yDomain ? { scale: { domain: yDomain } } : {}) },
                    color: {
                        field: "series",
                        type: "nominal",
                        scale: { domain: pick.map(([s]) => s), range: pick.map(([, , c]) => c) },
                        legend: { title: HIDE, orient: "right", labelLimit: 220 },
                    },
                    strokeDash: {
                        field: "series",
                        type: "nominal",
                        scale: { domain: pick.map(([s]) => s), range: pick.map(([, , , d]) => d ?? [1, 0]) },
                        legend: HIDE,
                    },
                },
            },
            ...extra,
            eventRules(`events_${title.split(" ")[0].toLowerCase()}`),
        ],
        resolve: { scale: { color: "independent" } },
    })

    const force = linePanel("Force on the skin", "N", [
        [SERIES.forceTrue, (r) => r.forceTrueN, "#90a4ae"],
        [SERIES.forceMeas, (r) => r.forceMeasN, "#263238"],
    ], [
        {
            data: { values: [{ v: p.force.overPressureN, label: `${SERIES.overLimit} ${p.force.overPressureN} N` }] },
            layer: [
                { mark: { type: "rule", color: "#e53935", strokeDash: [6, 3], strokeWidth: 1.2 }, encoding: { y: { field: "v", type: "quantitative" } } },
                { mark: { type: "text", align: "left", dx: 4, dy: -6, color: "#e53935", fontSize: 10 }, encoding: { y: { field: "v", type: "quantitative" }, x: { datum: 0, type: "quantitative" }, text: { field: "label" } } },
            ],
        },
    ], 130)
    const eventLane = {
        width: WIDTH,
        height: 34,
        title: { text: `Cutoffs and faults (${marked.length})`, anchor: "start", fontSize: 13 },
        data: { values: marked },
        layer: [
            {
                name: "event_marks",
                mark: { type: "rule", strokeWidth: 1.5, strokeDash: [4, 2] },
                encoding: {
                    x,
                    color: { field: "kind", type: "nominal", scale: { domain: eventKinds, range: eventKinds.map((k) => EVENT_COLORS[k]) }, legend: { title: HIDE, orient: "right", labelLimit: 220 } },
                    description: { field: "what" },
                },
            },
            {
                name: "event_labels",
                mark: { type: "text", align: "left", baseline: "top", dx: 3, fontSize: 10, fontWeight: "bold" },
                encoding: {
                    x: { field: "t", type: "quantitative" },
                    y: { value: 1 },
                    yOffset: { field: "row", type: "quantitative", scale: { domain: [0, 3], range: [0, 33] } },
                    text: { field: "label" },
                    color: { field: "kind", type: "nominal", scale: { domain: eventKinds, range: eventKinds.map((k) => EVENT_COLORS[k]) }, },
                    description: { field: "what" },
                },
            },
        ],
    }
    const rate = linePanel("Stroke rate", "strokes/s", [
        [SERIES.setHz, (r) => (r.setHz > 0 ? r.setHz : NaN), "#e53935", [5, 3]],
        [SERIES.measHz, (r) => r.measHz, "#1e88e5"],
        [SERIES.trueHz, (r) => r.trueHz, "#90caf9"],
    ])
    const depth = linePanel("Needle depth", "mm", [
        [SERIES.depthTarget, (r) => r.depthTargetMm, "#6d4c41", [5, 3]],
        [SERIES.depthActual, (r) => r.depthActualMm, "#a1887f"],
    ], [], 90)
    const drive = linePanel("Motor drive", "duty %", [[SERIES.duty, (r) => 100 * r.duty, "#43a047"]], [], 80, [0, 100])
    ;(drive.layer[0] as { mark: object }).mark = { type: "area", line: { color: "#2e7d32", strokeWidth: 1 }, color: "#a5d6a7", interpolate: "step-after" }
    ;(drive.layer[0] as { encoding: { strokeDash?: object } }).encoding.strokeDash = undefined

    const stateSegs = segments(rows, endS, "state")
    const areaSegs = segments(rows, endS, "area")
    const strip = {
        width: WIDTH,
        height: 44,
        title: { text: "State and area", anchor: "start", fontSize: 13 },
        data: { values: [...stateSegs.map((s) => ({ ...s, lane: "state" })), ...areaSegs.map((s) => ({ ...s, lane: "area" }))] },
        layer: [
            {
                name: "state_strip",
                mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
                encoding: {
                    x: { ...xLast, field: "t0" },
                    x2: { field: "t1" },
                    y: { field: "lane", type: "nominal", sort: ["state", "area"], title: HIDE },
                    color: {
                        field: "key",
                        type: "nominal",
                        scale: {
                            domain: [...Object.keys(STATE_COLORS), ...p.areas.map((a) => a.id)],
                            range: [...Object.values(STATE_COLORS), "#f3e5f5", "#e8eaf6", "#e0f2f1", "#fff8e1", "#fce4ec", "#e3f2fd", "#f1f8e9"],
                        },
                        legend: { title: HIDE, orient: "right", values: Object.keys(STATE_COLORS), direction: "horizontal", columns: 3 },
                    },
                    tooltip: [{ field: "lane" }, { field: "key" }],
                },
            },
            {
                transform: [{ filter: "datum.lane === 'area' && (datum.t1 - datum.t0) > " + (endS / 40).toFixed(3) }],
                mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#37474f" },
                encoding: { x: { field: "t0", type: "quantitative" }, y: { field: "lane", type: "nominal", sort: ["state", "area"] }, text: { field: "key" } },
            },
            eventRules("events_strip"),
        ],
        resolve: { scale: { color: "independent" } },
    }

    const passData = p.areas.map((a) => {
        const used = rec.outcome.passes[a.id] ?? 0
        const limit = rec.passLimits[a.id] ?? a.preset.passLimit
        const op = rec.outcome.overPressure[a.id] ?? 0
        return {
            area: a.id,
            used,
            limit,
            status: used >= limit ? "at its limit" : used > 0 ? "treated" : "not treated",
            label: `${used}/${limit}` + (op > 0 ? `  · ${op} too hard` : ""),
            what: `${a.id}: ${used} of ${limit} passes, ${op} too-hard presses`,
        }
    })
    const maxLimit = Math.max(3, ...passData.map((d) => d.limit))
    const passMap = {
        width: 230,
        height: { step: 30 },
        title: { text: "Pass map", subtitle: "passes used against each area's limit", anchor: "start", fontSize: 13 },
        data: { values: passData },
        encoding: { y: { field: "area", type: "nominal", sort: p.areas.map((a) => a.id), title: HIDE, scale: { paddingInner: 0.3 }, axis: { labelFontSize: 11 } } },
        layer: [
            {
                name: "pass_limit",
                mark: { type: "bar", color: "#eceff1", stroke: "#b0bec5" },
                encoding: { x: { field: "limit", type: "quantitative", title: "passes", scale: { domain: [0, maxLimit] }, axis: { tickMinStep: 1, format: "d" } } },
            },
            {
                name: "pass_used",
                mark: { type: "bar" },
                encoding: {
                    x: { field: "used", type: "quantitative" },
                    color: {
                        field: "status",
                        type: "nominal",
                        scale: { domain: ["not treated", "treated", "at its limit"], range: ["#cfd8dc", "#42a5f5", "#ffb300"] },
                        legend: { title: HIDE, orient: "bottom", direction: "vertical" },
                    },
                    description: { field: "what" },
                },
            },
            {
                name: "pass_labels",
                mark: { type: "text", align: "left", dx: 4, fontSize: 11, color: "#263238" },
                encoding: { x: { field: "limit", type: "quantitative" }, text: { field: "label" } },
            },
        ],
    }

    const o = rec.outcome
    const verdict = rec.failures.length === 0 ? "expectations held" : `${rec.failures.length} expectation(s) failed: ${rec.failures.join("; ")}`
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        title: {
            text: `${rec.scenario.name} — ${rec.mode === "vm" ? "firmware in the VM (real time)" : "closed loop (virtual time)"}`,
            subtitle: [
                rec.scenario.description,
                `faults [${o.faults.join(", ") || "none"}] · cutoffs ${o.overPressureCutoffs} over-pressure, ${o.riseCutoffs} jab · final state ${o.finalState} · ${verdict}`,
            ],
            anchor: "start",
            fontSize: 16,
            subtitleFontSize: 11,
            subtitleColor: "#455a64",
        },
        config: {
            font: FONT,
            view: { stroke: "#cfd8dc" },
            axis: { labelFontSize: 10, titleFontSize: 11, gridColor: "#eceff1" },
            legend: { labelFontSize: 10, symbolSize: 80 },
            concat: { spacing: 16 },
        },
        resolve: { scale: { color: "independent", strokeDash: "independent" } },
        hconcat: [
            { vconcat: [eventLane, force, rate, depth, drive, strip], spacing: 8, resolve: { scale: { color: "independent", strokeDash: "independent" } } },
            passMap,
        ],
        spacing: 30,
    } as unknown as TopLevelSpec
}

/** the picture as SVG text (headless Vega, no canvas: text widths are estimated) */
export async function renderSvg(rec: SessionRecord): Promise<string> {
    const compiled = vl.compile(reportSpec(rec)).spec
    const view = new vega.View(vega.parse(compiled), { renderer: "none" })
    try {
        return await view.toSVG()
    } finally {
        view.finalize()
    }
}

/**
 * SVG -> PNG with resvg (a prebuilt binary from the npm registry, no native build); undefined if
 * it cannot be loaded on this machine.
 */
export async function svgToPng(svg: string, scale = 1.5): Promise<Buffer | undefined> {
    let mod: typeof import("@resvg/resvg-js")
    try {
        mod = await import("@resvg/resvg-js")
    } catch {
        return undefined
    }
    const r = new mod.Resvg(svg, {
        fitTo: { mode: "zoom", value: scale },
        background: "white",
        font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    })
    return r.render().asPng()
}

function escapeHtml(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}

export function reportHtml(rec: SessionRecord, svg: string): string {
    const o = rec.outcome
    const areaRows = rec.profile.areas
        .map((a) => `<tr><td>${a.id}</td><td>${o.passes[a.id] ?? 0}/${rec.passLimits[a.id]}</td><td>${o.overPressure[a.id] ?? 0}</td></tr>`)
        .join("\n")
    const evRows = rec.events
        .filter((e) => e.kind !== "state")
        .map((e) => `<tr><td>${(e.tMs / 1000).toFixed(3)}</td><td>${e.kind}</td><td>${escapeHtml(e.message)}</td></tr>`)
        .join("\n")
    return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(rec.scenario.name)}</title>
<style>body{font-family:${FONT};margin:24px;color:#263238}table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #cfd8dc;padding:3px 8px;font-size:13px;text-align:left}</style>
</head><body>
${svg}
<h3>Outcome</h3>
<p>${escapeHtml(describeOutcome(o))}</p>
<p>${rec.failures.length === 0 ? "The scenario's expectations held." : "Failed: " + rec.failures.map(escapeHtml).join("; ")}</p>
<table><tr><th>area</th><th>passes</th><th>too-hard presses</th></tr>
${areaRows}
</table>
<h3>Events</h3>
<table><tr><th>t (s)</th><th>event</th><th>message</th></tr>
${evRows}
</table>
<h3>Notes</h3>
<ul>${rec.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>
</body></html>
`
}

export interface WrittenReport {
    dir: string
    files: string[]
    /** false if no PNG could be made (resvg not loadable here) */
    png: boolean
}

export async function writeReport(dir: string, rec: SessionRecord): Promise<WrittenReport> {
    mkdirSync(dir, { recursive: true })
    const files: string[] = []
    const put = (name: string, data: string | Buffer) => {
        writeFileSync(join(dir, name), data)
        files.push(join(dir, name))
    }
    put("trace.csv", traceCsv(rec.rows))
    put("events.jsonl", rec.events.map((e) => JSON.stringify(e)).join("\n") + "\n")
    const { profile: _profile, rows: _rows, events: _events, ...head } = rec
    put("outcome.json", JSON.stringify(head, null, 2) + "\n")
    const svg = await renderSvg(rec)
    put("report.svg", svg)
    put("report.html", reportHtml(rec, svg))
    const png = await svgToPng(svg)
    if (png) put("report.png", png)
    return { dir, files, png: png !== undefined }
}
