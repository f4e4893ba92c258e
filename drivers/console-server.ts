// The pen's console service (services/penconsole.md), served by the firmware so that a host
// program (console/, `npm run console`) can read the pen and give it commands over Jacdac: the
// same way through the simulator's hub and through a board's USB serial link.
//
// The core decides; this file only translates. Every command goes to Pen.command() and the core's
// answer (or refusal, with what is allowed) goes back as it is.
//
// Two DeviceScript facts shape it (docs/DEVICESCRIPT-NOTES.md):
// - every packet sent here (replies, announces) draws on the runtime's send throttle, the one the
//   needle stop needs. So each send is charged to the firmware's budget model and goes out only
//   while two packets stay in reserve; otherwise it waits in its own fiber (each incoming packet
//   gets a fiber of its own) and is dropped after DEFER_MAX_MS: the console asks again.
// - servers written in DeviceScript send no ACKs, so commands carry a request id; a repeated
//   request gets the first answer and is not run again.
import * as ds from "@devicescript/core"
import { ControlServer, Server, startServer } from "@devicescript/server"
import { Pen } from "../src/core/pen"
import { Profile } from "../src/core/profile"
import { AreaPreset, CommandResult, PenCommand } from "../src/core/types"
import { COST_MS, SendBudget } from "./budget"
import {
    FLAG_FALLBACK, FLAG_STORE_ERROR, FLAG_UNSAVED, IMPORT_ENTRY_BYTES, SOURCES, clip, faultIndex, mmToUm, stateIndex,
} from "./wire"

/** longest a reply waits for budget before it is dropped */
const DEFER_MAX_MS = 1000
/** replies that may wait for budget at once; more are dropped at once (a console that floods) */
const WAITING_MAX = 4
/** requests remembered (id and answer) */
const REMEMBER = 8
/** longest a repeated request waits for the first one's answer */
const PENDING_MAX_MS = 5000

type Result = [number, number, string]

/** the runtime's send for servers (what Server._send calls; `super` calls do not compile) */
type DsServer = typeof ds & { _serverSend(serviceIndex: number, pkt: ds.Packet): Promise<void> }

/** what the server needs from the firmware around it */
export interface ConsoleHost {
    pen(): Pen | undefined
    /** writes the core's saved presets to the store and reads them back: "" or what failed */
    storePresets(): Promise<string>
    /** flags the firmware adds to status.flags (FLAG_STORE_ERROR) */
    flags(): number
}

function argsOf(a: any): any[] {
    return Array.isArray(a) ? a : [a]
}

/** answers announces and control queries only within the budget; an announce skipped is sent 500 ms later */
class BudgetedControl extends ControlServer {
    constructor(private budget: SendBudget) {
        super()
    }

    override async _send(pkt: ds.Packet) {
        const now = ds.millis()
        if (!this.budget.allows(now, 1, 2)) return
        this.budget.spend(now)
        await (ds as DsServer)._serverSend(this.serviceIndex, pkt)
    }
}

class PenConsoleServer extends Server implements ds.PenConsoleServerSpec {
    private reqIds: number[] = []
    private results: Result[] = []
    private waiting = 0

    constructor(private prof: Profile, private budget: SendBudget, private host: ConsoleHost) {
        super(ds.PenConsole.spec)
    }

    override async _send(pkt: ds.Packet) {
        if (!this.budget.allows(ds.millis(), 1, 2)) {
            if (this.waiting >= WAITING_MAX) return
            this.waiting++
            const t0 = ds.millis()
            while (!this.budget.allows(ds.millis(), 1, 2) && ds.millis() - t0 <= DEFER_MAX_MS) await ds.sleep(COST_MS)
            this.waiting--
            if (!this.budget.allows(ds.millis(), 1, 2)) return
        }
        this.budget.spend(ds.millis())
        await (ds as DsServer)._serverSend(this.serviceIndex, pkt)
    }

    status(): ds.AsyncValue<[number, number, number, number, number, number, number, number, number, number, number, number, number, string, string]> {
        const pen = this.host.pen()
        if (!pen) return undefined
        const s = pen.status()
        let area = 0
        for (let i = 0; i < this.prof.areas.length; i++) if (this.prof.areas[i].id === s.areaId) area = i
        let flags = this.host.flags()
        if (pen.presetsUnsaved()) flags |= FLAG_UNSAVED
        if (pen.presetFellBack()) flags |= FLAG_FALLBACK
        return [
            stateIndex(s.state), area, s.fault ? faultIndex(s.fault.code) : 0, flags,
            mmToUm(s.depthTargetMm), Math.round(s.strokeSetHz), mmToUm(s.depthActualMm),
            Math.round(s.strokeMeasuredHz * 1000), Math.round(s.forceN * 1000), Math.round(s.needleDuty * 1000),
            s.passesUsed, s.passLimit, Math.round(ds.millis()), s.areaId, clip(s.holdReason),
        ]
    }

