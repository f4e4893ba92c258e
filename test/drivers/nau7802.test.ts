// The load-cell force path: drivers/nau7802.ts (bring-up, reads, errors, the feeding loop)
// against the register-level fake in sim/nau7802.ts, on a virtual clock (nothing sleeps for
// real; the fake charges 0.1 ms of bus time per transfer, so a poll loop without a sleep still
// reaches its timeout). The profile check of devs.json force.loadCell is in
// test/core/profilecheck.test.ts (it runs in the DeviceScript VM too); here, that its limits
// agree with the driver's ratio.
import { describe, expect, test } from "vitest"
import { ExternalForceSink } from "../../drivers/forcesink"
import {
    CAL_TIMEOUT_MS, FIRST_CONVERSION_MS, INIT_RETRY_MS, LDO_RAMP_MS, LoadCellLoop, loadCellConfigError, NONE, Nau7802, PUR_TIMEOUT_MS,
    READ_POLL_MS, SAMPLE_PERIOD_MS, STALE_AFTER_PERIODS, countsToForceN, signExtend24,
} from "../../drivers/nau7802"
import { FakeNau7802, FakeNau7802Faults, FakeNau7802Params, VirtualClock } from "../../sim/nau7802"
import { ForceMonitor, forceFinding } from "../../core/force"
import { LoadCellProfile, Profile } from "../../core/profile"
import { PenInputs } from "../../core/types"
import { checkLoadCell, checkProfile, loadCellRatio } from "../../core/validate"
import { Pen } from "../../core/pen"
import { FACTORY_PROFILE } from "../../src/profile.g"

const P = FACTORY_PROFILE
const CAL: LoadCellProfile = P.force.loadCell!
/** a single conversion: the fake's noise is 150 counts (0.0007 N) sigma; this is ~14 sigma */
const SAMPLE_TOL_N = 0.01
/** no driver call may take more transfers than this (a poll without an end shows up as a runaway count; the fake also stops answering after 100000) */
const MAX_TRANSFERS = 2000

interface Rig {
    clock: VirtualClock
    fake: FakeNau7802
    chip: Nau7802
}

function rig(params?: Partial<FakeNau7802Params>, faults?: Partial<FakeNau7802Faults>): Rig {
    const clock = new VirtualClock()
    clock.t = 1000
    const fake = new FakeNau7802(clock, params)
    Object.assign(fake.faults, faults || {})
    return { clock, fake, chip: new Nau7802(fake, clock, 0x2a) }
}

/** a driver call, timed on the virtual clock and counted in transfers */
async function timed<T>(r: Rig, fn: () => Promise<T>): Promise<{ value: T; tookMs: number; transfers: number }> {
    const t0 = r.clock.nowMs()
    const n0 = r.fake.transfers
    const value = await fn()
    const transfers = r.fake.transfers - n0
    expect(transfers, "transfers in one call").toBeLessThan(MAX_TRANSFERS)
    return { value, tookMs: r.clock.nowMs() - t0, transfers }
}

async function initOk(r: Rig): Promise<void> {
    expect(await r.chip.init()).toBe("")
}

/** the next conversion, polling as the glue does; fails the test on an error */
async function next(r: Rig): Promise<number> {
    for (let i = 0; i < 100; i++) {
        const v = await r.chip.read()
        if (typeof v === "number") return v
        expect(v).toBe(NONE)
        await r.clock.sleepMs(READ_POLL_MS)
    }
    throw new Error("no conversion within 100 polls")
}

/** poll until read returns something other than NONE; the value and when */
async function pollUntilNotNone(r: Rig, maxMs: number): Promise<{ value: number | string; atMs: number }> {
    const end = r.clock.nowMs() + maxMs
    while (r.clock.nowMs() < end) {
        const v = await r.chip.read()
        if (v !== NONE) return { value: v, atMs: r.clock.nowMs() }
        await r.clock.sleepMs(READ_POLL_MS)
    }
    return { value: NONE, atMs: r.clock.nowMs() }
}

function inputs(forceN: number, ratio: number, t: number): PenInputs {
    return {
        nowMs: t, forceN, forceRatio: ratio, forceSampleMs: t, strokes: 0, strokeSampleMs: -1, depthActualMm: NaN,
        needleBound: true, depthBound: true, pressureBound: true, strokeBound: true,
    }
}

