// The settings store's save policy (drivers/persist.ts) against fake stores: saved means read
// back, failures retry and become storeError, every store packet leaves the needle stop its
// reserve, and a power loss after any write leaves each area its old or its new record.
import { describe, expect, test } from "vitest"
import { STOP_RESERVE_PACKETS } from "../../core/limits"
import { COST_MS, SendBudget } from "../../drivers/budget"
import { OP_DEPTH, passSync, Writer } from "../../drivers/writer"
import {
    FAILS_BEFORE_ERROR, KeyValueStore, LAZY_SAVE_MS, LedgerSaver, PASS_UNSTORED_MAX_MS, PersistClock,
    RETRY_MAX_MS, loadCalibration, loadCartridge, loadLedger, loadPresets, saveCalibration, saveCartridge, savePresets,
} from "../../drivers/persist"
import { Pen } from "../../core/pen"
import { Preset } from "../../core/profile"
import { decodeCalibrationRecord, decodeLedgerEntry, encodeCalibrationRecord, encodeCartridgeRecord, encodeLedgerEntry } from "../../core/records"
import { LedgerEntry, PenInputs, PenOutputs } from "../../core/types"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { armedRig, touchUntilTreating } from "../core/penkit"

const P = FACTORY_PROFILE
const IDS = P.areas.map((a) => a.id)

/** a settings store in memory; it can lose power after N writes, tear that write, lie or hang */
class FakeStore implements KeyValueStore {
    data = new Map<string, string>()
    writes = 0
    /** writes that still land; the next one (and every request after it) fails: power is gone */
    powerAfterWrites = Infinity
    /** the write at the power loss lands half-written */
    tearAtLoss = false
    /** the write at the power loss loses its key altogether (DeviceScript's jd_fstor, NOTES) */
    loseKeyAtLoss = false
    dead = false
    /** what a read returns instead of the stored value (a full store returns the default "") */
    lie: ((key: string, stored: string) => string) | undefined
    /** writes that throw before they land, then the store works again */
    throwNext = 0
    /** writes never return */
    hang = false
    readonly log: string[] = []

    constructor(from?: Map<string, string>) {
        if (from) this.data = new Map(from)
    }
    async read(key: string): Promise<string> {
        if (this.dead) throw new Error("power lost")
        const s = this.data.get(key) ?? ""
        return this.lie ? this.lie(key, s) : s
    }
    async write(key: string, value: string): Promise<void> {
        if (this.dead) throw new Error("power lost")
        if (this.hang) return new Promise<void>(() => {})
        if (this.throwNext > 0) {
            this.throwNext--
            throw new Error("flash write failed")
        }
        if (this.writes >= this.powerAfterWrites) {
            this.dead = true
            if (this.tearAtLoss) this.data.set(key, value.slice(0, Math.floor(value.length / 2)))
            if (this.loseKeyAtLoss) this.data.delete(key)
            throw new Error("power lost")
        }
        this.writes++
        this.log.push(`${key}=${value}`)
        this.data.set(key, value)
    }
}

class FakeClock implements PersistClock {
    now = 0
    nowMs() {
        return this.now
    }
    async sleep(ms: number) {
        this.now += ms
    }
}

/** a SendBudget that records every packet charged while the stop's reserve was not there */
class SpyBudget extends SendBudget {
    spent = 0
    withoutReserve: number[] = []
    /** another sender (the writer) takes one packet every `otherEvery` checks */
    otherEvery = 0
    private checks = 0
    override allows(nowMs: number, n: number, reserve: number): boolean {
        if (this.otherEvery > 0 && ++this.checks % this.otherEvery === 0 && super.allows(nowMs, 1, 0)) super.spend(nowMs)
        return super.allows(nowMs, n, reserve)
    }
    override spend(nowMs: number) {
        if (!super.allows(nowMs, 1, STOP_RESERVE_PACKETS)) this.withoutReserve.push(nowMs)
        this.spent++
        super.spend(nowMs)
    }
}

/** the punctures one pass of area i is (whole numbers for every area of devs.json) */
const perPass = (i: number) => P.areas[i].areaCm2 * P.areas[i].passDensityPerCm2

/**
 * ledger entries as a restored ledger has them: `passes[i]` passes of dose reserved on area i (the
 * store's count), delivered up to that reservation (a restored ledger starts from it)
 */
function entries(passes: number[], treatedS = 0, over = 0): LedgerEntry[] {
    return IDS.map((id, i) => {
        const n = passes[i] ?? 0
        const p = n * perPass(i)
        return { areaId: id, punctures: p, reservedPunctures: p, passes: n, treatedMs: n * treatedS * 1000, overPressureCount: over }
    })
}

