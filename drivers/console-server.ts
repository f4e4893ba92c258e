// The pen's console service (services/penconsole.md), served by the firmware so that a host
// program (console/, `npm run console`) can read the pen and give it commands over Jacdac: the
// same way through the simulator's hub and through a board's USB serial link.
//
// The core decides; this file only translates. Every command goes to Pen.command() and the core's
// answer (or refusal, with what is allowed) goes back as it is.
//
// Nothing on the bus may stop the program (a panic leaves the needle unsupervised), so:
// - every payload is checked before use: its size for each command, area indices, and that an id
//   (an area's, a cartridge's) is printable ASCII; a wrong one is refused with what was wrong and
//   changes nothing (the core checks every value it is given). The id is checked in the payload's
//   bytes, before the runtime decodes it: DeviceScript 2.16.4's UTF-8 decoder reads one byte past a
//   field that ends in the first byte of a two-byte character (runtime/devicescript/utf8.c
//   devs_utf8_init), so the id could take a byte of the heap, and a string built from it can fail the
//   runtime's own check (PANIC 60129; docs/DEVICESCRIPT-NOTES.md);
// - the work is bounded: the runtime starts a fiber for every packet addressed to the firmware's
//   servers; here that fiber only puts the packet in a queue of QUEUE_MAX and ends. One fiber serves
//   the queue; a packet that finds it full is dropped and counted (a CONSOLE line for the first
//   and then every 64th). A repeated request id never waits: it gets the first answer, or none
//   while that one runs (the console asks again). One settings save at a time, in a fiber of its
//   own, until its answer is out; another is refused.
// - every packet sent here (replies, announces) draws on the runtime's send throttle, the one the
//   needle stop needs: each is charged to the firmware's budget model and goes out only while
//   STOP_RESERVE_PACKETS (2, core/limits.ts) stay in reserve; a reply waits for that at most
//   DEFER_MAX_MS, then it is dropped.
// Servers written in DeviceScript send no ACKs, so commands carry a request id; a repeated
// request gets the first answer and is not run again.
import * as ds from "@devicescript/core"
import { ControlServer, Server, startServer } from "@devicescript/server"
import { Pen } from "../core/pen"
import { Profile } from "../core/profile"
import { STOP_RESERVE_PACKETS } from "../core/limits"
import { AreaPreset, CommandResult, PenCommand } from "../core/types"
import { COST_MS, SendBudget } from "./budget"
import {
    CMD_AREA_INFO, CMD_CARTRIDGE_INFO, CMD_IMPORT_PRESETS, CMD_RUN_SELFTEST, CMD_SAVE_PRESETS, CMD_SELECT_AREA, CMD_SELECT_CARTRIDGE,
    CMD_SET_CALIBRATION, CMD_SET_PRESET, FLAG_DWELL_OFF, FLAG_DWELL_WARN, FLAG_FALLBACK, FLAG_UNSAVED, IMPORT_ENTRY_BYTES, REG_CALIBRATION,
    REG_PROFILE, REG_STATUS, REG_STATUS_V1, REG_WIRE_VERSION, RETIRED_TEXT, SOURCES, WIRE_VERSION, centi, clip, faultId, mmToUm, stateIndex,
} from "./wire"

/** longest a reply waits for budget before it is dropped */
const DEFER_MAX_MS = 1000
/** packets waiting to be served; more are dropped */
const QUEUE_MAX = 8
/** requests remembered (id and answer) */
const REMEMBER = 8
/**
 * payload bytes of the commands 0x80..0x8c that carry a request id: exact, or (negative) the least
 * when a string or bytes end it; 0 for the codes that are no such command (area_info 0x81 retired,
 * area_info 0x88 and cartridge_info 0x89 are served apart)
 */
const SIZES = [-16, 0, -4, 4, 4, 4, 4, -16, 0, 0, -4, 4, 24]
/** the commands 0x83..0x86, which carry only a request id */
const KINDS = ["save_presets", "revert_presets", "new_session", "clear_fault"]

type Result = [number, number, string]

/** the runtime's hooks for servers (what Server._send calls; `super` calls do not compile) */
type DsServer = typeof ds & {
    _serverSend(serviceIndex: number, pkt: ds.Packet): Promise<void>
    _onServerPacket(pkt: ds.Packet): any
}

