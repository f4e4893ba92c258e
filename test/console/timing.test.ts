// The console's `timing` (console/timing.ts): from when the pen's sensor reports arrive, the gaps
// and whether the board's loop reads the accelerometer on a 10 ms tick. The arrivals here come from
// the stream rule the simulator's servers use (sim/sensor-stream.ts: jacdac-c reads the chip on a
// 15.39 ms grid and streams only in a pass that read it), with the link's jitter added.
import { describe, expect, test } from "vitest"
import { COMMANDS, Ctx, execute } from "../../console/commands"
import { RATE_SHARE, READ_GRID_MS, SensorTrace, analyseTrace, chipVerdict, loopVerdict, timingText } from "../../console/timing"
import { SensorStream } from "../../sim/sensor-stream"
import type { PenApi } from "../../console/link"

/** arrivals of an accelerometer's reports over `ms`: reads due every 15.39 ms, taken on the first loop pass at or after (tick 0: at once), streamed every 20 ms */
function accelArrivals(ms: number, tickMs: number, jitterMs = 0, seed = 1): number[] {
    let s = seed
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
    const reads = new SensorStream()
    const stream = new SensorStream()
    const out: number[] = []
    for (let t = 0; t < ms; t += 0.5) {
        if (tickMs > 0 && t % tickMs !== 0) continue
        if (reads.due(t, READ_GRID_MS) && stream.due(t, 20)) out.push(t + rnd() * jitterMs)
    }
    return out
}

function trace(kind: SensorTrace["kind"], arrivalsMs: number[], payloads?: string[], positions: number[] = []): SensorTrace {
    return { name: `${kind} test[1]`, kind, arrivalsMs, payloads: payloads ?? arrivalsMs.map((_, i) => String(i)), positions }
}

/** an accelerometer trace with these gaps (ms) */
function at(gaps: number[]) {
    const a = [0]
    for (const g of gaps) a.push(a[a.length - 1] + g)
    return analyseTrace(trace("accelerometer", a))
}

