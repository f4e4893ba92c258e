// `timing`: when the pen's sensor reports reach the console, and what that says about the board.
// On the ESP32 the firmware DeviceScript 2.16.4 flashes most likely wakes jacdac-c's services every
// 10 ms (docs/DOSE.md "The board's stream"); the accelerometer's server reads the chip on a
// 15.39 ms grid and streams only in a pass that read it, so on a 10 ms loop its reports come 10,
// 20 or 30 ms apart, and on a loop that wakes when a read is due they come 15.4 or 30.8 ms apart.
// The dwell rule's margins depend on which (more holds stopped late on the 10 ms loop), and so does
// the stroke counter's software decoder (docs/HARDWARE.md "Stroke sensor"): this measures it at
// bring-up. Pure: arrival times in, numbers and text out.
import { fixed } from "../core/format"

/** one sensor's reading reports as the console saw them arrive */
export interface SensorTrace {
    /** e.g. "accelerometer 1a2b[3]" (class, device, service index) */
    name: string
    kind: "accelerometer" | "potentiometer" | "rotary encoder"
    /** arrival times (ms, the console's clock), in order */
    arrivalsMs: number[]
    /** each report's payload as hex: an exact repeat is the same sample sent again */
    payloads: string[]
    /** the rotary encoder's position at each report (counts); empty for the others */
    positions: number[]
}

export interface SensorTiming {
    name: string
    kind: SensorTrace["kind"]
    reports: number
    gapMedianMs: number
    gapP10Ms: number
    gapP90Ms: number
    gapMaxMs: number
    /** share of the gaps within TEN_MS_TOLERANCE of a whole multiple of 10 ms */
    onTenMsShare: number
    /** share of the reports whose payload repeats the one before */
    repeatShare: number
    /** rotary encoder: counts per second over the window (NaN for the others) */
    countsPerS: number
}

/** how far a gap may be from a multiple of 10 ms and still count as on the tick (the link's own jitter) */
export const TEN_MS_TOLERANCE_MS = 2
/** gaps needed before a share means anything */
export const MIN_GAPS = 30
/** at least this share on 10 ms multiples: the reads land on a 10 ms loop (a 15.39 ms grid puts about half its gaps 4.6 ms off) */
export const TICK_SHARE = 0.85
/** at most this share: the reads keep their own grid */
export const GRID_SHARE = 0.7

function quantile(sorted: number[], q: number): number {
    if (sorted.length === 0) return NaN
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

export function analyseTrace(t: SensorTrace): SensorTiming {
    const gaps: number[] = []
    for (let i = 1; i < t.arrivalsMs.length; i++) gaps.push(t.arrivalsMs[i] - t.arrivalsMs[i - 1])
    const sorted = gaps.slice().sort((a, b) => a - b)
    let onTen = 0
    for (const g of gaps) {
        const k = Math.round(g / 10)
        if (k >= 1 && Math.abs(g - 10 * k) <= TEN_MS_TOLERANCE_MS) onTen++
    }
    let repeats = 0
    for (let i = 1; i < t.payloads.length; i++) if (t.payloads[i] === t.payloads[i - 1]) repeats++
    const n = t.arrivalsMs.length
    let countsPerS = NaN
    if (t.kind === "rotary encoder" && t.positions.length >= 2 && n >= 2 && t.arrivalsMs[n - 1] > t.arrivalsMs[0])
        countsPerS = ((t.positions[t.positions.length - 1] - t.positions[0]) * 1000) / (t.arrivalsMs[n - 1] - t.arrivalsMs[0])
    return {
        name: t.name,
        kind: t.kind,
        reports: n,
        gapMedianMs: quantile(sorted, 0.5),
        gapP10Ms: quantile(sorted, 0.1),
        gapP90Ms: quantile(sorted, 0.9),
        gapMaxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
        onTenMsShare: gaps.length ? onTen / gaps.length : NaN,
        repeatShare: n > 1 ? repeats / (n - 1) : NaN,
        countsPerS,
    }
}

export type LoopVerdict = "10 ms loop" | "own grid" | "unclear" | "no accelerometer"

/** what the accelerometer's gaps say about the board's loop (the only sensor whose read period is not a multiple of 10 ms) */
export function loopVerdict(timings: SensorTiming[]): { verdict: LoopVerdict; why: string } {
    const acc = timings.filter((s) => s.kind === "accelerometer" && s.reports > MIN_GAPS)
    if (acc.length === 0)
        return { verdict: "no accelerometer", why: `no accelerometer sent more than ${MIN_GAPS} reports: the loop's timing cannot be told from the other sensors (their intervals are multiples of 10 ms)` }
    const share = acc[0].onTenMsShare
    const pct = `${fixed(share * 100, 0)} % of the accelerometer's gaps within ${TEN_MS_TOLERANCE_MS} ms of a multiple of 10 ms`
    if (share >= TICK_SHARE)
        return { verdict: "10 ms loop", why: `${pct}: its reads land on a 10 ms main-loop tick (docs/DOSE.md "The board's stream": more holds stopped late there; docs/HARDWARE.md: check the stroke counter's decoder)` }
    if (share <= GRID_SHARE)
        return { verdict: "own grid", why: `${pct}: its reads keep jacdac-c's 15.39 ms grid (the loop wakes when a read is due)` }
    return { verdict: "unclear", why: `${pct}: between the two patterns (a busy link?); measure again` }
}

function ms(x: number): string {
    return Number.isFinite(x) ? fixed(x, 1) : "-"
}

/** one line per sensor, then the verdict */
export function timingText(timings: SensorTiming[], windowMs: number): string {
    const lines = [`sensor reports over ${fixed(windowMs / 1000, 1)} s (arrival at the console):`]
    for (const s of timings) {
        let line = `  ${s.name}: ${s.reports} reports; gap median ${ms(s.gapMedianMs)} ms (p10 ${ms(s.gapP10Ms)}, p90 ${ms(s.gapP90Ms)}, max ${ms(s.gapMaxMs)})`
        if (Number.isFinite(s.onTenMsShare)) line += `; ${fixed(s.onTenMsShare * 100, 0)} % on 10 ms multiples`
        if (Number.isFinite(s.repeatShare)) line += `; ${fixed(s.repeatShare * 100, 0)} % repeats`
        if (Number.isFinite(s.countsPerS)) line += `; ${fixed(s.countsPerS, 1)} counts/s`
        lines.push(line)
    }
    if (timings.length === 0) lines.push("  no sensor reports: is the pen's firmware running and streaming (armed or idle, roles bound)?")
    lines.push(`loop: ${loopVerdict(timings).why}`)
    return lines.join("\n")
}
