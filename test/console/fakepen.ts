// The console's PenApi over the real control core, without the VM: a test bench (test/core/penkit
// Rig: a Pen, virtual time, a tiny plant) behind the same translation the firmware's console
// server does (drivers/console-server.ts: wire units in, the core's answer out). Fast tests of
// the console's parsing, output and files against the core's real rules and messages.
import { FLAG_FALLBACK, FLAG_UNSAVED, centi, mmToUm } from "../../drivers/wire"
import { PenApi, Result, WireArea, WireCartridge, WirePreset, WireStatus } from "../../console/link"
import { PenCommand } from "../../core/types"
import { Rig } from "../core/penkit"

export class FakePen implements PenApi {
    /** every command the console sent, by name */
    readonly sent: string[] = []

    constructor(readonly rig: Rig) {}

    where() {
        return "fake"
    }

    private run(name: string, cmd: PenCommand): Promise<Result> {
        this.sent.push(name)
        const r = this.rig.cmd(cmd)
        return Promise.resolve({ ok: r.ok, message: r.message })
    }

    async status(): Promise<WireStatus> {
        const pen = this.rig.pen
        const s = pen.status()
        let flags = 0
        if (pen.presets.changed() !== "") flags |= FLAG_UNSAVED
        if (pen.presets.fellBack()) flags |= FLAG_FALLBACK
        // through the wire's integer units, as the firmware sends them
        return {
            state: s.state,
            areaIndex: this.rig.p.areas.findIndex((a) => a.id === s.areaId),
            areaId: s.areaId,
            fault: s.fault ? s.fault.code : "",
            flags,
            depthSetMm: mmToUm(s.depthTargetMm) / 1000,
            depthActualMm: s.depthActualMm === s.depthActualMm ? mmToUm(s.depthActualMm) / 1000 : NaN,
            strokeSetHz: s.strokeSetHz,
            strokeMeasuredHz: Math.round(s.strokeMeasuredHz * 1000) / 1000,
            forceN: Math.round(s.forceN * 1000) / 1000,
            duty: Math.round(s.needleDuty * 1000) / 1000,
            passesUsed: centi(s.passesUsed) / 100,
            passLimit: s.passLimit,
            cartridgeId: s.cartridgeId,
            needles: s.needles,
            uptimeMs: this.rig.now,
            reason: s.holdReason,
        }
    }

    async areas(): Promise<WireArea[]> {
        const ledger = this.rig.pen.ledgerEntries()
        return this.rig.pen.presets.info().map((p, i) => ({
            index: i,
            id: p.areaId,
            label: p.label,
            depthCapMm: p.depthCapMm,
            working: { ...p.working },
            saved: { ...p.saved },
            source: p.source,
            passes: centi(ledger[i].passes) / 100,
            punctures: Math.round(ledger[i].punctures),
            areaCm2: this.rig.p.areas[i].areaCm2,
            treatedS: Math.round(ledger[i].treatedMs / 1000),
            overPressure: ledger[i].overPressureCount,
        }))
    }

    async area(id: string) {
        return (await this.areas()).find((a) => a.id === id)
    }

    async profile() {
        return { version: this.rig.p.profileVersion, name: this.rig.p.name }
    }

    async cartridges(): Promise<WireCartridge[]> {
        const fitted = this.rig.pen.status().cartridgeId
        return this.rig.p.cartridges.map((c, i) => ({ index: i, id: c.id, label: c.label, needles: c.needles, footprintMm: c.footprintMm, fitted: c.id === fitted }))
    }
    selectCartridge(cartridgeId: string) {
        return this.run("select_cartridge", { kind: "select_cartridge", cartridgeId })
    }

    setPreset(areaId: string, depthUm: number, strokeMhz: number, passLimit: number) {
        return this.run("set_preset", { kind: "set_preset", areaId, depthMm: depthUm / 1000, strokeHz: strokeMhz / 1000, passLimit })
    }
    selectArea(areaId: string) {
        return this.run("select_area", { kind: "select_area", areaId })
    }
    save() {
        return this.run("save_presets", { kind: "save_presets" })
    }
    revert() {
        return this.run("revert_presets", { kind: "revert_presets" })
    }
    newSession() {
        return this.run("new_session", { kind: "new_session" })
    }
    clearFault() {
        return this.run("clear_fault", { kind: "clear_fault" })
    }
    importPresets(list: WirePreset[]) {
        const areas = this.rig.p.areas
        return this.run("import_presets", {
            kind: "set_presets",
            presets: list.map((p) => ({ areaId: areas[p.index].id, depthMm: p.depthUm / 1000, strokeHz: p.strokeMhz / 1000, passLimit: p.passLimit })),
        })
    }
    async close() {}
}
