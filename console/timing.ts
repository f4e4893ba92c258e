// `timing`: when the pen's sensor reports reach the console, and what that says about the board.
// On the ESP32 the firmware DeviceScript 2.16.4 flashes most likely wakes jacdac-c's services every
// 10 ms (docs/DOSE.md "The board's stream"); the accelerometer's server reads the chip on a
// 15.39 ms grid and streams only in a pass that read it, so on a 10 ms loop its reports come 10,
// 20 or 30 ms apart, and on a loop that wakes when a read is due they come 15.4 or 30.8 ms apart.
// The dwell rule's margins depend on which (more holds stopped late on the 10 ms loop), and so does
// the stroke counter's software decoder (docs/HARDWARE.md "Stroke sensor"): this measures it at
// bring-up. It also counts the accelerometer's new readings a second: the chip's rate, which the
// firmware sets to motion.odrHz. Pure: arrival times in, numbers and text out.
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
    /** gaps under BUNCHED_MS: reports that came in one read of the link (batched frames), left out of the shares */
    bunched: number
    /** share of the other gaps within TOLERANCE_MS of a whole multiple of 10 ms (the 10 ms loop's pattern) */
    onTenMsShare: number
    /** share of the other gaps within TOLERANCE_MS of a whole multiple of 15.39 ms (jacdac-c's read grid) */
    onGridShare: number
    /** the period the gaps keep when each is taken as its nearest whole number of 10 ms ticks (their sum over the ticks: the link's jitter cancels) */
    tickFitMs: number
    /** the same for the 15.39 ms grid: 15.39 on the grid, 16.0 for a link that polls every 16 ms */
    gridFitMs: number
    /** share of the reports whose payload repeats the one before */
    repeatShare: number
    /** rotary encoder: counts per second over the window (NaN for the others) */
    countsPerS: number
    /** accelerometer: new readings per second (a payload unlike the one before: a new chip sample) over the window (NaN for the others) */
    newPerS: number
}

/** how far a gap may be from a multiple of the period and still count as on it (the link's own jitter) */
export const TOLERANCE_MS = 2
/** a gap shorter than this is two reports delivered together (a link that batches frames), not a tick */
export const BUNCHED_MS = 3
/** jacdac-c services/accelerometer.c SAMPLING_PERIOD: the accelerometer server's read grid */
export const READ_GRID_MS = 15.39
/** how close a fitted period must come to 10 or 15.39 ms */
export const FIT_MS = 0.15
/** gaps needed before a share means anything */
export const MIN_GAPS = 30
/**
 * a pattern is called when at least ON_SHARE of the gaps sit on it, at most NOT_SHARE on the other,
 * and the gaps keep its period within FIT_MS: on the 10 ms loop every gap is 10, 20 or 30 ms (a
 * third near the grid's 30.78); on the grid two thirds are 15.4 ms, 4.6 ms off any multiple of 10.
 * A link that jitters by more than a few ms, or delivers on a poll of its own (16 ms: within
 * TOLERANCE_MS of the grid gap by gap, but keeping 16.0 ms), is neither: unclear, never the
 * reassuring answer
 */
export const ON_SHARE = 0.85
export const NOT_SHARE = 0.5