/** what the core's force monitor concludes from `n` conversions of the chip as they are now */
async function monitorAfter(r: Rig, n: number): Promise<{ mon: ForceMonitor; finding: string }> {
    const mon = new ForceMonitor(P.force)
    for (let i = 0; i < n; i++) {
        const c = await next(r)
        mon.update(inputs(countsToForceN(CAL, c), loadCellRatio(c), r.clock.nowMs()))
    }
    const f = forceFinding(mon, r.clock.nowMs(), r.clock.nowMs(), true)
    return { mon, finding: f ? f.code : "" }
}

describe("NAU7802 conversions (pure)", () => {
    test("24-bit two's complement: 0x7fffff, 0x800000, 0xffffff", () => {
        expect(signExtend24(0x7f, 0xff, 0xff)).toBe(8388607)
        expect(signExtend24(0x80, 0x00, 0x00)).toBe(-8388608)
        expect(signExtend24(0xff, 0xff, 0xff)).toBe(-1)
        expect(signExtend24(0x00, 0x01, 0x02)).toBe(258)
    })
    test("counts to newtons is linear around zeroCounts; counts to ratio puts the rails at 0 and 1", () => {
        const cal = { i2cAddress: 42, zeroCounts: 1000, countsPerN: 200000 }
        expect(countsToForceN(cal, 1000)).toBe(0)
        expect(countsToForceN(cal, 1000 + 300000)).toBeCloseTo(1.5, 12)
        expect(countsToForceN(cal, 1000 - 200000)).toBeCloseTo(-1, 12)
        expect(loadCellRatio(-8388608)).toBe(0)
        expect(loadCellRatio(0)).toBe(0.5)
        expect(loadCellRatio(8388607)).toBeGreaterThan(0.9999)
        expect(loadCellRatio(-8388607)).toBeLessThan(P.force.openBelowRatio)
        expect(loadCellRatio(8388607)).toBeGreaterThan(P.force.saturatedAboveRatio)
    })
    test("the nominal devs.json calibration is the modelled cell: 1 kg, 1 mV/V, at the gain init sets", async () => {
        const r = rig()
        await initOk(r)
        expect(CAL.i2cAddress).toBe(0x2a)
        expect(Math.abs(CAL.countsPerN - r.fake.countsPerN())).toBeLessThan(1)
    })
})

describe("NAU7802 bring-up", () => {
    test("init writes the datasheet/SparkFun sequence, reads each setting back, and the chip ends up configured", async () => {
        const r = rig()
        const { value, tookMs } = await timed(r, () => r.chip.init())
        expect(value).toBe("")
        expect(r.fake.writes.map(([reg, b]) => [reg, b])).toEqual([
            [0x00, 0x01], // PU_CTRL: RR (reset all registers)
            [0x00, 0x06], // PU_CTRL: RR clear, PUD + PUA
            [0x01, 0x27], // CTRL1: VLDO 3.3 V (100), GAINS 128 (111)
            [0x00, 0x8e], // PU_CTRL: + AVDDS (internal LDO; PUR in the written byte is read only)
            [0x02, 0x70], // CTRL2: CRS 320 SPS (111)
            [0x15, 0x30], // ADC: REG_CHPS 11, clock chopper off
            [0x1c, 0x80], // PGA_PWR: PGA_CAP_EN
            [0x00, 0x9e], // PU_CTRL: + CS (conversions run)
            [0x02, 0x74], // CTRL2: CALMOD internal offset, CALS
        ])
        expect(r.fake.gain()).toBe(128)
        expect(r.fake.sps()).toBe(320)
        expect(r.fake.peek(0x00) & 0x9e).toBe(0x9e)
        expect(r.fake.peek(0x02) & 0x0c).toBe(0) // CALS done, no CAL_ERR
        // it waited for the LDO before calibrating, and not much longer than the calibration
        expect(tookMs).toBeGreaterThanOrEqual(LDO_RAMP_MS)
        expect(tookMs).toBeLessThan(LDO_RAMP_MS + 27.5 * SAMPLE_PERIOD_MS + 20)
        expect(r.chip.isReady()).toBe(true)
    })

    test("H2 0 N, 1.5 N and 4.5 N read back as those newtons within the noise", async () => {
        const r = rig()
        await initOk(r)
        for (const f of [0, 1.5, 4.5, 0]) {
            r.fake.forceN = f
            await next(r) // the conversion that was already waiting
            let sum = 0
            for (let i = 0; i < 8; i++) {
                const n = countsToForceN(CAL, await next(r))
                expect(Math.abs(n - f), `${f} N: one sample`).toBeLessThan(SAMPLE_TOL_N)
                sum += n
            }
            expect(Math.abs(sum / 8 - f), `${f} N: mean of 8`).toBeLessThan(0.003)
        }
    })

    test("H2 4.5 N reads above overPressureN, so the core's over-pressure cutoff sees it", async () => {
        const r = rig()
        await initOk(r)
        r.fake.forceN = 4.5
        await next(r)
        const { mon, finding } = await monitorAfter(r, 3)
        expect(mon.overPressure()).toBe(true)
        expect(finding).toBe("")
    })

    test("a pull on the cell reads negative newtons (sign extension)", async () => {
        const r = rig()
        await initOk(r)
        r.fake.forceN = -1
        await next(r)
        expect(Math.abs(countsToForceN(CAL, await next(r)) + 1)).toBeLessThan(SAMPLE_TOL_N)
    })

    test("a cell with its own zero balance reads true once its zeroCounts is set", async () => {
        // 0.05 mV/V of imbalance is ~0.5 N on this cell: the nominal zero 0 would be off by that much
        const r = rig({ zeroBalanceMvPerV: 0.05 })
        await initOk(r)
        const zero = Math.round(0.05e-3 * 128 * 16777216)
        expect(Math.abs(countsToForceN(CAL, await next(r)) - 0.49)).toBeLessThan(0.02)
        r.fake.forceN = 1.5
        await next(r)
        expect(Math.abs(countsToForceN({ ...CAL, zeroCounts: zero }, await next(r)) - 1.5)).toBeLessThan(SAMPLE_TOL_N)
    })
})

