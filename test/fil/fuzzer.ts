// Fuzzing the firmware's inputs in the VM (seeded, reproducible): random and malformed Jacdac
// packets to the pen's console service and to the control service of the firmware's own server
// device, and reports with wrong sizes, unknown codes and out-of-range values from every
// simulated device the firmware's roles listen to (readings of the wrong size, ratios at the
// ends, huge and negative encoder counts, unknown registers, events, floods) while the pen is
// armed and on the skin. Used by test/fil/fuzz.test.ts (small) and `npm run fuzz` (large).
//
// Invariants, judged from the outside: the program never dies nor restarts (VM output), the
// control loop keeps its rate (STATUS tps), the drive never exceeds needle.maxDuty (at the
// simulated motor), the depth actuator is never sent past the selected area's cap (at the
// simulated servo), and the presets read back over the console are unchanged unless the firmware
// answered a preset command with ok (an unexplained change otherwise).
import { JDService, JDServiceServer, Packet, REPORT_RECEIVE } from "jacdac-ts"
import { CMD_IMPORT_PRESETS, CMD_SET_PRESET, SRV_PEN_CONSOLE } from "../../drivers/wire"
import { PenLink, WireArea } from "../../console/link"
import { connectLoopback } from "../../console/transports"
import { Profile } from "../../core/profile"
import { Rig, parseFields } from "../../sim/rig"
import { VmWatch, randomConsolePacket, rng } from "./robust"

export interface FuzzOptions {
    seed: number
    durationMs: number
    /** packets per second sent by the fuzzer (bursts included) */
    rate: number
}

export interface FuzzResult {
    seed: number
    durationMs: number
    packets: { console: number; control: number; reports: number; total: number }
    panics: string[]
    restarts: number
    breaches: string[]
    unexplained: string[]
    minTps: number
    statusLines: number
    consoleOk: number
    lastDropLine: string
    /** the firmware's events during the run, by kind (what the fuzz provoked) */
    events: Record<string, number>
    states: string[]
}

const GET_READING = 0x1101

function bytes(r: () => number, n: number): Uint8Array {
    const b = new Uint8Array(n)
    for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256)
    return b
}

function le(n: number, v: number): Uint8Array {
    const b = new Uint8Array(n)
    const dv = new DataView(b.buffer)
    if (n === 2) dv.setUint16(0, v & 0xffff, true)
    else dv.setInt32(0, v | 0, true)
    return b
}

/** a report from one simulated device: a reading of a wrong size or an extreme value, an unknown register, an event */
function randomReport(r: () => number, encoder: boolean): Packet {
    const k = r()
    if (k < 0.3) return Packet.from(GET_READING, bytes(r, [0, 1, 3, 5, 8, 16][Math.floor(r() * 6)]))
    if (k < 0.6) {
        if (encoder) {
            const v = [0, -1, -2147483648, 2147483647, Math.floor(r() * 4294967296) - 2147483648, Math.floor(r() * 2000) - 1000][Math.floor(r() * 6)]
            return Packet.from(GET_READING, le(4, v))
        }
        return Packet.from(GET_READING, le(2, [0, 0xffff, 0x8000, 1, Math.floor(r() * 0x10000)][Math.floor(r() * 5)]))
    }
    if (k < 0.85) return Packet.from(0x1000 | Math.floor(r() * 0x1000), bytes(r, Math.floor(r() * 12)))
    return Packet.from(0x8000 | Math.floor(r() * 0x100), bytes(r, Math.floor(r() * 8)))
}

function presetsOf(areas: WireArea[]) {
    return JSON.stringify(areas.map((a) => ({ id: a.id, cap: a.depthCapMm, working: a.working, saved: a.saved })))
}

