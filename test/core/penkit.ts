// A bench for the control core, shared by test/core (both runners) and test/props (vitest).
// Written in the DeviceScript subset. A Rig owns a Pen and a tiny plant: it advances virtual
// time one step (5 ms: the firmware decides every control.tickMs, 10 ms, and on every force sample) at a time and builds PenInputs from a few knobs (force, stroke
// sensor, depth actuator, bindings). Tests assert only what the hardware or the operator sees:
// the outputs of tick(), status(), events and command results.

import { Pen, PenOptions } from "../../core/pen"
import { Profile } from "../../core/profile"
import { CommandResult, LedgerEntry, PenCommand, PenEvent, PenInputs, PenOutputs } from "../../core/types"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { breathe } from "../kit/breathe"

export const TICK_MS = 5
/** the accelerometer's samples arrive every 3 ticks (15 ms: jacdac-c polls the chip every ~15.4 ms) */
export const ACCEL_EVERY_TICKS = 3
/** ticks between two breathe() calls in run(): well under the VM's step budget */
const BREATHE_EVERY = 20

/** sin(x) for the test signals: DeviceScript has no Math.sin (fold to [-pi/2, pi/2], 9th-order Taylor: error below 4e-6) */
export function sin(x: number): number {
    const twoPi = 2 * Math.PI
    let r = x - twoPi * Math.floor(x / twoPi + 0.5)
    if (r > Math.PI / 2) r = Math.PI - r
    else if (r < -Math.PI / 2) r = -Math.PI - r
    const r2 = r * r
    return r * (1 - (r2 / 6) * (1 - (r2 / 20) * (1 - (r2 / 42) * (1 - r2 / 72))))
}

/** a private copy of the factory profile (devs.json), safe to edit in a test */
export function copyProfile(): Profile {
    return JSON.parse(JSON.stringify(FACTORY_PROFILE))
}

/**
 * a copy of the factory profile whose areas are 1 cm²: one pass of a 100 strokes/s area is 1,600
 * punctures, 134 strokes of the 12-needle cartridge, ~1.6 s of needling (the dose tests run in the
 * VM too, tick by tick)
 */
export function smallAreaProfile(): Profile {
    const p = copyProfile()
    for (const a of p.areas) a.areaCm2 = 1
    return p
}

/** the punctures `passes` passes of an area are, in profile p */
export function puncturesFor(p: Profile, areaId: string, passes: number): number {
    for (const a of p.areas) if (a.id === areaId) return Math.ceil(passes * a.areaCm2 * a.passDensityPerCm2)
    return 0
}

/** a stored ledger line that restores `passes` passes of dose on an area */
export function storedEntry(p: Profile, areaId: string, passes: number): LedgerEntry {
    const n = puncturesFor(p, areaId, passes)
    return { areaId: areaId, punctures: 0, reservedPunctures: n, passes: 0, treatedMs: 0, overPressureCount: 0 }
}

/** the ADC ratio that the profile's force curve maps to `n` newtons (inverse interpolation) */
export function ratioFor(p: Profile, n: number): number {
    const c = p.force.curve
    if (n <= c[0][1]) return c[0][0]
    for (let i = 1; i < c.length; i++) {
        if (n <= c[i][1]) {
            const a = c[i - 1]
            const b = c[i]
            if (b[1] === a[1]) return b[0]
            return a[0] + ((b[0] - a[0]) * (n - a[1])) / (b[1] - a[1])
        }
    }
    return c[c.length - 1][0]
}