describe("NAU7802 reads", () => {
    test("a read before a conversion is ready returns none; each conversion is read once; 320 per second", async () => {
        const r = rig()
        await initOk(r)
        await next(r)
        expect(await r.chip.read()).toBe(NONE)
        await r.clock.sleepMs(SAMPLE_PERIOD_MS)
        expect(typeof (await r.chip.read())).toBe("number")
        expect(await r.chip.read()).toBe(NONE)
        let got = 0
        const end = r.clock.nowMs() + 1000
        while (r.clock.nowMs() < end) {
            const v = await r.chip.read()
            if (typeof v === "number") got++
            else expect(v).toBe(NONE)
            await r.clock.sleepMs(READ_POLL_MS)
        }
        // 2 ms polls and ~0.1 ms transfers against a 3.125 ms period: a few conversions are overwritten
        expect(got).toBeGreaterThan(250)
        expect(got).toBeLessThanOrEqual(321)
    })

    test("H2 H6 a bridge wire open reads at a rail: ratio below openBelowRatio (force_open) or above saturatedAboveRatio (force_saturated)", async () => {
        const low = rig()
        await initOk(low)
        low.fake.faults.bridgeOpen = "low"
        await next(low)
        const lo = await monitorAfter(low, P.force.rangeDebounceSamples)
        expect(loadCellRatio(await next(low))).toBeLessThan(P.force.openBelowRatio)
        expect(lo.finding).toBe("force_open")

        const high = rig()
        await initOk(high)
        high.fake.faults.bridgeOpen = "high"
        await next(high)
        const hi = await monitorAfter(high, P.force.rangeDebounceSamples)
        expect(loadCellRatio(await next(high))).toBeGreaterThan(P.force.saturatedAboveRatio)
        expect(hi.finding).toBe("force_saturated")
    })

    test("H2 a force beyond the ADC range clips at the rail: reads over-pressure and saturated, never a smaller force", async () => {
        const r = rig()
        await initOk(r)
        r.fake.forceN = 60
        await next(r)
        const c = await next(r)
        expect(c).toBe(8388607)
        expect(countsToForceN(CAL, c)).toBeGreaterThan(P.force.overPressureN)
        const { mon, finding } = await monitorAfter(r, P.force.rangeDebounceSamples)
        expect(mon.overPressure()).toBe(true)
        expect(finding).toBe("force_saturated")
    })
})

/** every error names the chip, shows a register or a time it saw, and says what to check */
function expectActionable(why: string | number) {
    expect(typeof why).toBe("string")
    const s = String(why)
    expect(s).not.toBe(NONE)
    expect(s).toMatch(/^NAU7802 at 0x2a/)
    expect(s).toMatch(/check /)
}

