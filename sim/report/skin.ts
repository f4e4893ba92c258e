// The true density map in a session report (issue 13): per area a technique was played on, the
// map beside the firmware's pass count, and where the skin was over-treated, if anywhere. Text for
// the terminal and report.html (the ASCII map of sim/plant/skin.ts), a heat map for the picture.
import type { Profile } from "../../core/profile"
import { DoseRun, OVER_TREATMENT_SHARE, areaDoseView, doseAtLock, doseFindings } from "../judge-dose"
import { renderSkinAscii } from "../plant/skin"

/** Vega-Lite's null ("no title"); typed, as the Node side compiles without strictNullChecks */
const HIDE = null as never

/** one area's map as a report shows it; densities in punctures/cm² */
export interface SkinReport {
    areaId: string
    widthMm: number
    heightMm: number
    cellMm: number
    /** per cell, row-major from y = 0, punctures/cm² (rounded) */
    cellsPerCm2: number[]
    cols: number
    rows: number
    needles: number
    footprintMm: number
    perPassPerCm2: number
    passLimit: number
    /** what the firmware counted on this area at the end (passes, a fraction) */
    firmwarePasses: number
    /** the firmware's dose estimate at the end: firmwarePasses x the area's passDensityPerCm2 */
    firmwarePerCm2: number
    /** at the area's first lock: the firmware's estimate and the true mean then, and the warning's time (undefined: no lock) */
    atLock?: { atMs: number; firmwarePerCm2: number; truePerCm2: number; error: number; warnAtMs: number; offAreaShare: number; needleStoppedAfterMs: number }
    meanPerCm2: number
    worstWindow: { perCm2: number; xMm: number; yMm: number }
    worstCell: { perCm2: number; xMm: number; yMm: number }
    /** the densest cm² over OVER_TREATMENT_SHARE x the limit's dose */
    overTreated: boolean
    ascii: string
}

export interface SkinSection {
    areas: SkinReport[]
    /** the dose judge's findings (premature lock, over-treatment) */
    findings: string[]
}

/**
 * the skin maps of a run, closed loop or VM (judge-dose.ts DoseRun), beside the passes the
 * firmware counted per area; undefined if no technique was played
 */
export function skinSection(profile: Profile, r: DoseRun, firmwarePasses: Record<string, number>): SkinSection | undefined {
    if (!r.skin) return undefined
    const areas: SkinReport[] = []
    for (const id of Object.keys(r.skin)) {
        const s = r.skin[id]
        const v = areaDoseView(profile, s, r)
        const m = s.map
        const cellCm2 = (m.cellMm * m.cellMm) / 100
        let maxAt = 0
        for (let i = 1; i < m.counts.length; i++) if (m.counts[i] > m.counts[maxAt]) maxAt = i
        areas.push({
            areaId: id,
            widthMm: m.widthMm,
            heightMm: m.heightMm,
            cellMm: m.cellMm,
            cols: m.cols,
            rows: m.rows,
            cellsPerCm2: Array.from(m.counts, (c) => Math.round(c / cellCm2)),
            needles: s.needles,
            footprintMm: s.footprintMm,
            perPassPerCm2: v.perPassPerCm2,
            passLimit: v.passLimit,
            firmwarePasses: firmwarePasses[id] ?? 0,
            firmwarePerCm2: (firmwarePasses[id] ?? 0) * v.perPassPerCm2,
            ...lockOf(profile, r, id),
            meanPerCm2: s.meanPerCm2,
            worstWindow: { perCm2: s.worst.perCm2, xMm: s.worst.xMm, yMm: s.worst.yMm },
            worstCell: {
                perCm2: m.counts[maxAt] / cellCm2,
                xMm: ((maxAt % m.cols) + 0.5) * m.cellMm,
                yMm: (Math.floor(maxAt / m.cols) + 0.5) * m.cellMm,
            },
            overTreated: s.worst.perCm2 > OVER_TREATMENT_SHARE * v.limitPerCm2,
            ascii: renderSkinAscii(m, { maxCols: 60, fullScalePerCm2: v.limitPerCm2 }),
        })
    }
    return { areas, findings: doseFindings(profile, r) }
}

function lockOf(profile: Profile, r: DoseRun, id: string): Pick<SkinReport, "atLock"> {
    const l = doseAtLock(profile, r, id)
    if (!l) return {}
    return {
        atLock: {
            atMs: l.lockAtMs, firmwarePerCm2: l.firmwarePerCm2, truePerCm2: l.truePerCm2, error: l.error, warnAtMs: l.warnAtMs,
            offAreaShare: l.offAreaShare, needleStoppedAfterMs: l.needleStoppedAfterMs,
        },
    }
}