export class Rig {
    pen: Pen
    p: Profile
    now = 0
    ticks = 0
    // ---- force sensor ----
    /** newtons of the next sample */
    forceN = 0
    /** >= 0: report this ADC ratio instead of the one the curve gives for forceN */
    ratio = -1
    /** a fresh force sample every tick; false: the sensor stops reporting */
    forceLive = true
    /** alternate the ADC ratio by 1e-4 (a live sensor never repeats exactly) */
    dither = true
    forceSampleMs = -1
    lastRatio = 0
    // ---- stroke sensor ----
    strokes = 0
    /** strokes the cam really made (strokes is what the sensor last reported) */
    strokesTrue = 0
    /** >= 0: the stroke sensor reports this rate whatever the drive (runaway, stall = 0) */
    strokeHz = -1
    /** the share of the cam's strokes the sensor counts (1: every one; below: counts lost) */
    strokeCountShare = 1
    strokeLive = true
    strokeSampleMs = -1
    // ---- depth actuator ----
    /** the actuator reaches its command one tick later; false: it stays at depthActualMm */
    depthFollows = true
    depthActualMm = NaN
    /** the depth the writer reports the actuator was told (PenInputs.depthSentMm); undefined: no writer, told when commanded */
    depthSentMm: number | undefined = undefined
    /** the feedback reports every tick; false: its stream stopped (the last reading stays, its time too) */
    depthLive = true
    depthSampleMs = -1
    // ---- bindings ----
    needleBound = true
    depthBound = true
    pressureBound = true
    strokeBound = true
    // ---- the writer and the store, as the drivers report them ----
    /** the motor takes every drive the core decides; false: it keeps `motorDuty` (a dead writer) */
    motorTakes = true
    motorDuty = 0
    storeError = ""
    /** the store holds less dose than delivered (drivers/persist.ts behind()) */
    storeBehind = false
    /** the cartridge the store holds (src/main.ts reports it); undefined: no store, as in the closed loop */
    cartridgeStoredId: string | undefined = undefined
    /** >= 0: the stroke sensor reports only every this many ticks (its report interval) */
    strokeReportTicks = 1
    forceConfigError = ""
    // ---- the optional accelerometer (role motion): unbound unless a test binds it ----
    motionBound = false
    /** a new sample every ACCEL_EVERY_TICKS ticks; false: the sensor stops reporting */
    accelLive = true
    /** the reading at rest (g, Jacdac convention: pen upright, needle down, reads z = -1) */
    accelRestG = [0, 0.5, -0.866]
    /** a glide's lateral wobble on x (g peak) at accelWobbleHz; 0: the pen is still */
    accelWobbleG = 0
    accelWobbleHz = 1
    /** a glide over the curved skin turns the pen: gravity's share on x moving this fast (g/s); 0: not turning */
    accelTurnGPerS = 0
    /** one LSB (0.244 mg at 8 g) of noise, alternating: a live chip never repeats exactly */
    accelDither = true
    /** >= 0: every axis reads this (a saturated chip at full scale) */
    accelAllG = -1
    accelSampleMs = -1
    accel = [0, 0, 0]
    /** the chip's rate as a board driver reads it back (drivers/lsm6ds.ts); undefined: not read */
    accelOdrHz: number | undefined = undefined
    // ---- what was seen ----
    out: PenOutputs = { needleDuty: 0, depthTargetMm: NaN, indicator: "off", passesUsed: 0, needleEnabled: false }
    events: PenEvent[] = []
    /** highest needleDuty since resetSeen() */
    dutyMax = 0
    /** times depthTargetMm changed since resetSeen() */
    depthMoves = 0
    /** ticks since resetSeen() where a force sample above overPressureN met a non-zero duty */
    dutyOverPressure = 0

    constructor(opts?: PenOptions, profile?: Profile) {
        // the factory profile itself, shared and never edited: a deep copy costs ~6 KB of the VM's
        // 64 KB heap per rig (the VM suite ran out of memory). A test that edits a profile makes
        // its own with copyProfile() and passes it in.
        this.p = profile ? profile : FACTORY_PROFILE
        this.pen = new Pen(this.p, opts)
        this.collect()
    }

    resetSeen() {
        this.dutyMax = 0
        this.depthMoves = 0
        this.dutyOverPressure = 0
    }

    inputs(): PenInputs {
        let r = this.lastRatio
        if (this.forceLive) {
            this.forceSampleMs = this.now
            r = this.ratio >= 0 ? this.ratio : ratioFor(this.p, this.forceN)
            if (this.dither && this.ratio < 0 && this.ticks % 2 === 1) r += 0.0001
            this.lastRatio = r
        }
        if (this.strokeLive) {
            if (this.strokeHz >= 0) this.strokesTrue += (this.strokeHz * TICK_MS) / 1000
            else this.strokesTrue += (this.out.needleDuty * this.p.needle.noLoadHzPerDuty * TICK_MS) / 1000
            // the sensor reports what it counted every strokeReportTicks ticks
            if (this.ticks % this.strokeReportTicks === 0) {
                this.strokes = this.strokesTrue * this.strokeCountShare
                this.strokeSampleMs = this.now
            }
        }
        if (this.depthFollows && this.out.depthTargetMm === this.out.depthTargetMm) this.depthActualMm = this.out.depthTargetMm
        if (this.depthLive) this.depthSampleMs = this.now
        if (this.accelLive && this.ticks % ACCEL_EVERY_TICKS === 0) {
            const a = this.accel
            const d = this.accelDither && this.ticks % (2 * ACCEL_EVERY_TICKS) === 0 ? 0.000244 : 0
            a[0] = this.accelRestG[0] + this.accelWobbleG * sin((2 * Math.PI * this.accelWobbleHz * this.now) / 1000) + (this.accelTurnGPerS * this.now) / 1000
            a[1] = this.accelRestG[1]
            a[2] = this.accelRestG[2] + d
            if (this.accelAllG >= 0) {
                a[0] = this.accelAllG
                a[1] = this.accelAllG
                a[2] = this.accelAllG
            }
            this.accelSampleMs = this.now
        }
        return {
            nowMs: this.now,
            forceN: this.forceN,
            forceRatio: r,
            forceSampleMs: this.forceSampleMs,
            strokes: this.strokes,
            strokeSampleMs: this.strokeSampleMs,
            depthActualMm: this.depthActualMm,
            depthSampleMs: this.depthSampleMs,
            needleBound: this.needleBound,
            depthBound: this.depthBound,
            pressureBound: this.pressureBound,
            strokeBound: this.strokeBound,
            needleSentDuty: this.motorTakes ? this.out.needleDuty : this.motorDuty,
            depthSentMm: this.depthSentMm,
            storeError: this.storeError,
            storeBehind: this.storeBehind,
            cartridgeStoredId: this.cartridgeStoredId,
            forceConfigError: this.forceConfigError,
            motionBound: this.motionBound,
            accelXG: this.accel[0],
            accelYG: this.accel[1],
            accelZG: this.accel[2],
            accelSampleMs: this.accelSampleMs,
            accelOdrHz: this.accelOdrHz,
        }
    }

