// trace.csv: one row per sample of a session (force, rates, drive, depth, state, area, passes).
import type { SessionRow } from "../outcome"

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
            num(r.duty, 3), num(r.depthTargetMm, 3), num(r.depthActualMm, 3), r.state, r.area, num(r.passes, 4),
        ].join(","))
    return lines.join("\n") + "\n"
}