const passes = (perCm2: number, perPass: number) => (perCm2 / perPass).toFixed(2)
const pct = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)} %`

/** the text a person reads: per area the firmware's count against the true map, the map, where it was over-treated */
export function skinText(sec: SkinSection): string[] {
    const out: string[] = []
    for (const a of sec.areas) {
        const limitPerCm2 = a.passLimit * a.perPassPerCm2
        out.push(
            `${a.areaId}: the firmware counted ${a.firmwarePasses.toFixed(2)}/${a.passLimit} passes = an estimate of ${Math.round(a.firmwarePerCm2)}/cm²; ` +
                `the skin's true mean is ${Math.round(a.meanPerCm2)}/cm² = ${passes(a.meanPerCm2, a.perPassPerCm2)} passes of ${Math.round(a.perPassPerCm2)}/cm² ` +
                `(firmware ${pct(a.meanPerCm2 > 0 ? a.firmwarePerCm2 / a.meanPerCm2 - 1 : 0)}; ${a.needles} needles, ${a.footprintMm} mm footprint)`,
        )
        if (a.atLock) {
            const l = a.atLock
            out.push(
                `  locked at ${(l.atMs / 1000).toFixed(1)} s: firmware ${Math.round(l.firmwarePerCm2)}/cm², true mean ${Math.round(l.truePerCm2)}/cm² ` +
                    `(firmware ${pct(l.error)}; ${(100 * l.offAreaShare).toFixed(1)} % of the punctures fell beyond the area's edges, which the pen cannot tell); ` +
                    (l.warnAtMs === l.warnAtMs ? `warned at ${(l.warnAtMs / 1000).toFixed(1)} s; ` : "no warning; ") +
                    `needle stopped ${l.needleStoppedAfterMs} ms after the lock`,
            )
        }
        out.push(
            `  densest 1 cm² (centre ${a.worstWindow.xMm.toFixed(0)}, ${a.worstWindow.yMm.toFixed(0)} mm): ${Math.round(a.worstWindow.perCm2)}/cm² ` +
                `= ${passes(a.worstWindow.perCm2, a.perPassPerCm2)} passes; densest cell (${a.worstCell.xMm.toFixed(0)}, ${a.worstCell.yMm.toFixed(0)} mm): ` +
                `${Math.round(a.worstCell.perCm2)}/cm² = ${passes(a.worstCell.perCm2, a.perPassPerCm2)} passes; the limit's dose ${Math.round(limitPerCm2)}/cm²`,
        )
        out.push(
            a.overTreated
                ? `  OVER-TREATED around (${a.worstWindow.xMm.toFixed(0)}, ${a.worstWindow.yMm.toFixed(0)}) mm: over ${OVER_TREATMENT_SHARE} x the limit's dose on 1 cm²`
                : `  not over-treated: no cm² over ${OVER_TREATMENT_SHARE} x the limit's dose`,
        )
        out.push(...a.ascii.split("\n").map((l) => "  " + l))
    }
    for (const f of sec.findings) out.push(`finding: ${f}`)
    return out
}

/** heat maps for the picture (sim/report/spec.ts): one panel per area, colour in passes of the per-pass dose */
export function skinPanels(sec: SkinSection | undefined): object[] {
    if (!sec) return []
    return sec.areas.map((a) => {
        const values: { x: number; y: number; passes: number }[] = []
        for (let r = 0; r < a.rows; r++)
            for (let c = 0; c < a.cols; c++)
                values.push({ x: c * a.cellMm, y: r * a.cellMm, passes: +(a.cellsPerCm2[r * a.cols + c] / a.perPassPerCm2).toFixed(2) })
        const scale = 230 / Math.max(a.widthMm, a.heightMm)
        return {
            name: `skin_${a.areaId}`,
            width: Math.round(a.widthMm * scale),
            height: Math.round(a.heightMm * scale),
            title: {
                text: `True dose: ${a.areaId}`,
                subtitle: [
                    `firmware ${a.firmwarePasses.toFixed(2)}/${a.passLimit} passes · true mean ${passes(a.meanPerCm2, a.perPassPerCm2)}`,
                    `densest cm² ${passes(a.worstWindow.perCm2, a.perPassPerCm2)} passes` + (a.overTreated ? " — OVER-TREATED" : ""),
                ],
                anchor: "start",
                fontSize: 13,
            },
            data: { values },
            layer: [
                {
                    name: `skin_cells_${a.areaId}`,
                    mark: { type: "rect" },
                    encoding: {
                        x: { field: "x", type: "quantitative", bin: { binned: true, step: a.cellMm }, scale: { domain: [0, a.widthMm], nice: false }, title: "mm", axis: { tickMinStep: 10 } },
                        x2: { field: "x2" },
                        y: { field: "y", type: "quantitative", bin: { binned: true, step: a.cellMm }, scale: { domain: [0, a.heightMm], nice: false }, title: HIDE, axis: { tickMinStep: 10 } },
                        y2: { field: "y2" },
                        color: {
                            field: "passes", type: "quantitative", title: "passes",
                            scale: { scheme: "inferno", reverse: true, domain: [0, Math.max(OVER_TREATMENT_SHARE, 1) * a.passLimit], clamp: true },
                            legend: { orient: "right", gradientLength: 120 },
                        },
                        tooltip: [{ field: "x" }, { field: "y" }, { field: "passes" }],
                    },
                    transform: [{ calculate: `datum.x + ${a.cellMm}`, as: "x2" }, { calculate: `datum.y + ${a.cellMm}`, as: "y2" }],
                },
                {
                    name: `skin_worst_${a.areaId}`,
                    data: { values: [{ x: a.worstWindow.xMm, y: a.worstWindow.yMm }] },
                    mark: { type: "square", size: Math.round((10 * scale) ** 2), filled: false, color: a.overTreated ? "#00e5ff" : "#90a4ae", strokeWidth: 1.5 },
                    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
                },
            ],
            resolve: { scale: { color: "independent" } },
        }
    })
}