function quantile(sorted: number[], q: number): number {
    if (sorted.length === 0) return NaN
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

/** each gap as its nearest whole number (at least one) of `periodMs`: the share within TOLERANCE_MS of it, and the period they keep (the gaps' sum over the periods) */
function fitTo(gaps: number[], periodMs: number): { share: number; fitMs: number } {
    if (gaps.length === 0) return { share: NaN, fitMs: NaN }
    let on = 0
    let sumMs = 0
    let periods = 0
    for (const g of gaps) {
        const k = Math.max(1, Math.round(g / periodMs))
        if (Math.abs(g - periodMs * k) <= TOLERANCE_MS) on++
        sumMs += g
        periods += k
    }
    return { share: on / gaps.length, fitMs: sumMs / periods }
}

export function analyseTrace(t: SensorTrace): SensorTiming {
    const gaps: number[] = []
    for (let i = 1; i < t.arrivalsMs.length; i++) gaps.push(t.arrivalsMs[i] - t.arrivalsMs[i - 1])
    const sorted = gaps.slice().sort((a, b) => a - b)
    const apart = gaps.filter((g) => g >= BUNCHED_MS)
    const tick = fitTo(apart, 10)
    const grid = fitTo(apart, READ_GRID_MS)
    let repeats = 0
    for (let i = 1; i < t.payloads.length; i++) if (t.payloads[i] === t.payloads[i - 1]) repeats++
    const n = t.arrivalsMs.length
    let countsPerS = NaN
    let newPerS = NaN
    const spanMs = n >= 2 ? t.arrivalsMs[n - 1] - t.arrivalsMs[0] : 0
    if (t.kind === "rotary encoder" && t.positions.length >= 2 && spanMs > 0)
        countsPerS = ((t.positions[t.positions.length - 1] - t.positions[0]) * 1000) / spanMs
    if (t.kind === "accelerometer" && spanMs > 0) newPerS = ((n - 1 - repeats) * 1000) / spanMs
    return {
        name: t.name,
        kind: t.kind,
        reports: n,
        gapMedianMs: quantile(sorted, 0.5),
        gapP10Ms: quantile(sorted, 0.1),
        gapP90Ms: quantile(sorted, 0.9),
        gapMaxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
        bunched: gaps.length - apart.length,
        onTenMsShare: tick.share,
        onGridShare: grid.share,
        tickFitMs: tick.fitMs,
        gridFitMs: grid.fitMs,
        repeatShare: n > 1 ? repeats / (n - 1) : NaN,
        countsPerS,
        newPerS,
    }
}

export type LoopVerdict = "10 ms loop" | "own grid" | "unclear" | "no accelerometer"

/** what the accelerometer's gaps say about the board's loop (the only sensor whose read period is not a multiple of 10 ms) */
export function loopVerdict(timings: SensorTiming[]): { verdict: LoopVerdict; why: string } {
    const acc = timings.filter((s) => s.kind === "accelerometer" && s.reports - s.bunched > MIN_GAPS)
    if (acc.length === 0)
        return { verdict: "no accelerometer", why: `no accelerometer sent more than ${MIN_GAPS} reports apart: the loop's timing cannot be told from the other sensors (their intervals are multiples of 10 ms)` }
    const a = acc[0]
    const pct = `of the accelerometer's gaps ${fixed(a.onTenMsShare * 100, 0)} % within ${TOLERANCE_MS} ms of a multiple of 10 ms (keeping ${fixed(a.tickFitMs, 2)} ms), ${fixed(a.onGridShare * 100, 0)} % of ${READ_GRID_MS} ms (keeping ${fixed(a.gridFitMs, 2)} ms)`
    if (a.onTenMsShare >= ON_SHARE && a.onGridShare <= NOT_SHARE && Math.abs(a.tickFitMs - 10) <= FIT_MS)
        return { verdict: "10 ms loop", why: `${pct}: its reads land on a 10 ms main-loop tick (docs/DOSE.md "The board's stream": more holds stopped late there; docs/HARDWARE.md: check the stroke counter's decoder)` }
    if (a.onGridShare >= ON_SHARE && a.onTenMsShare <= NOT_SHARE && Math.abs(a.gridFitMs - READ_GRID_MS) <= FIT_MS)
        return { verdict: "own grid", why: `${pct}: its reads keep jacdac-c's ${READ_GRID_MS} ms grid (the loop wakes when a read is due)` }
    return { verdict: "unclear", why: `${pct}: neither pattern (a link that delays or batches reports, or another read period); measure again, or closer to the board` }
}

/** how far the accelerometer's new readings a second may be from motion.odrHz and still say the chip runs at it (a live chip's noise makes every sample new) */
export const RATE_SHARE = 0.15

export type ChipVerdict = "at motion.odrHz" | "faster" | "slower" | "no accelerometer"

/**
 * What the accelerometer's new readings a second say about the chip's rate: the board's firmware
 * sets it to motion.odrHz (drivers/lsm6ds.ts), and every sample then reaches the console. At
 * jacdac-c's own 52 Hz the 20 ms stream misses some: ~43 a second arrive.
 */
export function chipVerdict(timings: SensorTiming[], odrHz: number): { verdict: ChipVerdict; why: string } {
    const acc = timings.filter((s) => s.kind === "accelerometer" && s.reports - s.bunched > MIN_GAPS)
    if (acc.length === 0) return { verdict: "no accelerometer", why: `no accelerometer sent more than ${MIN_GAPS} reports` }
    const r = acc[0].newPerS
    const said = `${fixed(r, 1)} new readings a second, motion.odrHz ${odrHz} Hz`
    if (Math.abs(r - odrHz) <= RATE_SHARE * odrHz) return { verdict: "at motion.odrHz", why: `${said}: the chip runs at the rate the dwell rule is built for` }
    if (r > odrHz) return { verdict: "faster", why: `${said}: the chip runs faster (jacdac-c's own 52 Hz?): the firmware's rate write did not take, and motion_rate should be latched (docs/HARDWARE.md)` }
    return { verdict: "slower", why: `${said}: fewer than the chip should make (a slow chip clock, or readings lost on the link): measure again, closer to the board` }
}

function ms(x: number): string {
    return Number.isFinite(x) ? fixed(x, 1) : "-"
}

/** one line per sensor, then the verdict */
export function timingText(timings: SensorTiming[], windowMs: number, odrHz: number): string {
    const lines = [`sensor reports over ${fixed(windowMs / 1000, 1)} s (arrival at the console):`]
    for (const s of timings) {
        let line = `  ${s.name}: ${s.reports} reports; gap median ${ms(s.gapMedianMs)} ms (p10 ${ms(s.gapP10Ms)}, p90 ${ms(s.gapP90Ms)}, max ${ms(s.gapMaxMs)})`
        if (Number.isFinite(s.onTenMsShare)) line += `; ${fixed(s.onTenMsShare * 100, 0)} % on 10 ms multiples, ${fixed(s.onGridShare * 100, 0)} % on ${READ_GRID_MS} ms`
        if (s.bunched > 0) line += `; ${s.bunched} arrived together`
        if (Number.isFinite(s.repeatShare)) line += `; ${fixed(s.repeatShare * 100, 0)} % repeats`
        if (Number.isFinite(s.countsPerS)) line += `; ${fixed(s.countsPerS, 1)} counts/s`
        if (Number.isFinite(s.newPerS)) line += `; ${fixed(s.newPerS, 1)} new readings/s`
        lines.push(line)
    }
    if (timings.length === 0) lines.push("  no sensor reports: is the pen's firmware running and streaming (armed or idle, roles bound)?")
    lines.push(`loop: ${loopVerdict(timings).why}`)
    const chip = chipVerdict(timings, odrHz)
    if (chip.verdict !== "no accelerometer") lines.push(`chip: ${chip.why}`)
    return lines.join("\n")
}
