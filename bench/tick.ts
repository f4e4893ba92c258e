// Control tick in the VM over a stretch of treatment, and the VM's heap over the same run.
//
// Tick: the firmware's own loop health from its STATUS line (src/main.ts), one window per line
// (control.statusEveryMs = 250 ms): tps = decisions per second, gapmax = longest gap between two
// decisions, tickmax = longest single decision (ds.millis(), whole ms). A decision runs on the
// control.tickMs timer (10 ms) and on every force sample (5 ms in the simulator), so about 300 per second; the
// period error of a window is its longest gap minus control.tickMs.
//
// Heap (bench/vm-heap-probe.cjs, preloaded into the VM process; DeviceScript offers no heap API):
// a walk of the VM's GC heap every 200 ms (bytes in blocks not free: live objects plus garbage not
// yet collected), and the live set (the VM's GC-stress mode for 40 ms, so a full collection runs
// before each allocation) before and after the treatment. The live-set samples are taken outside
// the timed stretch, so they do not disturb the tick figures.
import type { Profile } from "../core/profile"
import type { HandSegment } from "../sim/plant/hand"
import { BenchRig, HeapSample } from "./vmrig"
import { Row, Section, dist, f, progress, verdict } from "./lib"
import { StartupSample } from "./startup"

export interface TickOptions {
    /** treatment before the heap's first live sample (ms): the first pass's ledger writes settle */
    warmupMs: number
    /** wall time of treatment measured (ms) */
    treatMs: number
    /** live-heap samples before and after */
    liveSamples: number
    quiet?: boolean
}

/** heap growth allowed between the live set before and after (objects in flight) */
export const HEAP_GROWTH_LIMIT_B = 512

/** what the console did during the stretch */
interface ConsoleUse {
    /** "" when attached, else why not */
    notAttached: string
    replies: number
    failures: string[]
    /** request sent (wall ms) and its reply's round trip (ms) */
    rtt: { tMs: number; ms: number }[]
}

/** poll the firmware's status over the console every `everyMs` until stop() */
function pollConsole(br: BenchRig, everyMs: number, use: ConsoleUse): { stop: () => Promise<void> } {
    let polling = true
    const loop = (async () => {
        const link = br.link!
        while (polling) {
            const t = performance.now()
            try {
                await link.status()
                use.rtt.push({ tMs: t, ms: performance.now() - t })
                use.replies++
            } catch (e) {
                use.failures.push(e instanceof Error ? e.message : String(e))
                if (use.failures.length >= 3) return
            }
            // the console's pace (4 a second, as its `watch` polls): until the next slot or the end
            await br.pen.until(() => !polling || performance.now() >= t + everyMs, everyMs + 10000, "the next console poll")
        }
    })()
    return {
        stop: async () => {
            polling = false
            await loop
        },
    }
}

/** a treatment: glide at 1.5 N with a reposition (off the skin < 0.3 s: the same needling) every 8 s */
function treatment(ms: number): HandSegment[] {
    const s: HandSegment[] = []
    let left = ms
    while (left > 0) {
        const piece = Math.min(8000, left)
        s.push({ kind: "glide", durationMs: piece, forceN: 1.5 })
        left -= piece
        if (left > 0) {
            s.push({ kind: "lift", durationMs: 80, forceN: 0 })
            s.push({ kind: "approach", durationMs: 200, forceN: 1.5 })
            left -= 280
        }
    }
    return s
}

/**
 * The heap right after each collection (a walk that reads less than the one before), fitted by a
 * line over time: a leak shows as a rising floor even when the live-set samples are few.
 */
function troughSlope(walks: HeapSample[]): { n: number; bPerMin: number } {
    const xs: number[] = []
    const ys: number[] = []
    for (let i = 1; i < walks.length; i++)
        if (walks[i].used < walks[i - 1].used) {
            xs.push(walks[i].tMs / 60000)
            ys.push(walks[i].used)
        }
    const n = xs.length
    if (n < 3) return { n, bPerMin: NaN }
    const mx = xs.reduce((a, b) => a + b, 0) / n
    const my = ys.reduce((a, b) => a + b, 0) / n
    let sxy = 0
    let sxx = 0
    for (let i = 0; i < n; i++) {
        sxy += (xs[i] - mx) * (ys[i] - my)
        sxx += (xs[i] - mx) ** 2
    }
    return { n, bPerMin: sxx > 0 ? sxy / sxx : NaN }
}