/** a saver as the firmware makes one at boot: nothing stored, or `old` stored */
function saverOn(store: KeyValueStore, clock: PersistClock, budget = new SendBudget(), old?: LedgerEntry[], version = 0) {
    return new LedgerSaver(store, budget, clock, old ? old.map(encodeLedgerEntry) : IDS.map(() => ""), old ?? entries([]), version)
}

/** a saver whose store holds one pass of dose on the first area, its reservation `ahead` punctures further (both copies) */
async function savedAhead(ahead = 400) {
    const store = new FakeStore()
    const clock = new FakeClock()
    const s = saverOn(store, clock)
    const e = entries([1])
    e[0].reservedPunctures += ahead
    await s.save(e, 1)
    return { store, clock, s, e }
}

/** saves until nothing is due (what the firmware's 100 ms loop does), at most `ms` of clock */
async function settle(s: LedgerSaver, e: LedgerEntry[], version: number, clock: FakeClock, ms = LAZY_SAVE_MS + 1000) {
    const end = clock.now + ms
    while (clock.now < end) {
        await s.save(e, version)
        clock.now += 100
    }
}

describe("ledger: saved means read back (issue 11 item 3)", () => {
    test("H3 a new dose reservation is written at once to both copies and read back", async () => {
        const store = new FakeStore()
        const clock = new FakeClock()
        const s = saverOn(store, clock)
        await s.save(entries([1]), 1)
        expect(store.data.get("lg0")).toBe(encodeLedgerEntry(entries([1])[0]))
        expect(store.data.get("lg0b"), "the second copy").toBe(encodeLedgerEntry(entries([1])[0]))
        expect(store.log.length).toBe(2)
        expect(s.error(clock.now, entries([1]))).toBe("")
    })

    test("H3 a reservation brought back to the dose (the pen disarmed off the skin) is written at once to both copies: a power cycle soon after restores the dose, not the step", async () => {
        const { store, clock, s } = await savedAhead()
        expect(store.log.length).toBe(2)
        clock.now += 1000
        const dose = entries([1])
        await s.save(dose, 2)
        expect(store.log.length, "not left for LAZY_SAVE_MS").toBe(4)
        expect(store.data.get("lg0")).toBe(encodeLedgerEntry(dose[0]))
        expect(store.data.get("lg0b"), "the second copy").toBe(encodeLedgerEntry(dose[0]))
        expect(s.error(clock.now, dose)).toBe("")
        const boot = await loadLedger(store, IDS, new SendBudget(), clock)
        expect(boot.entries[0].reservedPunctures).toBe(perPass(0))
    })

    test("H3 a lower reservation counts from its first copy: while the second copy's write hangs, arming again holds the needle, and a boot from the first copy restores the dose", async () => {
        const { store, clock, s } = await savedAhead()
        // disarmed off the skin: the reservation comes back to the dose; its second copy never lands
        const e = entries([1])
        const write = store.write.bind(store)
        store.write = (key: string, value: string) => (key === "lg0b" ? new Promise<void>(() => {}) : write(key, value))
        void s.save(e, 2)
        await new Promise((r) => setTimeout(r, 10))
        expect(store.data.get("lg0"), "the first copy holds the dose").toBe(encodeLedgerEntry(e[0]))
        // armed again: a new reservation, not stored; the store may hold only the dose
        e[0].reservedPunctures += 400
        expect(s.behind(e), "no room under what the store may hold: the needle waits").toBe(true)
        e[0].punctures += 1
        expect(s.behind(e), "a stroke past it").toBe(true)
        const boot = await loadLedger(store, IDS, new SendBudget(), clock)
        expect(boot.entries[0].reservedPunctures).toBe(perPass(0))
    })

    test("H3 a new reservation over a store that holds only the dose (settled, or nothing yet) holds the needle until it is written; an area with nothing reserved holds nothing", async () => {
        const store = new FakeStore()
        const clock = new FakeClock()
        const s = saverOn(store, clock)
        const e = entries([1, 0])
        await s.save(e, 1)
        expect(s.behind(e), "settled: the store holds the dose, nothing new waits").toBe(false)
        // armed on the first area: a reservation a step ahead, not stored yet
        e[0].reservedPunctures += 400
        expect(s.behind(e), "the first stroke would pass the store: wait").toBe(true)
        await s.save(e, 2)
        expect(s.behind(e), "stored: the needle may run").toBe(false)
        // nothing stored yet for the second area: its first reservation waits for the store too
        e[1].reservedPunctures = 400
        expect(s.behind(e)).toBe(true)
        await s.save(e, 3)
        expect(s.behind(e)).toBe(false)
    })

    test("H3 a raise counts only once read back: while its write hangs, the dose past the old reservation holds the needle; a raise with the dose still under the stored one holds nothing (no pause mid-needling)", async () => {
        const { store, s, e } = await savedAhead()
        // the dose comes within half a step: the reservation moves on, its write hangs
        e[0].punctures += 300
        e[0].reservedPunctures += 400
        expect(s.behind(e), "under the stored reservation, a new one on its way: the needle runs on").toBe(false)
        store.hang = true
        void s.save(e, 2)
        await new Promise((r) => setTimeout(r, 10))
        expect(s.behind(e), "the write hangs, the dose still under what is stored").toBe(false)
        e[0].punctures += 101
        expect(s.behind(e), "the dose past what is read back: wait").toBe(true)
    })

    test("H3 a console polling as fast as the budget lets it cannot keep a new reservation from being stored: the store says it waits (storeWaiting), the console's replies wait behind it", async () => {
        const budget = new SendBudget()
        let replies = 0
        // the console server's rule (drivers/budget.ts replyMayGo): a reply goes out while the
        // stop's reserve stays and no store request waits; checked every 1 ms, and at the ms a
        // sleep ends before the sleeper (the worst phase for the store: it polls every 20 ms)
        const clock: PersistClock & { now: number } = {
            now: 1000,
            nowMs: () => clock.now,
            sleep: async (ms: number) => {
                if (clock.now > 10000) throw new Error(`the store request still waits for budget after ${clock.now - 1500} ms`)
                const end = clock.now + ms
                for (; clock.now <= end; clock.now++) {
                    if (budget.replyMayGo(clock.now, STOP_RESERVE_PACKETS, 0)) {
                        budget.spend(clock.now)
                        replies++
                    }
                }
                clock.now = end
            },
        }
        await clock.sleep(500)
        expect(replies, "the console got replies before the save").toBeGreaterThan(10)
        const store = new FakeStore()
        const s = saverOn(store, clock, budget)
        const t0 = clock.now
        await s.save(entries([1]), 1)
        expect(store.log.length, "both copies written").toBe(2)
        expect(s.behind(entries([1])), "stored and read back").toBe(false)
        // four packets (two writes, two read-backs) at one per 20 ms, with the reserve kept
        expect(clock.now - t0, "ms the save took").toBeLessThanOrEqual(200)
        await clock.sleep(500)
        expect(budget.storeWaiting, "the console is served again after the save").toBe(0)
        expect(replies, "the console got replies after the save").toBeGreaterThan(20)
    })

    test("H3 behind(): the dose passing what the store holds is said at once (the core holds the needle), and clears when the new reservation is read back", async () => {
        const store = new FakeStore()
        const clock = new FakeClock()
        const s = saverOn(store, clock)
        const e = entries([1])
        await s.save(e, 1)
        expect(s.behind(e), "stored").toBe(false)
        // the dose moves past the stored reservation, the new one not yet saved
        const more = entries([1])
        more[0].punctures = e[0].reservedPunctures + 1
        expect(s.behind(more), "delivered beyond the store").toBe(true)
        more[0].reservedPunctures = more[0].punctures + 100
        expect(s.behind(more), "a reservation in RAM is not stored").toBe(true)
        await s.save(more, 2)
        expect(s.behind(more), "read back: the needle may run").toBe(false)
    })

    test("H3 a store that reads back something else: retried with a bounded backoff, then storeError", async () => {
        const store = new FakeStore()
        store.lie = () => "" // a full store: the write is accepted, the read returns the default
        const clock = new FakeClock()
        const s = saverOn(store, clock)
        const attempts: number[] = []
        let lastWrites = 0
        let errorAtMs = -1
        for (let t = 0; t < 20000; t += 100) {
            clock.now = t
            await s.save(entries([1]), 1)
            if (store.writes !== lastWrites) attempts.push(t)
            lastWrites = store.writes
            if (errorAtMs < 0 && s.error(clock.now, entries([1])) !== "") errorAtMs = t
        }
        expect(errorAtMs).toBeGreaterThanOrEqual(0)
        // the error says what failed; it comes after FAILS_BEFORE_ERROR tries, before the pass bound
        expect(s.error(clock.now, entries([1]))).toMatch(/lg0 read back nothing/)
        expect(attempts.length).toBeGreaterThan(FAILS_BEFORE_ERROR)
        expect(errorAtMs).toBeLessThanOrEqual(PASS_UNSTORED_MAX_MS)
        const gaps = attempts.slice(1).map((t, i) => t - attempts[i])
        for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1])
        expect(Math.max(...gaps)).toBeLessThanOrEqual(RETRY_MAX_MS + 100)
    })

    test("H3 one failed write is retried and clears without an error", async () => {
        const store = new FakeStore()
        store.throwNext = 1
        const clock = new FakeClock()
        const s = saverOn(store, clock)
        await settle(s, entries([1]), 1, clock, 1000)
        expect(store.data.get("lg0")).toBe(encodeLedgerEntry(entries([1])[0]))
        expect(s.error(clock.now, entries([1]))).toBe("")
    })

    test("H3 a store that never answers: storeError once a new reservation is PASS_UNSTORED_MAX_MS old", async () => {
        const store = new FakeStore()
        store.hang = true
        const clock = new FakeClock()
        const s = saverOn(store, clock)
        void s.save(entries([1]), 1)
        clock.now = PASS_UNSTORED_MAX_MS
        expect(s.error(clock.now, entries([1]))).toBe("")
        clock.now = PASS_UNSTORED_MAX_MS + 100
        expect(s.error(clock.now, entries([1]))).toMatch(/a new dose reservation not stored for 3 s/)
    })

    test("H3 a new reservation shows even when save() is never called again (the saving fiber hangs or died)", async () => {
        const s = saverOn(new FakeStore(), new FakeClock())
        expect(s.error(1000, entries([0, 1]))).toBe("")
        expect(s.error(1000 + PASS_UNSTORED_MAX_MS + 1, entries([0, 1]))).toMatch(/a new dose reservation not stored/)
    })

    test("H3 the core stops the needle on a ledger that is not stored (store_failed), and not on one that is", async () => {
        for (const broken of [false, true]) {
            const r = await armedRig()
            const store = new FakeStore()
            if (broken) store.throwNext = 1e9
            const clock = { nowMs: () => r.now, sleep: async (ms: number) => r.run(ms) }
            // as at boot: nothing stored yet (the rig armed, which reserved the first step)
            const s = saverOn(store, clock, new SendBudget(), undefined, -1)
            await touchUntilTreating(r, 1.5)
            const startMs = r.now
            let stoppedMs = -1
            /** the least the store held beyond the dose delivered, after each 100 ms of treatment */
            let leastAheadPunctures = Infinity
            while (r.now - startMs < PASS_UNSTORED_MAX_MS + 1000) {
                await s.save(r.pen.ledgerEntries(), r.pen.ledgerVersion())
                r.storeError = s.error(r.now, r.pen.ledgerEntries())
                await r.run(100)
                if (stoppedMs < 0 && r.out.needleDuty === 0) stoppedMs = r.now
                const rec = decodeLedgerEntry(IDS[0], store.data.get("lg0") ?? "").entry
                const ahead = (rec ? rec.reservedPunctures : 0) - r.pen.ledgerEntries()[0].punctures
                if (ahead < leastAheadPunctures) leastAheadPunctures = ahead
            }
            if (!broken) {
                expect(r.state()).toBe("treating")
                // a power cycle at any of those moments restores at least the dose delivered
                expect(r.pen.ledgerEntries()[0].passes).toBeGreaterThan(0.3)
                expect(leastAheadPunctures).toBeGreaterThanOrEqual(0)
            } else {
                expect(r.pen.status().fault?.code).toBe("store_failed")
                expect(stoppedMs - startMs).toBeLessThanOrEqual(PASS_UNSTORED_MAX_MS + 200)
            }
        }
    })

    test("treated time and too-hard presses are written lazily, at most every LAZY_SAVE_MS", async () => {
        const store = new FakeStore()
        const clock = new FakeClock()
        const s = saverOn(store, clock)
        await s.save(entries([1]), 1)
        const e = entries([1])
        e[0].overPressureCount = 1
        await s.save(e, 2)
        expect(store.log.length).toBe(2)
        await settle(s, e, 2, clock)
        // a change that grants nothing goes to the first copy only
        expect(store.log.length).toBe(3)
        expect(store.data.get("lg0b"), "the second copy keeps the reservation").toBe(encodeLedgerEntry(entries([1])[0]))
        expect(store.data.get("lg0")).toBe(encodeLedgerEntry(e[0]))
    })
})

