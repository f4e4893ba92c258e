/** nearest-rank percentile of a sample (p in 0..100) */
export function percentile(xs: number[], p: number): number {
    if (xs.length === 0) return NaN
    const s = [...xs].sort((a, b) => a - b)
    const k = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
    return s[k]
}