function median(xs: number[]): number {
    return dist(xs).median
}

export async function benchTick(profile: Profile, o: TickOptions, startups: StartupSample[]): Promise<Section> {
    const t0 = performance.now()
    const br = new BenchRig(profile, { heapProbe: { everyMs: 200 } })
    const tickMs = profile.control.tickMs
    let windows: Record<string, string>[] = []
    let states = new Map<string, number>()
    let before: HeapSample[] = []
    let after: HeapSample[] = []
    let walks: HeapSample[] = []
    let treatedMs = 0
    let faults: string[] = []
    /** firmware starts in the stretch (a restart of the program), the longest wall time without a STATUS line in it (ms) */
    let restarts = 0
    let silentMs = NaN
    const use: ConsoleUse = { notAttached: "", replies: 0, failures: [], rtt: [] }
    try {
        await br.start()
        // launch -> first drive is not timed here: the area is selected first
        const s: StartupSample = { bootMs: br.bootMs, driveMs: NaN, note: "tick rig (forehead selected first)", selfTestMs: br.selfTestMs }
        startups.push(s)
        // the forehead (60 cm², 3 passes at 100/s: ~240 s of needling for its dose): the treatment
        // runs without reaching the dose rule's lock (periorbital, the first area, locks in ~26 s)
        await br.selectArea("forehead")
        await br.armAndTouch(1.5)
        s.readyMs = br.readyMs
        await br.pen.until(() => br.rig.state() === "treating", 3000, "treating")
        // the console joins first: its device on the bus is part of the firmware's steady heap
        try {
            await br.attachConsole()
        } catch (e) {
            use.notAttached = e instanceof Error ? e.message : String(e)
        }
        const poller = use.notAttached ? undefined : pollConsole(br, 250, use)
        await br.pen.sleepSim(o.warmupMs)
        for (let i = 0; i < o.liveSamples; i++) before.push(await br.liveHeap())
        // the timed stretch starts after the next status line, so no window mixes in the heap samples
        const n0 = br.statuses.length
        await br.pen.until(() => br.statuses.length > n0, 2000, "a status line")
        const w0 = performance.now()
        await br.playLong(treatment(o.treatMs))
        const w1 = performance.now()
        for (let i = 0; i < o.liveSamples; i++) after.push(await br.liveHeap())
        await poller?.stop()
        use.rtt = use.rtt.filter((r) => r.tMs > w0 && r.tMs <= w1)
        use.replies = use.rtt.length
        await br.detachConsole()
        faults = br.events.filter((e) => e.tMs > w0 && e.tMs <= w1 && e.v.kind === "fault").map((e) => e.v.message)
        treatedMs = w1 - w0
        const inStretch = br.statuses.filter((x) => x.tMs > w0 && x.tMs <= w1)
        windows = inStretch.map((x) => x.v)
        restarts = br.starts.filter((t) => t > w0 && t <= w1).length
        const at = [w0, ...inStretch.map((x) => x.tMs), w1]
        silentMs = Math.max(...at.slice(1).map((t, i) => t - at[i]))
        walks = br.heap.filter((h) => h.kind === "walk" && h.tMs > w0 && h.tMs <= w1)
        for (const w of windows) states.set(w.state, (states.get(w.state) ?? 0) + 1)
        progress(o.quiet ?? false, `tick: ${windows.length} status windows over ${(treatedMs / 1000).toFixed(1)} s, heap ${before.length + after.length} live samples`)
    } finally {
        await br.stop()
    }
    // a status line that lost its loop-health fields (spliced in transit; the VM cuts a long line at its
    // end, and they lead the line for that) is not a window
    const all = windows.length
    windows = windows.filter((w) => [w.tps, w.gapmax, w.tickmax].every((x) => Number.isFinite(Number(x)) && x !== ""))
    const malformed = all - windows.length
    const tps = dist(windows.map((w) => Number(w.tps)))
    const lowTps = dist(windows.map((w) => -Number(w.tps)))
    const gap = dist(windows.map((w) => Number(w.gapmax)))
    const err = dist(windows.map((w) => Number(w.gapmax) - tickMs))
    const took = dist(windows.map((w) => Number(w.tickmax)))
    const overrun = profile.control.overrunAfterMs
    const consoleRtt = dist(use.rtt.map((r) => r.ms))
    const cons = use.notAttached
        ? `console not attached (${use.notAttached})`
        : `console attached, polling status ${f(use.replies / (treatedMs / 1000), 1)}/s`
    const rows: Row[] = [
        {
            id: "tick.rate",
            what: `Control tick in the VM, ${f(treatedMs / 1000, 0)} s of treatment, ${cons}: decisions per second (per 250 ms window)`,
            figure:
                `median ${f(tps.median, 0)} / lowest 1% ${f(-lowTps.p99, 0)} / lowest ${f(tps.min, 0)} per s (n=${tps.n} windows` +
                `${malformed ? `, ${malformed} malformed lines left out` : ""}${silentMs > 1000 ? `, ${f(silentMs, 0)} ms without a status line` : ""}` +
                `${restarts ? `, **the firmware restarted ${restarts}x**` : ""})`,
            goal: `≥ ${1000 / tickMs} per s: the ${tickMs} ms timer alone (about ${1000 / tickMs + 200} with the simulator's 5 ms force samples)`,
            verdict: verdict(tps.n > 0 && restarts === 0 && -lowTps.p99 >= 1000 / tickMs),
            values: { n: tps.n, median: tps.median, low1: -lowTps.p99, min: tps.min, treatedMs, malformed, restarts, silentMs },
        },
        {
            id: "tick.period",
            what: `… period error: longest gap between two decisions minus ${tickMs} ms, per window`,
            figure: `median ${f(err.median, 0)} / p99 ${f(err.p99, 0)} / max ${f(err.max, 0)} ms (longest gap ${f(gap.max, 0)} ms)`,
            goal: `p99 ≤ ${tickMs} ms; max < ${overrun - tickMs} ms (a ${overrun} ms gap is a tick_overrun fault, devs.json)`,
            verdict: verdict(err.n > 0 && err.p99 <= tickMs && gap.max < overrun),
            values: { n: err.n, median: err.median, p99: err.p99, max: err.max, gapMax: gap.max },
        },
        {
            id: "tick.time",
            what: "… time spent in one decision (longest per window, whole ms of ds.millis())",
            figure: `median ${f(took.median, 0)} / p99 ${f(took.p99, 0)} / max ${f(took.max, 0)} ms`,
            goal: `p99 < ${tickMs} ms (one decision fits in a tick)`,
            verdict: verdict(took.n > 0 && took.p99 < tickMs),
            values: { n: took.n, median: took.median, p99: took.p99, max: took.max },
        },
    ]
    // ---- heap ----
    const liveBefore = median(before.map((h) => h.used))
    const liveAfter = median(after.map((h) => h.used))
    const growth = liveAfter - liveBefore
    const used = dist(walks.map((h) => h.used))
    const slope = troughSlope(walks)
    const size = before[0]?.size ?? walks[0]?.size ?? NaN
    const haveHeap = before.length > 0 && after.length > 0
    const stateBefore = [...new Set(before.map((h) => h.state))].join("/")
    const stateAfter = [...new Set(after.map((h) => h.state))].join("/")
    // a latched fault keeps its record and message: ~340 B more live heap, measured once (fault
    // injected in a treating pen: 18.28 -> 18.62 KB, then flat)
    const sameState = stateBefore === stateAfter
    rows.push({
        id: "heap",
        what: `Heap in the VM: live set (after a full collection) before → after ${f(treatedMs / 1000, 0)} s of treatment; in use between collections`,
        figure: haveHeap
            ? `live ${f(liveBefore / 1024, 2)} → ${f(liveAfter / 1024, 2)} KB (${growth >= 0 ? "+" : ""}${f(growth, 0)} B` +
              (sameState
                  ? `, ${stateBefore} both times); `
                  : `; ${stateBefore} → ${stateAfter}${stateAfter.includes("fault") ? ": a latched fault's record is ~340 B" : ""}); `) +
              `in use median ${f(used.median / 1024, 1)} / max ${f(used.max / 1024, 1)} KB of ${f(size / 1024, 0)} KB`
            : "no heap samples (probe did not find the VM heap)",
        goal: `no growth (live set +${HEAP_GROWTH_LIMIT_B} B at most); in use < heap size`,
        verdict: verdict(haveHeap && growth <= HEAP_GROWTH_LIMIT_B && used.max < size),
        values: { liveBefore, liveAfter, growth, usedMedian: used.median, usedMax: used.max, size, walks: used.n, lowsBPerMin: slope.bPerMin },
    })
    const stateText = [...states].map(([k, v]) => `${k} ${v}`).join(", ")
    rows[0].figure += faults.length ? `; **faults in the stretch: ${faults.join("; ")}**` : ""
    rows[0].values.faults = faults.length
    const notes = [
        `One VM, armed on periorbital (100 strokes/s), touched at 1.5 N, console attached, ${f(o.warmupMs / 1000, 1)} s of warm-up, then ` +
            `${f(treatedMs / 1000, 1)} s of gliding with a reposition every 8 s (one needling). ${windows.length} STATUS windows ` +
            `(states: ${stateText}); faults in the stretch: ${faults.length ? faults.join("; ") + " (latched: the rest of the stretch " +
            "is the loop running in the fault state, needle stopped; a stall of this host, see the period row)" : "none"}. ` +
            (use.notAttached
                ? `The console was not attached: ${use.notAttached}.`
                : `The host console (console/, a second client on the same loopback hub) polled the status over the ` +
                  `pen's console service every 250 ms: ${use.replies} replies in the stretch, request → reply ` +
                  `median ${f(consoleRtt.median, 1)} / p99 ${f(consoleRtt.p99, 1)} / max ${f(consoleRtt.max, 1)} ms` +
                  (use.failures.length ? `; failures: ${use.failures.join("; ")}` : "") + "."),
        `The STATUS line gives per-window extremes only (tps, gapmax, tickmax), not every period: the period figures are ` +
            `distributions of each window's worst gap, and decisions come from both the timer and the force samples, so the ` +
            `timer's own period is not separated from them. Time per decision is in whole ms (ds.millis()); 0 means under 1 ms.`,
        `Heap: DeviceScript 2.16.4 has no heap-statistics API (the runtime prints "N B used, N B free" only when it runs out ` +
            `of memory: runtime/devicescript/gc_alloc.c devs_dump_heap in microsoft/devicescript). bench/vm-heap-probe.cjs, ` +
            `preloaded into the VM process only for this run, finds the ${f(size / 1024, 0)} KB GC heap inside the WASM memory ` +
            `by its chunk layout and walks its blocks: every 200 ms (${used.n} walks in the stretch: objects plus not yet ` +
            `collected garbage) and for the live set with the VM's GC-stress switch on for 40 ms ` +
            `(${before.length} samples before: ${before.map((h) => h.used).join(", ")} B, ${stateBefore}; ${after.length} after: ` +
            `${after.map((h) => h.used).join(", ")} B, ${stateAfter}). A fault latched in a treating pen adds ~340 B to the live ` +
            `set once (its record and message; seen while building this bench: 18.28 → 18.62 KB, then flat). ` +
            `The heap right after each collection seen by the walks (a reading lower ` +
            `than the one before; it includes what was allocated since, up to 200 ms) fitted by a line: ` +
            `${slope.n >= 3 ? `${slope.bPerMin >= 0 ? "+" : ""}${f(slope.bPerMin, 0)} B/min over ${slope.n} collections` : "too few collections"}. ` +
            `The probe reads memory and flips that one runtime flag; the firmware is unchanged. ` +
            `The ESP32's heap is the same 64 KB GC heap by default (JD_GC_KB), but its contents were not measured on hardware.`,
    ]
    return { title: "Control tick and heap (firmware in the VM)", rows, notes, wallMs: performance.now() - t0 }
}