    /** advance one control period and run one tick; returns what the drivers would write */
    tick(): PenOutputs {
        this.now += TICK_MS
        this.ticks++
        const before = this.out.depthTargetMm
        const inp = this.inputs()
        this.out = this.pen.tick(inp)
        if (this.out.needleDuty > this.dutyMax) this.dutyMax = this.out.needleDuty
        if (this.ticks > 1 && this.out.depthTargetMm !== before) this.depthMoves++
        if (this.forceLive && inp.forceN > this.p.force.overPressureN && this.out.needleDuty > 0) this.dutyOverPressure++
        this.collect()
        return this.out
    }

    /** tick for `ms` of virtual time */
    async run(ms: number): Promise<void> {
        const n = Math.round(ms / TICK_MS)
        for (let i = 0; i < n; i++) {
            if (i > 0 && i % BREATHE_EVERY === 0) await breathe()
            this.tick()
        }
        await breathe()
    }

    /** tick until the pen reaches `state` (at most maxMs); true if it did */
    async runUntilState(state: string, maxMs: number): Promise<boolean> {
        const n = Math.round(maxMs / TICK_MS)
        for (let i = 0; i < n; i++) {
            if (i > 0 && i % BREATHE_EVERY === 0) await breathe()
            this.tick()
            if (this.pen.status().state === state) return true
        }
        return false
    }

    cmd(c: PenCommand): CommandResult {
        const r = this.pen.command(this.now, c)
        this.collect()
        return r
    }

    state(): string {
        return this.pen.status().state
    }

    collect() {
        const e = this.pen.takeEvents()
        for (const x of e) this.events.push(x)
        // bounded, like the core's own queue
        while (this.events.length > 200) this.events.shift()
    }

    clearEvents() {
        this.events = []
    }

    /** messages of the events of this kind, oldest first */
    messages(kind: string): string[] {
        const out: string[] = []
        for (const e of this.events) if (e.kind === kind) out.push(e.message)
        return out
    }

    /** count of events of `kind` whose message contains `text` ("" matches all) */
    count(kind: string, text?: string): number {
        let n = 0
        for (const e of this.events) if (e.kind === kind && (text === undefined || e.message.indexOf(text) >= 0)) n++
        return n
    }

    /** all event messages of `kind` joined, for contains() checks with a readable failure */
    said(kind: string): string {
        return this.messages(kind).join(" | ")
    }

    passes(): number {
        return this.pen.status().passesUsed
    }

    /** the ledger line of an area */
    ledgerOf(areaId: string): LedgerEntry | undefined {
        for (const e of this.pen.ledgerEntries()) if (e.areaId === areaId) return e
        return undefined
    }
}

/** a rig that has seen every role bound for one tick, force at rest */
export async function boundRig(opts?: PenOptions, profile?: Profile): Promise<Rig> {
    const r = new Rig(opts, profile)
    await r.run(20)
    return r
}

/** a bound rig, armed (throws if arming is refused) */
export async function armedRig(opts?: PenOptions, profile?: Profile): Promise<Rig> {
    const r = await boundRig(opts, profile)
    const res = r.cmd({ kind: "toggle_arm" })
    if (!res.ok) throw new Error("arming refused: " + res.message)
    await r.run(10)
    return r
}

/** an armed rig in a pass at 1.5 N, driven (throws if not) */
export async function treatingRig(): Promise<Rig> {
    const r = await armedRig()
    await touchUntilTreating(r, 1.5)
    await r.run(200)
    if (!(r.out.needleDuty > 0)) throw new Error("treating: not driven")
    return r
}

/** the latched fault's code, "" for none */
export function faultCode(r: Rig): string {
    const f = r.pen.status().fault
    return f ? f.code : ""
}

/** press with `n` newtons until a pass runs (throws if it does not within 200 ms) */
export async function touchUntilTreating(r: Rig, n: number): Promise<void> {
    r.forceN = n
    const ok = await r.runUntilState("treating", 200)
    if (!ok) throw new Error("no pass started; state " + r.state() + ", hold: " + r.pen.status().holdReason)
}

/** lift the pen and wait out the release debounce, so the pass in progress ends */
export async function liftAndEnd(r: Rig): Promise<void> {
    r.forceN = 0
    await r.run(r.p.force.releaseDebounceMs + 20)
}

/** one whole needling: touch at 1.5 N, treat for `ms`, lift until it ends */
export async function onePass(r: Rig, ms: number): Promise<void> {
    await touchUntilTreating(r, 1.5)
    await r.run(ms)
    await liftAndEnd(r)
}