describe("every store packet leaves the stop its reserve (issue 11 item 4)", () => {
    test("H2 a new session that rewrites every area's record leaves the stop its reserve at every packet", async () => {
        const store = new FakeStore()
        const clock = new FakeClock()
        const budget = new SpyBudget()
        const full = entries([3, 3, 3, 3, 3, 3, 3], 20, 1)
        const s = saverOn(store, clock, budget, full)
        budget.otherEvery = 3
        await settle(s, entries([]), 1, clock)
        expect(store.log.length).toBe(2 * IDS.length)
        expect(budget.spent).toBe(4 * IDS.length)
        expect(budget.withoutReserve).toEqual([])
    })

    test("H2 saving and loading presets, and loading the ledger at boot, leave the stop its reserve at every packet", async () => {
        const store = new FakeStore()
        const clock = new FakeClock()
        const budget = new SpyBudget()
        budget.otherEvery = 2
        const presets: Preset[] = P.areas.map((a) => ({ ...a.preset, strokeHz: a.preset.strokeHz - 10 }))
        const records = IDS.map(() => "")
        expect(await savePresets(store, IDS, presets, records, budget, clock)).toBe("")
        const loaded = await loadPresets(store, IDS, budget, clock)
        expect(loaded.presets).toEqual(presets)
        await loadLedger(store, IDS, budget, clock)
        // presets: two copies written and read back; loaded from the first; no ledger: both copies looked at
        expect(budget.spent).toBe(4 * IDS.length + IDS.length + 2 * IDS.length)
        expect(budget.withoutReserve).toEqual([])
    })
})

