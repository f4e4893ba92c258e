// The rows a picture is drawn from: a long run thinned to a few thousand points that keep every
// spike, and the runs of one state or area for the strip under the time panels.
import type { SessionRow } from "../outcome"

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
export function segments(rows: SessionRow[], endS: number, key: "state" | "area") {
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