describe("console timing: the sensor reports' gaps", () => {
    test("an accelerometer read on a 10 ms loop tick arrives 10, 20 or 30 ms apart: the verdict says so", () => {
        const t = analyseTrace(trace("accelerometer", accelArrivals(3000, 10, 1.5)))
        expect(t.reports).toBeGreaterThan(140)
        expect(t.onTenMsShare).toBeGreaterThan(0.95)
        expect(t.onGridShare).toBeLessThan(0.5)
        expect(t.tickFitMs).toBeCloseTo(10, 1)
        expect(loopVerdict([t]).verdict).toBe("10 ms loop")
        expect(timingText([t], 3000, 26)).toMatch(/reads land on a 10 ms main-loop tick/)
    })

    test("read on its own 15.39 ms grid it arrives 15.4 or 30.8 ms apart: only the 30.8 ms gaps (about a third) near a multiple of 10 ms", () => {
        const t = analyseTrace(trace("accelerometer", accelArrivals(3000, 0, 1.5)))
        expect(t.gapMedianMs).toBeGreaterThan(14)
        expect(t.gapMedianMs).toBeLessThan(17)
        expect(t.onTenMsShare).toBeLessThan(0.5)
        expect(t.onGridShare).toBeGreaterThan(0.95)
        expect(t.gridFitMs).toBeCloseTo(READ_GRID_MS, 1)
        expect(loopVerdict([t]).verdict).toBe("own grid")
    })

    test("the shares' edges: within TOLERANCE_MS of a multiple counts, further does not; reports that arrive together are left out", () => {
        expect(at(Array(40).fill(12)).onTenMsShare).toBe(1)
        expect(at(Array(40).fill(12.5)).onTenMsShare).toBe(0)
        expect(at(Array(40).fill(5)).onTenMsShare).toBe(0) // half a tick is no tick
        expect(at(Array(40).fill(17.39)).onGridShare).toBe(1)
        expect(at(Array(40).fill(17.9)).onGridShare).toBe(0)
        // a link that hands over two reports in one read: the ~0 ms gap is neither pattern's, and not counted
        const batched = at(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 0.5 : 19.5)))
        expect(batched.bunched).toBe(30)
        expect(batched.onTenMsShare).toBe(1)
    })

    test("neither pattern is unclear, never the reassuring answer: a link that jitters by up to 8 ms, or delivers on its own 16 ms poll, or a mix", () => {
        const jittered = analyseTrace(trace("accelerometer", accelArrivals(3000, 10, 8)))
        expect(loopVerdict([jittered]).verdict).toBe("unclear")
        // a 16 ms poll puts every gap within 2 ms of the grid's 15.39 or 30.78, but keeps 16.0 ms
        const polled = analyseTrace(trace("accelerometer", accelArrivals(3000, 10).map((t) => Math.ceil(t / 16) * 16)))
        expect(polled.onGridShare).toBe(1)
        expect(polled.gridFitMs).toBeCloseTo(16, 1)
        expect(loopVerdict([polled]).verdict).toBe("unclear")
        const mixed = at([...Array(32).fill(20), ...Array(8).fill(15.4)])
        expect(mixed.onTenMsShare).toBe(0.8)
        expect(loopVerdict([mixed]).verdict).toBe("unclear")
        expect(timingText([mixed], 800, 26)).toMatch(/neither pattern/)
    })

    test("no verdict from too few reports or without an accelerometer: the force and stroke streams are multiples of 10 ms on either loop", () => {
        const few = analyseTrace(trace("accelerometer", accelArrivals(400, 10)))
        expect(few.reports).toBeLessThanOrEqual(30)
        expect(loopVerdict([few]).verdict).toBe("no accelerometer")
        const pot = analyseTrace(trace("potentiometer", Array.from({ length: 300 }, (_, i) => i * 10)))
        expect(loopVerdict([pot]).verdict).toBe("no accelerometer")
        expect(timingText([pot], 3000, 26)).toMatch(/cannot be told from the other sensors/)
        expect(timingText([], 3000, 26)).toMatch(/no sensor reports/)
    })

    test("repeats and the stroke counter's counts per second", () => {
        const enc = analyseTrace(trace("rotary encoder", [0, 10, 20, 30, 40], ["a", "a", "b", "b", "b"], [100, 100, 104, 108, 112]))
        expect(enc.repeatShare).toBe(0.75)
        expect(enc.countsPerS).toBe(300)
        expect(enc.gapMedianMs).toBe(10)
        expect(timingText([enc], 40, 26)).toMatch(/75 % repeats; 300\.0 counts\/s/)
        expect(Number.isNaN(analyseTrace(trace("potentiometer", [0, 10])).countsPerS)).toBe(true)
    })

    test("the accelerometer's new readings a second say the chip's rate: a 26 Hz chip read every 15.39 ms and streamed every 20 ms gives all of its samples (at motion.odrHz); left at 52 Hz, ~43 a second (faster); fewer is said too", () => {
        /** payloads of a chip making a sample every 1000/odrHz ms, read on the reads' arrivals (its output held between samples) */
        const chip = (arrivals: number[], odrHz: number) => arrivals.map((t) => String(Math.floor(t / (1000 / odrHz))))
        for (const tick of [0, 10]) {
            const arr = accelArrivals(5000, tick)
            const at26 = analyseTrace(trace("accelerometer", arr, chip(arr, 26)))
            expect(at26.newPerS).toBeGreaterThan(25)
            expect(at26.newPerS).toBeLessThan(27)
            expect(chipVerdict([at26], 26).verdict).toBe("at motion.odrHz")
            expect(timingText([at26], 5000, 26)).toMatch(/chip: 2\d\.\d new readings a second, motion\.odrHz 26 Hz: the chip runs at the rate/)
            const at52 = analyseTrace(trace("accelerometer", arr, chip(arr, 52)))
            expect(at52.newPerS, `tick ${tick}: the stream misses some of the 52`).toBeLessThan(50)
            expect(at52.newPerS).toBeGreaterThan(35)
            expect(chipVerdict([at52], 26).verdict).toBe("faster")
            expect(timingText([at52], 5000, 26)).toMatch(/rate write did not take, and motion_rate should be latched/)
        }
        const arr = accelArrivals(5000, 0)
        const slow = analyseTrace(trace("accelerometer", arr, chip(arr, 20)))
        expect(chipVerdict([slow], 26).verdict).toBe("slower")
        // the edges: within RATE_SHARE of motion.odrHz is at it
        const steady = (perS: number) => ({ ...slow, newPerS: perS })
        expect(chipVerdict([steady(26 * (1 + RATE_SHARE) - 0.01)], 26).verdict).toBe("at motion.odrHz")
        expect(chipVerdict([steady(26 * (1 + RATE_SHARE) + 0.1)], 26).verdict).toBe("faster")
        expect(chipVerdict([steady(26 * (1 - RATE_SHARE) + 0.01)], 26).verdict).toBe("at motion.odrHz")
        expect(chipVerdict([steady(26 * (1 - RATE_SHARE) - 0.1)], 26).verdict).toBe("slower")
        expect(chipVerdict([analyseTrace(trace("potentiometer", arr))], 26).verdict).toBe("no accelerometer")
        expect(Number.isNaN(analyseTrace(trace("potentiometer", arr)).newPerS)).toBe(true)
    })

    test("the timing command: listens for the seconds asked, refuses a bad number, and says when the link cannot listen", async () => {
        expect(COMMANDS.map((c) => c.name)).toContain("timing")
        let askedMs = 0
        // only the link's listening is used: the rest of the pen is not needed here
        const pen = {
            where: () => "stub",
            sensorReports: async (ms: number) => {
                askedMs = ms
                return [trace("accelerometer", accelArrivals(ms, 10, 1))]
            },
        }
        const ctx = { pen, json: false, yes: false, emit: () => {}, readFile: () => "", writeFile: () => {} } as unknown as Ctx
        const r = await execute("timing 3", ctx)
        expect(r.ok).toBe(true)
        expect(askedMs).toBe(3000)
        expect(r.message).toMatch(/accelerometer test\[1\]: \d+ reports/)
        expect((r.data as { loop: string }).loop).toBe("10 ms loop")
        expect((await execute("timing", ctx)).ok).toBe(true)
        expect(askedMs).toBe(5000)
        for (const bad of ["timing 0", "timing 61", "timing x", "timing 1 2"]) expect((await execute(bad, ctx)).ok, bad).toBe(false)
        expect(askedMs).toBe(5000)
        const noListen = { ...ctx, pen: { where: () => "stub" } as unknown as PenApi } as Ctx
        expect((await execute("timing 2", noListen)).message).toMatch(/cannot listen/)
    })
})