describe("the store waits behind the writer", () => {
    test("H17 the boot's settings reads wait while a write of the writer waits for budget: the self-test's depth step (two packets) goes out at once, not after the reads", async () => {
        // the writer as its fiber runs it, on the clock the reads sleep on: a decision every 5 ms
        const now = { ms: 1000 }
        const budget = new SendBudget()
        const inputs: PenInputs = {
            nowMs: 0, forceN: 0, forceRatio: 0, forceSampleMs: -1, strokes: 0, strokeSampleMs: -1, depthActualMm: NaN,
            needleBound: true, depthBound: true, pressureBound: true, strokeBound: true, needleSentDuty: -1,
        }
        const want: PenOutputs = { needleDuty: 0, depthTargetMm: NaN, indicator: "testing", passesUsed: 0, needleEnabled: true }
        const sent: { ms: number; op: number }[] = []
        const port = { lightBound: () => true, sensorCount: () => 5, sensorBound: () => true, log: () => {} }
        const w = new Writer(P, port, budget, inputs, want, () => now.ms)
        let wakeAt = now.ms
        const clock: PersistClock = {
            nowMs: () => now.ms,
            sleep: async (ms: number) => {
                for (const end = now.ms + ms; now.ms < end; now.ms++) {
                    if (now.ms % 5 === 0) w.decided(now.ms)
                    if (now.ms >= wakeAt) {
                        passSync(w, (op) => sent.push({ ms: now.ms, op }))
                        wakeAt = now.ms + w.idleMs()
                    }
                }
            },
        }
        // the writer has sent what was due before the test's depth step is decided
        await clock.sleep(200)
        want.depthTargetMm = 0.4
        const t0 = now.ms
        const store = new FakeStore()
        const reads: number[] = []
        const read = store.read.bind(store)
        store.read = (key: string) => {
            reads.push(now.ms)
            return read(key)
        }
        await loadLedger(store, IDS, budget, clock)
        const angle = sent.find((s) => s.op === OP_DEPTH && s.ms >= t0)
        expect(angle, "the depth write went out").toBeDefined()
        expect(angle!.ms - t0, "the depth write waited (ms)").toBeLessThanOrEqual(3 * COST_MS)
        expect(reads.length).toBe(2 * IDS.length)
    })

})