describe("NAU7802 faults: each is an error that names the chip and what it saw, within its timeout", () => {
    test("absent (every transfer NACKs): init fails at the first transfer, quoting the I2C error", async () => {
        const r = rig({}, { absent: true })
        const { value, tookMs, transfers } = await timed(r, () => r.chip.init())
        expectActionable(value)
        expect(value).toMatch(/did not answer on I2C while writing PU_CTRL \(I2C error 1 dev=42: .*\); check SDA\/SCL\/GND wiring/)
        expect(transfers).toBe(1)
        expect(tookMs).toBeLessThan(1)
        expect(r.chip.isReady()).toBe(false)
    })

    test("never powers up: init gives up after the PUR timeout, showing PU_CTRL", async () => {
        const r = rig({}, { neverPowersUp: true })
        const { value, tookMs } = await timed(r, () => r.chip.init())
        expectActionable(value)
        expect(value).toMatch(/did not power up: PU_CTRL reads 0x06 \(PUR clear\) 10\d ms after PUD\+PUA/)
        expect(tookMs).toBeGreaterThan(PUR_TIMEOUT_MS)
        expect(tookMs).toBeLessThan(PUR_TIMEOUT_MS + 5)
    })

    test("wrong chip at the address: REVISION_ID is refused before any setting is written to it", async () => {
        const r = rig({ revisionId: 0x13 })
        const { value } = await timed(r, () => r.chip.init())
        expectActionable(value)
        expect(value).toMatch(/REVISION_ID \(0x1f\) reads 0x13, a NAU7802 reads 0x\?f: another device answers at this address/)
        expect(r.fake.writes.length).toBe(2) // only the reset and the power-up
    })

    test("a setting that does not take (the write is lost): init refuses, showing what the register reads", async () => {
        const r = rig({}, { dropWritesTo: 0x01 })
        const { value } = await timed(r, () => r.chip.init())
        expectActionable(value)
        expect(value).toMatch(/ignored a setting: CTRL1 reads 0x00 after writing 0x27/)
        expect(r.chip.isReady()).toBe(false)
    })

    test("calibration error: CAL_ERR is reported with CTRL2 and the time it took", async () => {
        const r = rig({}, { calError: true })
        const { value } = await timed(r, () => r.chip.init())
        expectActionable(value)
        expect(value).toMatch(/failed its internal calibration: CTRL2 reads 0x78 \(CAL_ERR set\) after \d+ ms; check the load cell wires/)
        expect(r.chip.isReady()).toBe(false)
        expect(await r.chip.read()).toMatch(/not initialised/)
    })

    test("calibration that never ends: init gives up after the CALS timeout", async () => {
        const r = rig({}, { calHangs: true })
        const { value, tookMs } = await timed(r, () => r.chip.init())
        expectActionable(value)
        expect(value).toMatch(/did not finish its internal calibration: CTRL2 reads 0x74 \(CALS still set\) after 100\d ms/)
        expect(tookMs).toBeGreaterThan(LDO_RAMP_MS + CAL_TIMEOUT_MS)
        expect(tookMs).toBeLessThan(LDO_RAMP_MS + CAL_TIMEOUT_MS + 20)
    })

    test("H2 conversions stop: read reports it after 10 sample periods, well before the core's 100 ms force_stale", async () => {
        const r = rig()
        await initOk(r)
        await next(r)
        const lastGood = r.clock.nowMs()
        r.fake.faults.conversionsStop = true
        const { value, atMs } = await pollUntilNotNone(r, 500)
        expectActionable(value)
        expect(value).toMatch(/made no new conversion for 3\d ms \(PU_CTRL 0x9e, CR clear; at 320 SPS one is due every 3 ms\)/)
        expect(atMs - lastGood).toBeGreaterThan(STALE_AFTER_PERIODS * SAMPLE_PERIOD_MS)
        expect(atMs - lastGood).toBeLessThan(P.force.staleAfterMs / 2)
    })

    test("the first conversion after init may take up to FIRST_CONVERSION_MS, then it is an error too", async () => {
        const r = rig()
        await initOk(r)
        const t0 = r.clock.nowMs()
        r.fake.faults.conversionsStop = true
        const { value, atMs } = await pollUntilNotNone(r, 500)
        expect(String(value)).toMatch(/made no new conversion/)
        expect(atMs - t0).toBeGreaterThan(FIRST_CONVERSION_MS)
        expect(atMs - t0).toBeLessThan(FIRST_CONVERSION_MS + 5)
    })

    test("the chip drops off the bus while running: the next read is an error naming the transfer", async () => {
        const r = rig()
        await initOk(r)
        await next(r)
        r.fake.faults.absent = true
        const v = await r.chip.read()
        expectActionable(v)
        expect(v).toMatch(/did not answer on I2C while reading PU_CTRL \(I2C error 1 dev=42/)
        r.fake.faults.absent = false
        expect(await r.chip.read()).toMatch(/not initialised/)
    })

    test("a brown-out resets the chip: the next read says PUR/CS are clear; init brings it back", async () => {
        const r = rig()
        await initOk(r)
        r.fake.forceN = 1.5
        await next(r)
        r.fake.powerLoss()
        const v = await r.chip.read()
        expectActionable(v)
        expect(v).toMatch(/lost its set-up: PU_CTRL reads 0x00 \(PUR or CS clear/)
        await initOk(r)
        await next(r)
        expect(Math.abs(countsToForceN(CAL, await next(r)) - 1.5)).toBeLessThan(SAMPLE_TOL_N)
    })
})

/** records what the loop told the pen, in order */
class SinkLog implements ExternalForceSink {
    events: string[] = []
    forces: number[] = []
    bound = false
    useExternalForce() {
        this.events.push("external")
    }
    externalForce(forceN: number, ratio: number) {
        expect(ratio).toBeCloseTo(0.5 + (forceN * CAL.countsPerN + CAL.zeroCounts) / 16777216, 9)
        this.forces.push(forceN)
        if (this.events[this.events.length - 1] !== "force") this.events.push("force")
    }
    externalForceBound(bound: boolean) {
        this.bound = bound
        this.events.push(bound ? "bound" : "unbound")
    }
    externalForceInvalid(reason: string) {
        this.events.push("invalid: " + reason)
    }
}

/** run the loop on virtual time as drivers/loadcell.ts does: sleep what each step asks */
async function runLoop(loop: LoadCellLoop, clock: VirtualClock, ms: number) {
    const end = clock.nowMs() + ms
    let steps = 0
    while (clock.nowMs() < end) {
        await clock.sleepMs(await loop.step())
        expect(++steps).toBeLessThan(100000)
    }
}

describe("the loop that feeds the pen (LoadCellLoop, run by drivers/loadcell.ts)", () => {
    test("H2 binds on the first sample and feeds newtons; a read error unbinds first, logs once, and it comes back by itself", async () => {
        const r = rig()
        const sink = new SinkLog()
        const log: string[] = []
        const loop = new LoadCellLoop(r.chip, sink, CAL, (l) => log.push(l))
        r.fake.forceN = 1.5
        await runLoop(loop, r.clock, 1000)
        expect(sink.events).toEqual(["force", "bound", "force"])
        expect(log).toEqual(["EVENT info loadcell: NAU7802 at 0x2a ready (gain 128, 320 SPS, offset calibrated)"])
        expect(sink.forces.length).toBeGreaterThan(150)
        for (const f of sink.forces) expect(Math.abs(f - 1.5)).toBeLessThan(SAMPLE_TOL_N)

        // the chip drops off the bus for 3 s
        r.fake.faults.absent = true
        const n = sink.forces.length
        await runLoop(loop, r.clock, 3000)
        expect(sink.bound).toBe(false)
        expect(sink.forces.length).toBe(n)
        expect(sink.events.slice(3)).toEqual(["unbound"])
        expect(log[1]).toMatch(/^EVENT error loadcell: NAU7802 at 0x2a did not answer on I2C while reading PU_CTRL .*; force sensor unusable, re-initialising$/)
        // then init fails and is retried every 2 s, each attempt logged
        const retries = log.slice(2)
        expect(retries.length).toBe(2)
        for (const l of retries) expect(l).toMatch(/^EVENT error loadcell: NAU7802 at 0x2a did not answer on I2C while writing PU_CTRL .*; retrying in 2 s$/)

        // back on the bus: at the next retry it initialises and binds again
        r.fake.faults.absent = false
        await runLoop(loop, r.clock, INIT_RETRY_MS + 500)
        expect(sink.bound).toBe(true)
        expect(sink.events.slice(3)).toEqual(["unbound", "force", "bound", "force"])
        expect(sink.forces.length).toBeGreaterThan(n + 50)
    })

    test("init failing at start: stays unbound, logs each retry every 2 s, never feeds a sample", async () => {
        const r = rig({}, { calError: true })
        const sink = new SinkLog()
        const log: string[] = []
        const loop = new LoadCellLoop(r.chip, sink, CAL, (l) => log.push(l))
        await runLoop(loop, r.clock, 5000)
        expect(sink.events).toEqual([])
        expect(log.length).toBe(3)
        for (const l of log) expect(l).toMatch(/^EVENT error loadcell: NAU7802 at 0x2a failed its internal calibration: CTRL2 reads 0x78 .*; retrying in 2 s$/)
    })

    test("H2 conversions stopping while running: unbound within 10 sample periods, before the core's force_stale", async () => {
        const r = rig()
        const sink = new SinkLog()
        const log: string[] = []
        const loop = new LoadCellLoop(r.chip, sink, CAL, (l) => log.push(l))
        await runLoop(loop, r.clock, 500)
        expect(sink.bound).toBe(true)
        r.fake.faults.conversionsStop = true
        const t0 = r.clock.nowMs()
        while (sink.bound && r.clock.nowMs() - t0 < 1000) await r.clock.sleepMs(await loop.step())
        expect(r.clock.nowMs() - t0).toBeLessThan(P.force.staleAfterMs / 2)
        expect(log[log.length - 1]).toMatch(/made no new conversion for 3\d ms/)
    })
})

describe("the profile check of force.loadCell agrees with the driver", () => {
    function withCal(c: Partial<LoadCellProfile>): Profile {
        const p: Profile = JSON.parse(JSON.stringify(P))
        Object.assign(p.force.loadCell!, c)
        return p
    }
    test("H10 the largest countsPerN allowed is the last whose 2 x overPressureN reads below saturatedAboveRatio (loadCellRatio)", () => {
        const op = P.force.overPressureN
        const sat = P.force.saturatedAboveRatio
        let cpn = Math.floor((sat * 16777216 - 8388608) / (2 * op))
        while (loadCellRatio(2 * op * (cpn + 1)) < sat) cpn++
        while (loadCellRatio(2 * op * cpn) >= sat) cpn--
        expect(checkLoadCell(withCal({ countsPerN: cpn }).force)).toBe("")
        expect(checkLoadCell(withCal({ countsPerN: cpn + 1 }).force)).toMatch(/^force.loadCell: 2 x force.overPressureN \(8.00 N\) reads ratio 0.970, not below force.saturatedAboveRatio 0.970/)
    })
    test("H10 a bad load-cell calibration reports as an invalid profile naming the field, not as a missing pressure sensor", () => {
        const bad = withCal({ countsPerN: 5 }).force
        const why = loadCellConfigError(bad)
        expect(why).toMatch(/force.loadCell.countsPerN .*; fix devs.json and rebuild/)
        expect(loadCellConfigError(P.force)).toBe("")
        const none: Profile = JSON.parse(JSON.stringify(P))
        delete none.force.loadCell
        expect(loadCellConfigError(none.force)).toMatch(/no force.loadCell calibration/)
        // what the load-cell glue hands the core (drivers/loadcell.ts -> externalForceSink(hw).externalForceInvalid, drivers/hardware.ts)
        const pen = new Pen(P)
        const inp = { nowMs: 10, forceN: 0, forceRatio: 0.5, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1, depthActualMm: 0,
            needleBound: true, depthBound: true, pressureBound: false, strokeBound: true, forceConfigError: why }
        pen.tick(inp)
        const s = pen.status()
        expect(s.fault?.code).toBe("profile_invalid")
        expect(s.fault?.message).toMatch(/force.loadCell.countsPerN/)
        const arm = pen.command(20, { kind: "toggle_arm" })
        expect(arm.ok).toBe(false)
        expect(arm.message).not.toMatch(/pressure sensor not connected/)
    })
    test("H10 the factory calibration passes; a profile without a load cell passes", () => {
        expect(checkProfile(P)).toBe("")
        expect(checkLoadCell(P.force)).toBe("")
        const p: Profile = JSON.parse(JSON.stringify(P))
        delete p.force.loadCell
        expect(checkProfile(p)).toBe("")
    })
})