/** what the server needs from the firmware around it */
export interface ConsoleHost {
    pen(): Pen | undefined
    /** writes the core's saved presets to the store and reads them back: "" or what failed */
    storePresets(): Promise<string>
    /** stores the cartridge now fitted (after the core took it) and reads it back: "" or what failed */
    storeCartridge(): Promise<string>
    /** flags the firmware adds to status.flags (FLAG_STORE_ERROR) */
    flags(): number
    /** starts the self-test again: "" started, else why not */
    runSelfTest(): string
    /** the calibration register's fields (services/penconsole.md) */
    calibration(): any[]
    /** set_calibration's payload [request, five numbers] (scale 0: clear): "" when it may be stored (storeCalibration follows), else why not */
    setCalibration(v: number[]): string
    /** stores what setCalibration took, reads it back, then uses it: "" or what failed */
    storeCalibration(): Promise<string>
}

/**
 * answers announces and control queries only within the budget, never waiting: an announce skipped
 * is sent 500 ms later. Announces (command 0, two a second) cannot hold the writer back; a reply to
 * a control query gives way to the writer and a store request (replyMayGo) and is dropped: a flood
 * of uptime reads held an area's depth write back until depth_not_following, as the console's did
 */
class BudgetedControl extends ControlServer {
    constructor(private budget: SendBudget) {
        super()
    }

    override async _send(pkt: ds.Packet) {
        const now = ds.millis()
        if (pkt.serviceCommand === 0 ? !this.budget.allows(now, 1, STOP_RESERVE_PACKETS) : !this.budget.replyMayGo(now, STOP_RESERVE_PACKETS, 0)) return
        this.budget.spend(now)
        await (ds as DsServer)._serverSend(this.serviceIndex, pkt)
    }

    /** a reset from the bus would restart the program: the needle unsupervised meanwhile */
    override reset() {
        console.log("CONSOLE reset refused")
    }
}

class PenConsoleServer extends Server {
    private reqIds: number[] = []
    private results: Result[] = []
    private queue: ds.Packet[] = []
    // undefined until serveLoop() starts, and (read as false) until the first save: no initialisers, each costs bytes
    private worker: ds.Fiber
    private saving: boolean
    private dropped = 0
    /** the library's dispatch, for the control service */
    other: (pkt: ds.Packet) => Promise<void>

    constructor(private prof: Profile, private budget: SendBudget, private host: ConsoleHost) {
        super(ds.PenConsole.spec)
    }

    override async _send(pkt: ds.Packet) {
        const t0 = ds.millis()
        // the writer and a ledger save waiting for budget go first (SendBudget.replyMayGo)
        while (!this.budget.replyMayGo(ds.millis(), STOP_RESERVE_PACKETS, ds.millis() - t0)) {
            if (ds.millis() - t0 > DEFER_MAX_MS) return
            await ds.sleep(COST_MS)
        }
        this.budget.spend(ds.millis())
        await (ds as DsServer)._serverSend(this.serviceIndex, pkt)
    }

    /** in the runtime's per-packet fiber: queue the packet and end */
    enqueue(pkt: ds.Packet) {
        if (this.queue.length >= QUEUE_MAX) {
            // one line per 64 packets dropped
            if ((this.dropped++ & 63) === 0) console.log(`CONSOLE queue full: ${this.dropped} requests dropped`)
            return
        }
        this.queue.push(pkt)
        const w = this.worker
        if (w && w.suspended) w.resume(0)
    }

    /** the one fiber that serves the queue */
    async serveLoop() {
        this.worker = ds.Fiber.self()
        while (true) {
            const pkt = this.queue.shift()
            if (!pkt) await ds.suspend(1000)
            else
                try {
                    if (pkt.serviceIndex === this.serviceIndex) await this.serve(pkt)
                    else await this.other(pkt)
                } catch (e) {
                    console.log(`CONSOLE error ${e}`)
                }
        }
    }

    private async serve(pkt: ds.Packet) {
        const code = pkt.serviceCommand
        const n = pkt.payload.length
        this.spec.assign(pkt)
        const ps = pkt.spec
        let out: any[] = undefined
        let need = 0
        if (code >= CMD_SET_PRESET && code <= CMD_SET_CALIBRATION) need = SIZES[code - CMD_SET_PRESET]
        if (code === (0x1000 | REG_STATUS)) out = this.status()
        else if (code === (0x1000 | REG_CALIBRATION)) out = this.host.calibration()
        else if (code === (0x1000 | REG_PROFILE)) out = [this.prof.profileVersion, clip(this.prof.name)]
        else if (code === (0x1000 | REG_WIRE_VERSION)) out = [WIRE_VERSION]
        else if (code === (0x1000 | REG_STATUS_V1)) out = this.statusV1()
        else if (code === CMD_AREA_INFO) out = this.areaInfo(n === 1 ? pkt.decode() : 255)
        else if (code === CMD_CARTRIDGE_INFO) out = this.cartridgeInfo(n === 1 ? pkt.decode() : 255)
        else if (need !== 0) {
            const req = n >= 4 ? pkt.payload.getAt(0, "u32") : 0
            // the id ending the payload of a command with a variable size (import_presets ends in bytes)
            const bad = need < 0 && code !== CMD_IMPORT_PRESETS ? notPrintable(pkt.payload, -need) : -1
            if (need > 0 ? n !== need : n < -need) out = answer(req, false, `wrong payload size: ${n} bytes`)
            else if (bad >= 0) out = answer(req, false, `an id is printable ASCII: it has a byte of value ${bad}`)
            else out = await this.command(code, req, pkt.decode())
        } else {
            await this._send(pkt.notImplemented())
            return
        }
        if (out) await this._send(pkt.isAction ? ps.response.encode(out) : ps.encode(out))
    }