// ---- power loss at every write point ------------------------------------------------------

/** boots a pen on what the store holds, as the firmware does */
async function boot(data: Map<string, string>) {
    const store = new FakeStore(data)
    const clock = new FakeClock()
    const ledger = await loadLedger(store, IDS, new SendBudget(), clock)
    const presets = await loadPresets(store, IDS, new SendBudget(), clock)
    const pen = new Pen(P, { ledger: ledger.entries, settingsError: ledger.error, presets: presets.presets, presetErrors: presets.errors })
    return { ledger, presets, pen }
}

describe("power loss at every write point of a settings save (issue 11)", () => {
    // old: the ledger and presets stored; new: several areas changed at once (a new pass, a new
    // session's clear, a too-hard press; presets deeper on one area, shallower on another)
    const oldLedger = entries([2, 1, 0, 3, 0, 1, 0], 30)
    const newLedger = entries([0, 0, 1, 0, 0, 2, 1], 12)
    newLedger[4].overPressureCount = 1
    const oldPresets: Preset[] = P.areas.map((a) => ({ ...a.preset }))
    const newPresets: Preset[] = P.areas.map((a, i) =>
        i === 5 ? { ...a.preset, depthMm: Math.min(a.depthCapMm, a.preset.depthMm + 0.5) } : i === 1 ? { ...a.preset, depthMm: a.preset.depthMm / 2, passLimit: 1 } : i === 3 ? { ...a.preset, strokeHz: a.preset.strokeHz - 10 } : { ...a.preset })
    const write = async (store: FakeStore, what: "ledger" | "presets") => {
        const clock = new FakeClock()
        if (what === "ledger") {
            await settle(saverOn(store, clock, new SendBudget(), oldLedger), newLedger, 1, clock, 1000)
        } else await savePresets(store, IDS, newPresets, IDS.map((id, i) => (store.data.get(`ps${i}`) ?? "")), new SendBudget(), clock)
    }
    const stored = async () => {
        const store = new FakeStore()
        await saverOn(store, new FakeClock()).save(oldLedger, 1)
        await savePresets(store, IDS, oldPresets, IDS.map(() => ""), new SendBudget(), new FakeClock())
        store.writes = 0
        store.log.length = 0
        return store
    }

    const lossAtEachWrite = async (what: "ledger" | "presets") => {
        const all = await stored()
        await write(all, what)
        const points = all.writes
        expect(points).toBeGreaterThanOrEqual(3)
        for (let n = 0; n <= points; n++) {
            const store = await stored()
            store.powerAfterWrites = n
            await write(store, what)
            const b = await boot(store.data)
            expect(b.ledger.error, `loss after ${n}`).toBe("")
            expect(b.pen.status().fault, `loss after ${n}`).toBeUndefined()
            const info = b.pen.presets.info()
            for (let i = 0; i < IDS.length; i++) {
                const got = b.pen.ledgerEntries()[i]
                if (what === "ledger") expect([oldLedger[i], newLedger[i]], `loss after ${n}, ${IDS[i]}`).toContainEqual(got)
                else {
                    expect(got).toEqual(oldLedger[i])
                    expect([oldPresets[i], newPresets[i]], `loss after ${n}, ${IDS[i]}`).toContainEqual(info[i].saved)
                    expect(info[i].working.depthMm).toBeLessThanOrEqual(Math.max(oldPresets[i].depthMm, newPresets[i].depthMm))
                }
            }
        }
    }

    const lossTornOrLost = async (what: "ledger" | "presets", how: "torn" | "lost") => {
        const all = await stored()
        await write(all, what)
        for (let n = 0; n < all.writes; n++) {
            const store = await stored()
            store.powerAfterWrites = n
            if (how === "torn") store.tearAtLoss = true
            else store.loseKeyAtLoss = true
            await write(store, what)
            const b = await boot(store.data)
            // a torn first record of an area that had none: nothing says what was there, so
            // the ledger is refused (settings_invalid: no treatment until a new session)
            if (b.ledger.error !== "") {
                expect(how, `loss after ${n}: ${b.ledger.error}`).toBe("torn")
                expect(b.pen.status().fault?.code).toBe("settings_invalid")
                continue
            }
            expect(b.pen.status().fault, `loss after ${n}`).toBeUndefined()
            const info = b.pen.presets.info()
            for (let i = 0; i < IDS.length; i++) {
                const got = b.pen.ledgerEntries()[i]
                if (what === "ledger") expect([oldLedger[i], newLedger[i]], `loss after ${n}, ${IDS[i]}`).toContainEqual(got)
                else {
                    expect(info[i].source, `loss after ${n}, ${IDS[i]}`).not.toBe("fallback")
                    expect([oldPresets[i], newPresets[i]], `loss after ${n}, ${IDS[i]}`).toContainEqual(info[i].saved)
                }
            }
        }
    }

    const bothCopiesBad = async (what: "ledger" | "presets") => {
        const store = await stored()
        for (let i = 0; i < IDS.length; i++)
            for (const k of [`${what === "ledger" ? "lg" : "ps"}${i}`, `${what === "ledger" ? "lg" : "ps"}${i}b`])
                if (store.data.has(k)) store.data.set(k, store.data.get(k)!.slice(0, 5))
        const b = await boot(store.data)
        if (what === "ledger") {
            expect(b.ledger.error).toMatch(/malformed|checksum/)
            expect(b.pen.status().fault?.code).toBe("settings_invalid")
        } else {
            const info = b.pen.presets.info()
            expect(info.every((x) => x.source === "fallback")).toBe(true)
            for (const x of info) expect(x.working.depthMm).toBeLessThanOrEqual(x.depthCapMm)
        }
    }

    test("H3 H10 ledger: after a loss at each write, every area boots with its old or its new record", () => lossAtEachWrite("ledger"))
    test("H3 H10 presets: after a loss at each write, every area boots with its old or its new record", () => lossAtEachWrite("presets"))
    test("H3 H10 ledger: a write whose key the loss erases leaves the other copy: old or new, never fewer passes", () => lossTornOrLost("ledger", "lost"))
    test("H3 H10 ledger: a write torn by the loss leaves the other copy: old or new (or refused), never fewer passes", () => lossTornOrLost("ledger", "torn"))
    test("H3 H10 presets: a write whose key the loss erases leaves the other copy: old or new, never a deeper preset", () => lossTornOrLost("presets", "lost"))
    test("H3 H10 presets: a write torn by the loss leaves the other copy: old or new, never a deeper preset", () => lossTornOrLost("presets", "torn"))
    test("H10 ledger: both copies bad is refused at boot, never read as fewer passes", () => bothCopiesBad("ledger"))
    test("H10 presets: both copies bad falls back to the factory presets and says so", () => bothCopiesBad("presets"))
})

