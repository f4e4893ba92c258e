// The picture of a session as a Vega-Lite spec (data inline):
//
//   left   force (true and measured, the over-pressure limit), stroke rate (set, measured, true),
//          depth (commanded, real), drive (duty), the state and area over time; every cutoff and
//          fault is a vertical rule across all of them, labelled on top
//   right  the pass map: passes used per area against its limit, too-hard presses per area; below
//          it, for a scenario that plays a technique, the true density map of each area (skin.ts)
//
// Rendered by sim/report/render.ts. Marks that tests look for carry names (event_marks,
// events_<panel>, pass_used, ...).
import type { TopLevelSpec } from "vega-lite"
import type { SessionRow } from "../outcome"
import { chartRows, segments } from "./chart-rows"
import type { SessionRecord } from "./record"
import { skinPanels } from "./skin"

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

const WIDTH = 820
export const FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
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
            label: e.kind === "fault" ? e.fault ?? e.message : e.kind === "fault_cleared" ? "cleared" : e.kind === "over_pressure" ? "over-pressure" : "jab",
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
            status: rec.outcome.locked.indexOf(a.id) >= 0 || used >= limit ? "at its limit" : used > 0 ? "treated" : "not treated",
            label: `${used.toFixed(2)}/${limit}` + (op > 0 ? `  · ${op} too hard` : ""),
            what: `${a.id}: ${used.toFixed(2)} of ${limit} passes, ${op} too-hard presses`,
        }
    })
    const maxLimit = Math.max(3, ...passData.map((d) => d.limit))
    const passMap = {
        width: 230,
        height: { step: 30 },
        title: { text: "Pass map", subtitle: "the firmware's dose (passes) against each area's limit", anchor: "start", fontSize: 13 },
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
            rec.skin ? { vconcat: [passMap, ...skinPanels(rec.skin)], spacing: 24, resolve: { scale: { color: "independent" } } } : passMap,
        ],
        spacing: 30,
    } as unknown as TopLevelSpec
}