    status(): any[] {
        const pen = this.host.pen()
        if (!pen) return undefined
        const s = pen.status()
        let area = 0
        for (let i = 0; i < this.prof.areas.length; i++) if (this.prof.areas[i].id === s.areaId) area = i
        let flags = this.host.flags()
        if (pen.presets.changed() !== "") flags |= FLAG_UNSAVED
        if (pen.presets.fellBack()) flags |= FLAG_FALLBACK
        if (s.dwellProtection === "off") flags |= FLAG_DWELL_OFF
        else if (s.dwellProtection === "warn") flags |= FLAG_DWELL_WARN
        return [
            stateIndex(s.state), area, s.fault ? faultId(s.fault.code) : 0, flags,
            mmToUm(s.depthTargetMm), Math.round(s.strokeSetHz), mmToUm(s.depthActualMm),
            Math.round(s.strokeMeasuredHz * 1000), Math.round(s.forceN * 1000), Math.round(s.needleDuty * 1000),
            centi(s.passesUsed), Math.round(ds.millis()), s.passLimit, s.needles, s.areaId, s.cartridgeId, clip(s.holdReason),
        ]
    }

    /** wire version 1's status, for a console that predates the dose rule: whole passes, and a reason that says to update it */
    statusV1(): any[] {
        const v = this.status()
        if (!v) return undefined
        // the first ten fields as they are
        const r = v.slice(0, 10)
        r.push(Math.floor(v[10] / 100), v[12], v[11], v[14], RETIRED_TEXT)
        return r
    }

    /** one area; an index past the last (or a wrong payload: 255) answers with the area count and an empty id */
    areaInfo(index: number): any[] {
        const pen = this.host.pen()
        const n = this.prof.areas.length
        if (!pen || !(index < n)) return [0, 0, 0, 0, 0, index, 0, 0, 0, 0, 0, 0, 0, 0, n, "", ""]
        const info = pen.presets.info()[index]
        const e = pen.ledgerEntries()[index]
        return [
            mmToUm(info.depthCapMm), mmToUm(info.working.depthMm), info.working.strokeHz,
            mmToUm(info.saved.depthMm), info.saved.strokeHz, index, info.working.passLimit,
            info.saved.passLimit, SOURCES.indexOf(info.source), centi(e.passes), Math.round(e.punctures),
            Math.round(this.prof.areas[index].areaCm2 * 100), Math.round(e.treatedMs / 1000), e.overPressureCount, n,
            info.areaId, clip(info.label),
        ]
    }

    /** one cartridge of the profile; an index past the last answers with the count and an empty id */
    cartridgeInfo(index: number): any[] {
        const pen = this.host.pen()
        const list = this.prof.cartridges
        const n = list ? list.length : 0
        if (!pen || !(index < n)) return [index, n, 0, 0, 0, "", ""]
        const c = list[index]
        const fitted = pen.status().cartridgeId === c.id ? 1 : 0
        return [index, n, c.needles, fitted, Math.round(c.footprintMm * 1000), c.id, clip(c.label)]
    }