export async function fuzzOnce(profile: Profile, o: FuzzOptions): Promise<FuzzResult> {
    const res: FuzzResult = {
        seed: o.seed, durationMs: 0, packets: { console: 0, control: 0, reports: 0, total: 0 }, panics: [], restarts: 0,
        breaches: [], unexplained: [], minTps: Infinity, statusLines: 0, consoleOk: 0, lastDropLine: "", events: {}, states: [],
    }
    const watch = new VmWatch()
    const statusAreas: { t: number; area: string }[] = []
    const rig = new Rig(profile, {
        onLine: (line) => {
            watch.onLine(line)
            if (line.startsWith("STATUS ")) {
                const f = parseFields(line.slice(7))
                statusAreas.push({ t: performance.now(), area: f.area })
                if (!res.states.includes(f.state)) res.states.push(f.state)
                // what the firmware commands, as it prints it: a number within needle.maxDuty
                const duty = Number(f.duty)
                if (!(duty >= 0 && duty <= profile.needle.maxDuty + 0.005)) res.breaches.push(`the firmware commands duty=${f.duty}: ${line.slice(7, 160)}`)
            }
        },
    })
    let link: PenLink | undefined
    try {
        try {
            await rig.start()
        } catch (e) {
            throw new Error(`${e instanceof Error ? e.message : e}; the VM printed: ${rig.vm?.lines.slice(-8).join(" | ")}`)
        }
        link = await connectLoopback(rig.hub.port)
        const srv: JDService = link.bus.services({ serviceClass: SRV_PEN_CONSOLE })[0]
        const control: JDService = srv.device.services()[0]
        let presetOk = 0
        srv.on(REPORT_RECEIVE, (p: Packet) => {
            const c = p.serviceCommand
            if (c >= 0x80 && c <= 0x87 && c !== 0x81 && p.data.length >= 5 && p.data[4] === 1) {
                res.consoleOk++
                if (c === CMD_SET_PRESET || c === CMD_IMPORT_PRESETS) presetOk++
            }
        })
        const before = presetsOf(await link.areas())

        // limits at the simulated hardware
        const pen = rig.pen
        const maxDuty = profile.needle.maxDuty
        const capOf = (id: string) => profile.areas.find((a) => a.id === id)?.depthCapMm ?? 0
        const writes0 = pen.motorWrites.length
        pen.servo.angle.on("change", () => {
            const [angle] = pen.servo.angle.values() as [number]
            const mm = (angle - profile.depth.angleAtZeroDeg) / profile.depth.degPerMm
            const now = performance.now()
            // the selected area around this write (STATUS lines come every 250 ms)
            let cap = 0
            for (const s of statusAreas) if (Math.abs(s.t - now) < 600) cap = Math.max(cap, capOf(s.area))
            if (statusAreas.length && mm > cap + 0.01) res.breaches.push(`depth actuator sent to ${mm.toFixed(3)} mm, cap ${cap} mm`)
        })

        // armed, on the skin: the needle runs while the fuzz goes on
        await pen.press("trigger")
        pen.handForceN = 1.5

        const r = rng(o.seed)
        const servers: JDServiceServer[] = [pen.pressure, pen.depthPos, pen.encoder, pen.trigger, pen.area, pen.motor, pen.servo, pen.led]
        const t0 = performance.now()
        let sent = 0
        const send = (p: Packet, to: "console" | "control" | JDServiceServer) => {
            sent++
            if (to === "console") {
                res.packets.console++
                void srv.sendPacketAsync(p)
            } else if (to === "control") {
                res.packets.control++
                void control.sendPacketAsync(p)
            } else {
                res.packets.reports++
                void to.sendPacketAsync(p)
            }
        }
        while (performance.now() - t0 < o.durationMs && !watch.trouble()) {
            const due = ((performance.now() - t0) / 1000) * o.rate
            while (sent < due) {
                const k = r()
                if (k < 0.4) send(randomConsolePacket(r, o.seed * 1e6), "console")
                else if (k < 0.48) send(Packet.from(Math.floor(r() * 0x10000), bytes(r, Math.floor(r() * 16))), "control")
                else if (k < 0.97) {
                    const i = Math.floor(r() * servers.length)
                    send(randomReport(r, servers[i] === pen.encoder), servers[i])
                } else {
                    // a burst: the same report or console packet 20 times
                    const i = Math.floor(r() * servers.length)
                    const toConsole = r() < 0.5
                    const p = toConsole ? randomConsolePacket(r, o.seed * 1e6) : randomReport(r, servers[i] === pen.encoder)
                    for (let j = 0; j < 20; j++) send(p, toConsole ? "console" : servers[i])
                }
            }
            await new Promise((ok) => setTimeout(ok, 10))
        }
        res.durationMs = performance.now() - t0
        pen.handForceN = 0

        // afterwards: the loop runs and the console answers
        const from = watch.statuses
        await pen.until(() => watch.statuses >= from + 4 || watch.trouble() !== "", 10000, "STATUS lines after the fuzz").catch(() => {})
        if (watch.statuses < from + 4 && !watch.trouble()) res.breaches.push("the control loop stopped printing STATUS after the fuzz")
        if (!watch.trouble()) {
            const after = presetsOf(await link.areas())
            if (after !== before && presetOk === 0) res.unexplained.push(`presets changed with no preset command answered ok: ${before} -> ${after}`)
        }
        for (const w of pen.motorWrites.slice(writes0)) if (!(w.duty >= 0 && w.duty <= maxDuty + 1e-3)) res.breaches.push(`drive ${w.duty} above needle.maxDuty ${maxDuty}`)
    } finally {
        res.panics = watch.deaths.slice()
        res.restarts = Math.max(0, watch.boots - 1)
        res.statusLines = watch.statuses
        res.minTps = watch.tps.length > 1 ? Math.min(...watch.tps.slice(1)) : NaN
        res.lastDropLine = watch.drops.slice(-1)[0] ?? ""
        res.packets.total = res.packets.console + res.packets.control + res.packets.reports
        for (const e of rig.events) {
            const k = `${e.kind} ${e.message}`.split(" ").slice(0, 2).join(" ")
            res.events[k] = (res.events[k] ?? 0) + 1
        }
        await link?.close()
        await rig.stop()
    }
    return res
}

export function summary(r: FuzzResult): string {
    return (
        `seed ${r.seed}: ${r.packets.total} packets (${r.packets.console} console, ${r.packets.control} control, ${r.packets.reports} device reports) ` +
        `in ${(r.durationMs / 1000).toFixed(1)} s; panics ${r.panics.length}, restarts ${r.restarts}, limit breaches ${r.breaches.length}, ` +
        `unexplained changes ${r.unexplained.length}; STATUS lines ${r.statusLines}, min tps ${r.minTps}; console commands answered ok ${r.consoleOk}` +
        (r.lastDropLine ? `; ${r.lastDropLine}` : "") +
        `; states ${r.states.join(",")}; events ${Object.entries(r.events).map(([k, n]) => `${k} ${n}`).join(", ")}`
    )
}