    profile(): ds.AsyncValue<[number, string]> {
        return [this.prof.profileVersion, clip(this.prof.name)]
    }

    areaInfo(index: number): ds.AsyncValue<[number, number, number, number, number, number, number, number, number, number, number, number, number, string, string]> {
        const pen = this.host.pen()
        const n = this.prof.areas.length
        if (!pen || index >= n) return [0, 0, 0, 0, 0, index, 0, 0, 0, 0, n, 0, 0, "", ""]
        const info = pen.presetInfo()[index]
        const e = pen.ledgerEntries()[index]
        return [
            mmToUm(info.depthCapMm), mmToUm(info.working.depthMm), info.working.strokeHz,
            mmToUm(info.saved.depthMm), info.saved.strokeHz, index, info.working.passLimit,
            info.saved.passLimit, SOURCES.indexOf(info.source), e.passes, n,
            Math.round(e.treatedMs / 1000), e.overPressureCount, info.areaId, clip(info.label),
        ]
    }

    async setPreset(a: any): Promise<Result> {
        const v = argsOf(a)
        const depthUm: number = v[1]
        const strokeMhz: number = v[2]
        return await this.run(v[0], {
            kind: "set_preset", areaId: v[4], depthMm: depthUm / 1000, strokeHz: strokeMhz / 1000, passLimit: v[3],
        })
    }

    async selectArea(a: any): Promise<Result> {
        const v = argsOf(a)
        return await this.run(v[0], { kind: "select_area", areaId: v[1] })
    }

    async savePresets(a: any): Promise<Result> {
        const req: number = argsOf(a)[0]
        const host = this.host
        return await this.once(req, async () => {
            const pen = host.pen()
            if (!pen) return notReady()
            const r = pen.command(ds.millis(), { kind: "save_presets" })
            if (!r.ok) return r
            const err = await host.storePresets()
            if (err !== "") return { ok: false, message: `${r.message}; but the settings store failed: ${err}` }
            return { ok: true, message: `${r.message}; stored and read back` }
        })
    }

    async revertPresets(a: any): Promise<Result> {
        return await this.run(argsOf(a)[0], { kind: "revert_presets" })
    }

    async newSession(a: any): Promise<Result> {
        return await this.run(argsOf(a)[0], { kind: "new_session" })
    }

    async clearFault(a: any): Promise<Result> {
        return await this.run(argsOf(a)[0], { kind: "clear_fault" })
    }

    async importPresets(a: any): Promise<Result> {
        const v = argsOf(a)
        const buf: Buffer = v[1]
        const list: AreaPreset[] = []
        const areas = this.prof.areas
        let bad = ""
        if (!buf || buf.length % IMPORT_ENTRY_BYTES !== 0) bad = `presets must be ${IMPORT_ENTRY_BYTES} bytes per area`
        else
            for (let off = 0; off < buf.length; off += IMPORT_ENTRY_BYTES) {
                const i = buf.getAt(off + 10, "u8")
                if (i >= areas.length) {
                    bad = `area index ${i}: the pen has ${areas.length} areas`
                    break
                }
                list.push({
                    areaId: areas[i].id, depthMm: buf.getAt(off, "i32") / 1000,
                    strokeHz: buf.getAt(off + 4, "i32") / 1000, passLimit: buf.getAt(off + 8, "i16"),
                })
            }
        if (bad !== "") return await this.once(v[0], async () => ({ ok: false, message: bad }))
        return await this.run(v[0], { kind: "set_presets", presets: list })
    }

    private async run(req: number, cmd: PenCommand): Promise<Result> {
        const host = this.host
        return await this.once(req, async () => {
            const pen = host.pen()
            if (!pen) return notReady()
            return pen.command(ds.millis(), cmd)
        })
    }

    /** runs a request once; a repeat gets the first answer (waiting for it if still running) */
    private async once(req: number, fn: () => Promise<CommandResult>): Promise<Result> {
        const k = this.reqIds.indexOf(req)
        if (k >= 0) {
            const t0 = ds.millis()
            while (!this.results[k] && ds.millis() - t0 < PENDING_MAX_MS) await ds.sleep(COST_MS)
            const r = this.results[k]
            return r ? r : [req, 0, "request still running"]
        }
        if (this.reqIds.length >= REMEMBER) {
            this.reqIds.shift()
            this.results.shift()
        }
        this.reqIds.push(req)
        this.results.push(undefined)
        const out = await fn()
        const res: Result = [req, out.ok ? 1 : 0, clip(out.message)]
        const at = this.reqIds.indexOf(req)
        if (at >= 0) this.results[at] = res
        return res
    }
}

function notReady(): CommandResult {
    return { ok: false, message: "the pen is still starting" }
}

/** starts the console service (and a control service that keeps to the budget) */
export function startPenConsole(profile: Profile, budget: SendBudget, host: ConsoleHost) {
    startServer(new BudgetedControl(budget))
    startServer(new PenConsoleServer(profile, budget, host))
}