describe("the cartridge fitted (issue 13)", () => {
    test("H10 stored in both copies, each read back, and restored at boot into the pen", async () => {
        const store = new FakeStore()
        const budget = new SpyBudget()
        budget.otherEvery = 2
        const clock = new FakeClock()
        expect(await loadCartridge(store, budget, clock)).toEqual({ cartridgeId: "", error: "", record: "" })
        const r = await saveCartridge(store, "n24", "", budget, clock)
        expect(r).toEqual([encodeCartridgeRecord("n24"), ""])
        expect([store.data.get("ct0"), store.data.get("ct0b")]).toEqual([r[0], r[0]])
        // unchanged: nothing written
        const writes = store.writes
        expect(await saveCartridge(store, "n24", r[0], budget, clock)).toEqual([r[0], ""])
        expect(store.writes).toBe(writes)
        expect(budget.withoutReserve).toEqual([])
        const back = await loadCartridge(store, budget, clock)
        expect(back).toEqual({ cartridgeId: "n24", error: "", record: r[0] })
        const pen = new Pen(P, { cartridgeId: back.cartridgeId })
        expect(pen.status()).toMatchObject({ cartridgeId: "n24", needles: 24 })
    })

    test("H10 a store that reads back something else: not stored, and says so", async () => {
        const store = new FakeStore()
        store.lie = () => ""
        const r = await saveCartridge(store, "n36", "", new SendBudget(), new FakeClock())
        expect(r[1]).toBe("cartridge record not stored: ct0 read back nothing")
    })

    test("H14 H10 a save that fails on the second copy: choosing the old cartridge again writes both copies, so a boot restores what the pen counts with", async () => {
        const store = new FakeStore()
        const first = await saveCartridge(store, "n36", "", new SendBudget(), new FakeClock())
        expect(first[1]).toBe("")
        // n12 lands in the first copy; the second copy's write fails
        store.lie = (key, stored) => (key === "ct0b" ? encodeCartridgeRecord("n36") : stored)
        const failed = await saveCartridge(store, "n12", first[0], new SendBudget(), new FakeClock())
        expect(failed[1]).toMatch(/^cartridge record not stored: ct0b read back another record/)
        store.lie = undefined
        store.data.set("ct0b", encodeCartridgeRecord("n36"))
        // the operator selects n36 again: both copies are written, not skipped as "already stored"
        const again = await saveCartridge(store, "n36", failed[0], new SendBudget(), new FakeClock())
        expect(again).toEqual([encodeCartridgeRecord("n36"), ""])
        expect((await loadCartridge(store, new SendBudget(), new FakeClock())).cartridgeId).toBe("n36")
    })

    test("H10 a bad first copy: the second is used; both bad: the error, and the pen counts with the profile's cartridge", async () => {
        const store = new FakeStore()
        await saveCartridge(store, "n36", "", new SendBudget(), new FakeClock())
        store.data.set("ct0", store.data.get("ct0")!.replace("n36", "n37"))
        expect((await loadCartridge(store, new SendBudget(), new FakeClock())).cartridgeId).toBe("n36")
        store.data.set("ct0b", store.data.get("ct0b")!.slice(0, 4))
        const bad = await loadCartridge(store, new SendBudget(), new FakeClock())
        expect(bad.cartridgeId).toBe("")
        expect(bad.error).toBe("cartridge record fails its checksum")
        const pen = new Pen(P, { cartridgeId: bad.cartridgeId !== "" ? bad.cartridgeId : undefined })
        expect(pen.status()).toMatchObject({ cartridgeId: P.dose.cartridge, state: "idle" })
        expect(pen.status().fault).toBeUndefined()
    })
})

