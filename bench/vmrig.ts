// The firmware in the VM against the simulated pen (sim/rig.ts), with what the benchmarks need on
// top, all observed from outside the firmware:
//   - wall times of the Jacdac frames on the simulated bus that matter: force reports going to the
//     VM, needle speed and depth angle writes coming from it (a listener on the bus's FRAME_SEND,
//     which fires synchronously when the hub hands a frame on or a simulated server sends one)
//   - wall times of the firmware's EVENT and HEAPPROBE lines
//   - launch -> first STATUS line
//   - optionally the heap probe (bench/vm-heap-probe.cjs) preloaded into the VM process
//   - optionally the host console (console/) attached to the same hub
// start() stops everything it started if it fails; stop() closes the console and kills the VM.
import { parseEventLine } from "../core/events"
import type { EventData } from "../core/types"
import { FRAME_SEND } from "jacdac-ts"
import type { PenLink } from "../console/link"
import { connectLoopback } from "../console/transports"
import { resolve } from "node:path"
import type { Profile } from "../core/profile"
import type { HandSegment } from "../sim/plant/hand"
import { DEVICE_IDS } from "../sim/devices"
import { Rig } from "../sim/rig"
import { ROOT } from "../sim/vm"

/** Jacdac command codes: get/set register N is 0x1000|N / 0x2000|N */
const CMD_GET_READING = 0x1101 // sensors' reading (0x101)
const CMD_SET_VALUE = 0x2002 // motor speed (i1.15), servo angle (i16.16): register 0x2
const PROBE = resolve(ROOT, "bench/vm-heap-probe.cjs")

export interface Stamped<T> {
    tMs: number
    v: T
}

export interface HeapSample {
    tMs: number
    kind: "walk" | "live"
    used: number
    free: number
    size: number
    objs: number
    maxFree: number
    /** the firmware's state when a live sample was taken */
    state?: string
}

export interface BenchRigOptions {
    /** preload the heap probe; walk the heap every this many ms (0: only on demand) */
    heapProbe?: { everyMs: number }
    /** every line the VM prints, after the rig's own reading of it */
    onLine?: (line: string) => void
}

function hex(b: Uint8Array): string {
    let s = ""
    for (const x of b) s += x.toString(16).padStart(2, "0")
    return s
}

export class BenchRig {
    readonly rig: Rig
    /** force reading frames sent to the VM (ratio, u0.16) */
    readonly forceFrames: Stamped<number>[] = []
    /** needle speed writes from the VM (duty) */
    readonly needleFrames: Stamped<number>[] = []
    /** depth angle writes from the VM (degrees) */
    readonly depthFrames: Stamped<number>[] = []
    /** EVENT lines (without "EVENT ") */
    /** the firmware's EVENT lines, read back by core/events.ts */
    readonly events: Stamped<EventData>[] = []
    readonly heap: HeapSample[] = []
    /** when the firmware started (its self-test's first line): more than one is a restart of the program */
    readonly starts: number[] = []
    /** STATUS lines as parsed fields, with arrival times */
    readonly statuses: Stamped<Record<string, string>>[] = []
    /** the host console (issue 5) on the rig's hub, while attached */
    link: PenLink | undefined
    launchMs = 0
    /** launch -> first STATUS line (ms) */
    bootMs = NaN
    /** launch -> the self-test's verdict (the SELFTEST result line) (ms) */
    selfTestMs = NaN
    /** launch -> the firmware armed (ready) in armAndTouch (ms) */
    readyMs = NaN
    private probe: boolean

    constructor(readonly profile: Profile, readonly o: BenchRigOptions = {}) {
        this.probe = o.heapProbe !== undefined
        this.rig = new Rig(profile, {
            onLine: (line) => {
                const t = performance.now()
                const e = parseEventLine(line)
                if (e) this.events.push({ tMs: t, v: e })
                else if (line.startsWith("SELFTEST result")) this.selfTestMs = t - this.launchMs
                else if (line.startsWith("SELFTEST start")) this.starts.push(t)
                else if (line.startsWith("STATUS ")) {
                    if (Number.isNaN(this.bootMs)) this.bootMs = t - this.launchMs
                    // the rig has parsed it already (its onLine runs after its own parsing)
                    if (this.rig.status) this.statuses.push({ tMs: t, v: this.rig.status.fields })
                } else if (line.startsWith("HEAPPROBE ")) this.onHeap(t, line)
                o.onLine?.(line)
            },
        })
    }

    get pen() {
        return this.rig.pen
    }

    async start(): Promise<this> {
        const saved = { opts: process.env.NODE_OPTIONS, every: process.env.PEN_HEAP_PROBE_MS }
        if (this.probe) {
            // the VM is a child process that inherits this environment: only it loads the probe
            process.env.NODE_OPTIONS = `${saved.opts ?? ""} --require ${PROBE}`.trim()
            process.env.PEN_HEAP_PROBE_MS = String(this.o.heapProbe!.everyMs)
        }
        this.launchMs = performance.now()
        try {
            await this.rig.start()
            this.tap()
        } catch (e) {
            await this.rig.stop()
            throw e
        } finally {
            if (this.probe) {
                restore("NODE_OPTIONS", saved.opts)
                restore("PEN_HEAP_PROBE_MS", saved.every)
            }
        }
        return this
    }