    /**
     * A command whose payload has the right size, run once: a repeat gets the first answer
     * (undefined, no answer, while that one is still running).
     */
    private async command(code: number, req: number, v: any): Promise<Result> {
        const k = this.reqIds.indexOf(req)
        if (k >= 0) return this.results[k]
        // the commands that store something: one store at a time
        const stores = code === CMD_SAVE_PRESETS || code === CMD_SELECT_CARTRIDGE || code === CMD_SET_CALIBRATION
        // a self-test waits too: a calibration being stored is laid over when its store ends
        if ((stores || code === CMD_RUN_SELFTEST) && this.saving) return answer(req, false, "a save is already running: try again in a moment")
        const pen = this.host.pen()
        if (!pen) return answer(req, false, "the pen is still starting")
        if (code === CMD_RUN_SELFTEST) {
            const why = this.host.runSelfTest()
            return this.remember(req, answer(req, why === "", why === "" ? "self-test started" : why))
        }
        let cmd: PenCommand
        if (code === CMD_SET_PRESET)
            cmd = { kind: "set_preset", areaId: v[4], depthMm: v[1] / 1000, strokeHz: v[2] / 1000, passLimit: v[3] }
        else if (code === CMD_SELECT_AREA) cmd = { kind: "select_area", areaId: v[1] }
        else if (code === CMD_SELECT_CARTRIDGE) cmd = { kind: "select_cartridge", cartridgeId: v[1] }
        else if (code === CMD_IMPORT_PRESETS) {
            // the core refuses an empty list, an unknown area and every value out of range
            const areas = this.prof.areas
            const list: AreaPreset[] = []
            const p: Buffer = v[1]
            if (p.length % IMPORT_ENTRY_BYTES !== 0) return answer(req, false, `presets must be ${IMPORT_ENTRY_BYTES} bytes per area`)
            for (let off = 0; off < p.length; off += IMPORT_ENTRY_BYTES) {
                const i = p.getAt(off + 10, "u8")
                list.push({
                    areaId: i < areas.length ? areas[i].id : `index ${i}`, depthMm: p.getAt(off, "i32") / 1000,
                    strokeHz: p.getAt(off + 4, "i32") / 1000, passLimit: p.getAt(off + 8, "i16"),
                })
            }
            cmd = { kind: "set_presets", presets: list }
        } else if (code !== CMD_SET_CALIBRATION) cmd = { kind: KINDS[code - CMD_SAVE_PRESETS] } as PenCommand
        // the calibration is the firmware's (drivers/calibration.ts), not the core's
        let r: CommandResult
        if (cmd) r = pen.command(ds.millis(), cmd)
        else {
            const why = this.host.setCalibration(v)
            r = { ok: why === "", message: why === "" ? (v[1] === 0 ? "calibration cleared: the profile's in use" : "calibration checked") : why }
        }
        if (stores && r.ok) {
            // taken (the presets saved, the cartridge fitted, the calibration checked); the store is
            // slow (a write and a read-back per record): it runs beside the queue
            this.saving = true
            this.remember(req, undefined)
            this.store.start(req, r.message, code)
            return undefined
        }
        return this.remember(req, answer(req, r.ok, r.message))
    }

    /** `code`: CMD_SAVE_PRESETS (the presets), CMD_SELECT_CARTRIDGE (the cartridge fitted) or CMD_SET_CALIBRATION */
    private async store(req: number, message: string, code: number) {
        let err = "it threw"
        try {
            if (code === CMD_SAVE_PRESETS) err = await this.host.storePresets()
            else if (code === CMD_SELECT_CARTRIDGE) err = await this.host.storeCartridge()
            else err = await this.host.storeCalibration()
        } catch (e) {}
        const ok = err === ""
        const res = this.remember(req, answer(req, ok, ok ? `${message}; stored and read back` : `${message}; but the settings store failed: ${err}`))
        // still saving until its answer is out (or dropped after DEFER_MAX_MS): a save with nothing
        // to change ends at once, and a flood of them left a fiber per save waiting for packet
        // budget to answer (the VM's live heap 31 -> 47 KB of 64 KB; SAFETY H9)
        try {
            await this._send(this.spec.byCode(code).response.encode(res))
        } catch (e) {}
        this.saving = false
    }

    private remember(req: number, res: Result): Result {
        let k = this.reqIds.indexOf(req)
        if (k < 0) {
            if (this.reqIds.length >= REMEMBER) {
                this.reqIds.shift()
                this.results.shift()
            }
            k = this.reqIds.push(req) - 1
        }
        this.results[k] = res
        return res
    }
}

/** the first byte from `from` on that is not printable ASCII (-1: none) */
function notPrintable(b: Buffer, from: number): number {
    for (let i = from; i < b.length; i++) if (b[i] < 0x20 || b[i] > 0x7e) return b[i]
    return -1
}

/** a command's answer: the request id, 1 done or 0 refused, the message (clipped for the wire) */
function answer(req: number, ok: boolean, message: string): Result {
    return [req, ok ? 1 : 0, clip(message)]
}

/** starts the console service (and a control service that keeps to the budget) */
export function startPenConsole(profile: Profile, budget: SendBudget, host: ConsoleHost) {
    startServer(new BudgetedControl(budget))
    const srv = new PenConsoleServer(profile, budget, host)
    startServer(srv)
    // every packet for the firmware's servers comes through here (the library's own dispatch ran
    // each in a fiber of its own, which could wait without bound)
    const d = ds as DsServer
    srv.other = d._onServerPacket
    d._onServerPacket = (pkt: ds.Packet) => {
        srv.enqueue(pkt)
    }
    srv.serveLoop.start()
}