describe("the pen's own calibration (issue 14 part 3)", () => {
    const B = 604231
    const REC = encodeCalibrationRecord([833333, -20, 150000, 180000, 217000], B)

    test("H10 H18 calibration: stored in both copies, each read back, within the stop's reserve; restored at boot; cleared to none", async () => {
        const store = new FakeStore()
        const budget = new SpyBudget()
        budget.otherEvery = 2
        const clock = new FakeClock()
        expect(await loadCalibration(store, B, budget, clock)).toBe("")
        expect(await saveCalibration(store, REC, budget, clock)).toBe("")
        expect([store.data.get("cb0"), store.data.get("cb0b")]).toEqual([REC, REC])
        expect(budget.withoutReserve).toEqual([])
        expect(await loadCalibration(store, B, budget, clock)).toBe(REC)
        expect(decodeCalibrationRecord(REC, B).values.map(Number)).toEqual([833333, -20, 150000, 180000, 217000, B])
        // clear: both copies empty, none at boot
        expect(await saveCalibration(store, "", budget, clock)).toBe("")
        expect([store.data.get("cb0"), store.data.get("cb0b")]).toEqual(["", ""])
        expect(await loadCalibration(store, B, budget, clock)).toBe("")
    })

    test("H10 a store that reads back something else: not stored, and says which copy", async () => {
        const store = new FakeStore()
        store.lie = () => ""
        expect(await saveCalibration(store, REC, new SendBudget(), new FakeClock())).toBe("cb0 read back nothing")
        const thrown = new FakeStore()
        thrown.throwNext = 1
        expect(await saveCalibration(thrown, REC, new SendBudget(), new FakeClock())).toBe("cb0: flash write failed")
    })

    test("H18 a record measured against another force conversion is not used: none comes back good, the firmware refuses it and says", async () => {
        const store = new FakeStore()
        await saveCalibration(store, REC, new SendBudget(), new FakeClock())
        const back = await loadCalibration(store, B + 1, new SendBudget(), new FakeClock())
        expect(back).toBe(REC)
        expect(decodeCalibrationRecord(back, B + 1).error).toBe(
            "calibration record was measured against another force curve: run bringup, or calibration clear"
        )
    })

    test("H18 copies for two conversions (a store ended between them): the copy for the firmware's own conversion is the one used", async () => {
        const store = new FakeStore()
        const other = encodeCalibrationRecord([900000, 0, 150000, 180000, 217000], B + 1)
        await saveCalibration(store, REC, new SendBudget(), new FakeClock())
        store.data.set("cb0", other)
        expect(await loadCalibration(store, B, new SendBudget(), new FakeClock())).toBe(REC)
        expect(await loadCalibration(store, B + 1, new SendBudget(), new FakeClock())).toBe(other)
    })

    test("H10 a bad first copy: the second is used; both bad: the bad record comes back, for the firmware to refuse and say", async () => {
        const store = new FakeStore()
        await saveCalibration(store, REC, new SendBudget(), new FakeClock())
        store.data.set("cb0", REC.replace("833333", "933333"))
        expect(await loadCalibration(store, B, new SendBudget(), new FakeClock())).toBe(REC)
        store.data.set("cb0b", REC.slice(0, 10))
        const bad = await loadCalibration(store, B, new SendBudget(), new FakeClock())
        expect(decodeCalibrationRecord(bad, B).error).toBe("calibration record fails its checksum")
    })

    test("H10 H18 calibration: a loss at each write leaves the old or the new record, never a mix", async () => {
        const OLD = encodeCalibrationRecord([1000000, 0, 150000, 180000, 217000], B)
        for (let n = 0; n < 2; n++)
            for (const how of ["torn", "lost", "clean"]) {
                const store = new FakeStore()
                await saveCalibration(store, OLD, new SendBudget(), new FakeClock())
                store.powerAfterWrites = store.writes + n
                store.tearAtLoss = how === "torn"
                store.loseKeyAtLoss = how === "lost"
                await saveCalibration(store, REC, new SendBudget(), new FakeClock())
                const after = new FakeStore(store.data)
                const back = await loadCalibration(after, B, new SendBudget(), new FakeClock())
                expect([OLD, REC], `loss after ${n} writes (${how})`).toContain(back)
            }
    })
})