    async stop() {
        await this.detachConsole()
        await this.rig.stop()
    }

    /** the host console (console/), on the same loopback hub as a second client */
    async attachConsole(): Promise<PenLink> {
        if (!this.link) this.link = await connectLoopback(this.rig.hub.port)
        return this.link
    }

    async detachConsole() {
        const l = this.link
        this.link = undefined
        if (l) await l.close()
    }

    /**
     * The live heap: the VM's GC-stress mode on for a moment (a full collection before every
     * allocation), then a walk. Resolves with the sample; the probe must be loaded.
     */
    async liveHeap(timeoutMs = 5000): Promise<HeapSample> {
        if (!this.probe) throw new Error("heap probe not loaded")
        const before = this.heap.filter((h) => h.kind === "live").length
        this.rig.vm.proc.kill("SIGUSR2")
        await this.pen.until(() => this.heap.filter((h) => h.kind === "live").length > before, timeoutMs, "a live-heap sample from the probe")
        const h = this.heap.filter((x) => x.kind === "live")[before]
        h.state = this.rig.state()
        return h
    }

    /** the arm press and a touch, as the operator does it; resolves at the first drive */
    async armAndTouch(forceN = 1.5) {
        await this.pen.press("trigger")
        await this.rig.waitState("armed")
        this.readyMs = performance.now() - this.launchMs
        this.pen.handForceN = forceN
        await this.pen.until(() => this.pen.duty() > 0, 5000, "the first needle drive")
    }

    /**
     * Play a hand script of any length: SimPen.playHand's own wait gives up after 10 s of wall
     * time, so its promise is left alone and the end is awaited here, on the plant's clock.
     */
    async playLong(script: HandSegment[]) {
        const ms = script.reduce((a, s) => a + s.durationMs, 0)
        const end = this.pen.plant.nowMs + ms
        this.pen.playHand(script).catch(() => {})
        await this.pen.until(() => this.pen.plant.nowMs >= end, ms * 3 + 10000, `${ms} ms of hand script`)
    }

    /** area presses until the firmware shows `id` */
    selectArea(id: string) {
        return this.rig.selectArea(id)
    }

    private onHeap(t: number, line: string) {
        const m: Record<string, string> = {}
        for (const kv of line.split(" ").slice(1)) {
            const i = kv.indexOf("=")
            if (i > 0) m[kv.slice(0, i)] = kv.slice(i + 1)
        }
        if (m.found === "0" || m.used === undefined) return
        this.heap.push({
            tMs: t,
            kind: m.kind === "live" ? "live" : "walk",
            used: +m.used,
            free: +m.free,
            size: +m.size,
            objs: +m.objs,
            maxFree: +m.maxfree,
        })
    }

    /** listen to the simulated bus for the frames that matter (see the file comment) */
    private tap() {
        const pressure = DEVICE_IDS.pressure
        const needle = DEVICE_IDS.needle
        const depth = DEVICE_IDS.depth
        this.pen.bus.on(FRAME_SEND, (frame: Uint8Array & { _jacdac_sender?: string }) => {
            const t = performance.now()
            if (frame.length < 16) return
            const fromVm = typeof frame._jacdac_sender === "string"
            const isCommand = (frame[3] & 1) !== 0
            const dev = hex(frame.subarray(4, 12))
            const end = Math.min(frame.length, 12 + frame[2])
            for (let off = 12; off + 4 <= end; off += (4 + frame[off] + 3) & ~3) {
                const size = frame[off]
                const cmd = frame[off + 2] | (frame[off + 3] << 8)
                const p = frame.subarray(off + 4, off + 4 + size)
                const dv = new DataView(p.buffer, p.byteOffset, p.byteLength)
                if (!fromVm && !isCommand && dev === pressure && cmd === CMD_GET_READING && size >= 2)
                    this.forceFrames.push({ tMs: t, v: dv.getUint16(0, true) / 65536 })
                else if (fromVm && isCommand && cmd === CMD_SET_VALUE) {
                    if (dev === needle && size >= 2) this.needleFrames.push({ tMs: t, v: dv.getInt16(0, true) / 32768 })
                    else if (dev === depth && size >= 4) this.depthFrames.push({ tMs: t, v: dv.getInt32(0, true) / 65536 })
                }
            }
            if (this.forceFrames.length > 40000) this.forceFrames.splice(0, 20000)
        })
    }
}

function restore(name: string, v: string | undefined) {
    if (v === undefined) delete process.env[name]
    else process.env[name] = v
}

/** first element with tMs >= t (arrays are in time order); undefined if none */
export function firstAfter<T>(xs: Stamped<T>[], t: number, pred: (v: T) => boolean = () => true): Stamped<T> | undefined {
    let lo = 0
    let hi = xs.length
    while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (xs[mid].tMs < t) lo = mid + 1
        else hi = mid
    }
    for (let i = lo; i < xs.length; i++) if (pred(xs[i].v)) return xs[i]
    return undefined
}
