// Firmware in the loop: what a console (or anything on the bus) sends to the pen's console service
// cannot stop the program. A malformed packet for any command or register is refused, changes
// nothing, and the control loop keeps running; a flood of requests cannot exhaust the VM's heap
// (the server bounds its work: a fixed queue served by one fiber, excess dropped and counted).
// A death or restart is seen in the VM's output: an exception, a PANIC, a second BOOT line.
import { afterEach, beforeAll, describe, expect, test } from "vitest"
import { existsSync } from "node:fs"
import { JDService, Packet, REPORT_RECEIVE, jdpack } from "jacdac-ts"
import {
    CMD_AREA_INFO, CMD_IMPORT_PRESETS, CMD_NEW_SESSION, CMD_REVERT_PRESETS, CMD_SAVE_PRESETS, CMD_SELECT_AREA, CMD_SELECT_CARTRIDGE,
    CMD_SET_PRESET, FMT_REQUEST, FMT_SELECT_AREA, FMT_SET_PRESET, REG_STATUS, SRV_PEN_CONSOLE,
} from "../../drivers/wire"
import { PenLink } from "../../console/link"
import { connectLoopback } from "../../console/transports"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { BenchRig } from "../../bench/vmrig"
import { Rig } from "../../sim/rig"
import { BYTECODE } from "../../sim/vm"
import { CONSOLE_COMMANDS, CONSOLE_REGS, VmWatch, malformedPayloads } from "./robust"

const P = FACTORY_PROFILE
const rigs: Rig[] = []
const links: PenLink[] = []

beforeAll(() => {
    if (!existsSync(BYTECODE)) throw new Error("firmware not built: run `npm run build` (npm test does it)")
})

afterEach(async () => {
    while (links.length) await links.pop()!.close()
    while (rigs.length) await rigs.pop()!.stop()
})

/**
 * `heapProbe`: the VM loads bench/vm-heap-probe.cjs (bench/vmrig.ts BenchRig: `liveHeap()` samples
 * what survives a full collection)
 */
async function rigWithConsole(heapProbe = false): Promise<{ rig: Rig; watch: VmWatch; link: PenLink; srv: JDService; bench: BenchRig }> {
    const watch = new VmWatch()
    const bench = new BenchRig(P, { heapProbe: heapProbe ? { everyMs: 0 } : undefined, onLine: watch.onLine })
    const rig = bench.rig
    rigs.push(rig)
    await bench.start()
    const link = await connectLoopback(rig.hub.port)
    links.push(link)
    const srv = link.bus.services({ serviceClass: SRV_PEN_CONSOLE })[0]
    return { rig, watch, link, srv, bench }
}

/** the control loop keeps running: `n` more STATUS lines, each with a sane decision rate */
async function loopAlive(rig: Rig, watch: VmWatch, n = 6) {
    const from = watch.statuses
    await rig.pen.until(() => watch.statuses >= from + n || watch.trouble() !== "", 10000, `${n} more STATUS lines`)
    expect(watch.trouble()).toBe("")
    const tps = watch.tps.slice(-n)
    expect(Math.min(...tps), `control decisions per second ${tps.join(",")}`).toBeGreaterThanOrEqual(50)
}

/** what a refused input must not change: presets (working and saved), area, state */
async function snapshot(link: PenLink, rig: Rig) {
    const areas = await link.areas()
    return {
        presets: areas.map((a) => ({ id: a.id, working: a.working, saved: a.saved, cap: a.depthCapMm })),
        area: (await link.status()).areaId,
        state: rig.state(),
    }
}

/** sends `make(i)` every `everyMs` for `ms`, never waiting for an answer */
async function flood(ms: number, everyMs: number, make: (i: number) => void) {
    const t0 = performance.now()
    let i = 0
    while (performance.now() - t0 < ms) {
        make(i++)
        await new Promise((r) => setTimeout(r, everyMs))
    }
    return i
}

describe("firmware in the loop, console input cannot stop the program", () => {
    test("H9 H11 a malformed packet for every console command and register (empty, short, garbage) is refused: no panic, no restart, the loop runs, nothing changes", async () => {
        const { rig, watch, link, srv } = await rigWithConsole()
        const before = await snapshot(link, rig)
        let sent = 0
        for (const code of [...CONSOLE_COMMANDS, ...CONSOLE_REGS, 0x8f, 0x1234]) {
            for (const payload of malformedPayloads()) {
                await srv.sendPacketAsync(Packet.from(code, payload))
                sent++
            }
            // a short pause per code: what died shows in the output before the next code
            await rig.pen.sleepSim(60)
            expect(watch.trouble(), `after packets to code 0x${code.toString(16)}`).toBe("")
        }
        await loopAlive(rig, watch)
        expect(await snapshot(link, rig)).toEqual(before)
        expect(watch.trouble()).toBe("")
        console.log(`${sent} malformed console packets: no panic, no restart, ${watch.statuses} STATUS lines`)
    }, 90000)

    test("H9 H11 an id that is not printable ASCII is refused before it is decoded (one ending in the first byte of a two-byte character, at every length): the answer says so and carries no byte it was not sent, nothing changes", async () => {
        // DeviceScript 2.16.4 decodes such a field one byte past its end (docs/DEVICESCRIPT-NOTES.md):
        // the old firmware answered "unknown area cjqxÕ<a byte of its heap>: ..."; a string built
        // from it could fail the runtime's own UTF-8 check (PANIC 60129)
        const { rig, watch, link, srv } = await rigWithConsole()
        const before = await snapshot(link, rig)
        const answers = new Map<number, Uint8Array>()
        srv.on(REPORT_RECEIVE, (p: Packet) => {
            if (p.data.length >= 5) answers.set(new DataView(p.data.buffer, p.data.byteOffset).getUint32(0, true), p.data.slice(4))
        })
        const ids: number[][] = []
        for (let len = 1; len <= 8; len++) ids.push([...Array(len - 1).fill(0x61), 0xc2 + len])
        // 0xff, a NUL, a whole euro sign, a newline, a four-byte character cut after its third byte
        ids.push([0x63, 0x68, 0x65, 0x65, 0x6b, 0xff], [0x63, 0x00, 0x68], [0xe2, 0x82, 0xac], [0x63, 0x68, 0x0a], [0x61, 0xf0, 0x9f, 0x98])
        let req = 7000
        const sent: number[] = []
        for (const [code, fixed] of [[CMD_SELECT_AREA, 4], [CMD_SELECT_CARTRIDGE, 4], [CMD_SET_PRESET, 16]]) {
            for (const id of ids) {
                const p = new Uint8Array(fixed + id.length)
                const dv = new DataView(p.buffer)
                dv.setUint32(0, req, true)
                if (code === CMD_SET_PRESET) [250, 100000, 2].forEach((v, i) => dv.setInt32(4 + 4 * i, v, true))
                p.set(id, fixed)
                sent.push(req++)
                await srv.sendPacketAsync(Packet.from(code, p))
                await rig.pen.until(() => answers.has(sent[sent.length - 1]) || watch.trouble() !== "", 3000, `an answer to request ${req - 1}`)
            }
        }
        for (const r of sent) {
            const a = answers.get(r)!
            const text = Buffer.from(a.slice(1)).toString("latin1")
            expect(a[0], `request ${r}: ${text}`).toBe(0)
            expect(text, `request ${r}`).toMatch(/^an id is printable ASCII: it has a byte of value \d+$/)
        }
        expect(await snapshot(link, rig)).toEqual(before)
        await loopAlive(rig, watch)
    }, 60000)

    /**
     * floods a register read (`ask`, ~190/s: the console's service or its device's control service)
     * for 4 s with the area button pressed 0.5 s in: the actuator reaches the new area's depth, no
     * fault, and the flood is still answered (`answers`: the replies counted)
     */
    async function depthThroughFlood(ask: (srv: JDService) => JDService, reg: number) {
        const { rig, watch, srv } = await rigWithConsole()
        const next = P.areas[1]
        expect(rig.status?.fields.area).toBe(P.areas[0].id)
        expect(Math.abs(next.preset.depthMm - P.areas[0].preset.depthMm)).toBeGreaterThan(2 * P.depth.toleranceMm)
        let pressedAtMs = NaN
        let reachedAtMs = NaN
        let answers = 0
        const to = ask(srv)
        to.on(REPORT_RECEIVE, (p: Packet) => {
            if (p.serviceCommand === (0x1000 | reg)) answers++
        })
        const n = await flood(4000, 5, (i) => {
            void to.sendPacketAsync(Packet.onlyHeader(0x1000 | reg))
            if (i === 100) {
                pressedAtMs = rig.pen.plant.nowMs
                void rig.pen.press("area")
            }
            if (pressedAtMs === pressedAtMs && reachedAtMs !== reachedAtMs && Math.abs(rig.pen.plant.depthActualMm - next.preset.depthMm) <= P.depth.toleranceMm)
                reachedAtMs = rig.pen.plant.nowMs
        })
        const s = rig.status!.fields
        const took = reachedAtMs - pressedAtMs
        console.log(`${n} reads in 4 s, ${answers} answered; the actuator at ${next.id}'s ${next.preset.depthMm} mm ${took.toFixed(0)} ms after the press; state ${rig.explain()}; the plant lost ${rig.pen.lostMs.toFixed(0)} ms`)
        expect(s.area).toBe(next.id)
        // the move itself takes (0.25 mm at ~4 mm/s) ~60 ms; the servo write waits for no reply
        expect(took, `the actuator at ${next.preset.depthMm} mm after the press (state ${rig.explain()})`).toBeLessThan(1000)
        expect(s.state, rig.explain()).toBe("idle")
        await loopAlive(rig, watch)
        return answers
    }

    test("H8 H9 a console flooding status reads cannot hold back the depth actuator: an area chosen with the button mid-flood gets its depth, no depth_not_following", async () => {
        const answers = await depthThroughFlood((srv) => srv, REG_STATUS)
        // the writer first, not alone: the budget frees 50 packets a second
        expect(answers, "status answers during the 4 s flood").toBeGreaterThan(40)
    }, 60000)

    test("H8 H9 a flood of control-service queries (uptime) to the console's device cannot hold back the depth actuator either", async () => {
        // control register 0x186: uptime, answered by the console device's control server
        await depthThroughFlood((srv) => srv.device.service(0), 0x186)
    }, 60000)

    test("H9 a flood of mixed console commands at 100 frames/s for 6 s does not exhaust the heap; the console still answers after", async () => {
        const { rig, watch, link, srv } = await rigWithConsole()
        const areas = P.areas.map((a) => a.id)
        let req = 1000
        const n = await flood(6000, 10, (i) => {
            const k = i % 8
            const a = areas[i % areas.length]
            const pkt =
                k === 0 ? Packet.from(CMD_SET_PRESET, jdpack(FMT_SET_PRESET, [req++, 250, 100000, 2, a]))
                : k === 1 ? Packet.from(CMD_SELECT_AREA, jdpack(FMT_SELECT_AREA, [req++, a]))
                : k === 2 ? Packet.from(CMD_AREA_INFO, new Uint8Array([i % 9]))
                : k === 3 ? Packet.onlyHeader(0x1000 | REG_STATUS)
                : k === 4 ? Packet.from(CMD_REVERT_PRESETS, jdpack(FMT_REQUEST, [req++]))
                : k === 5 ? Packet.from(CMD_SAVE_PRESETS, jdpack(FMT_REQUEST, [req++]))
                // the same save again (a console repeating a request it got no answer to)
                : k === 6 ? Packet.from(CMD_SAVE_PRESETS, jdpack(FMT_REQUEST, [req - 1]))
                : Packet.from(CMD_IMPORT_PRESETS, new Uint8Array([...jdpack(FMT_REQUEST, [req++]), 0xc4, 9, 0, 0, 0xa0, 0x86, 1, 0, 2, 0, 3, 0]))
            void srv.sendPacketAsync(pkt)

        })
        await loopAlive(rig, watch)
        const s = await link.status()
        // the flood changes presets and areas but arms nothing. A sensor gone silent, or the depth
        // actuator not following, may be the simulator's process stalling (a loaded host: its plant
        // lost time, SimPen.lostMs), never the flood's doing: any fault with no lost plant time, or
        // another fault, fails. (A depth_not_following with none lost, seen twice, was the flood's:
        // the console's replies held the depth write back, fixed 2026-12-05, the test above)
        if (s.state === "fault") {
            const why = `fault ${s.fault}: ${s.reason}; the plant lost ${rig.pen.lostMs.toFixed(0)} ms to host stalls`
            expect(["force_stale", "stroke_silent", "depth_missing", "depth_not_following"], why).toContain(s.fault)
            expect(rig.pen.lostMs, why).toBeGreaterThanOrEqual(50)
            console.log(`allowed: ${why}`)
        } else expect(s.state).toBe("idle")
        expect(watch.trouble()).toBe("")
        console.log(`${n} mixed console frames in 6 s: no panic, no restart; ${watch.drops.slice(-1)[0] ?? "no drop line"}`)
    }, 60000)

    test("H9 a flood of save_presets at 100 frames/s for 6 s does not exhaust the heap; one save runs at a time", async () => {
        const { rig, watch, link, srv, bench } = await rigWithConsole(true)
        let req = 5000
        const replies: string[] = []
        srv.on(REPORT_RECEIVE, (p: Packet) => {
            if (p.serviceCommand === CMD_SAVE_PRESETS) replies.push(p.data.length > 5 ? new TextDecoder().decode(p.data.slice(5)) : "")
        })
        // the live heap before, then every 300 ms through the flood
        const live = [(await bench.liveHeap()).used]
        const before = live[0]
        let flooding = true
        const sampling = (async () => {
            while (flooding) {
                live.push((await bench.liveHeap()).used)
                await new Promise((r) => setTimeout(r, 300))
            }
        })()
        let n = 0
        try {
            n = await flood(6000, 10, () => {
                void srv.sendPacketAsync(Packet.from(CMD_SAVE_PRESETS, jdpack(FMT_REQUEST, [req++])))
            })
        } finally {
            flooding = false
            await sampling
        }
        // bounded: a save with nothing to change ends at once, and each left a fiber waiting up to
        // a second for packet budget to answer while the next began (31 -> 47 KB of the 64 KB heap
        // before the fix; flat within ~1 KB after)
        expect(live.length, "live-heap samples during the flood").toBeGreaterThanOrEqual(10)
        expect(Math.max(...live) - before, `live heap ${live.join(" ")} B`).toBeLessThanOrEqual(4096)
        await loopAlive(rig, watch)
        // the console still works: a save of its own is answered
        const r = await link.save()
        expect(r.message).toMatch(/saved|stored|already/)
        expect(watch.trouble()).toBe("")
        expect((await link.status()).state).toBe("idle")
        console.log(`${n} save_presets in 6 s: no panic, no restart; ${replies.length} answers, e.g. ${[...new Set(replies)].slice(0, 3).join(" | ")}`)
    }, 60000)

    test("H11 a new_session with a too-short payload is refused with a reason", async () => {
        const { rig, watch, srv } = await rigWithConsole()
        const got: string[] = []
        srv.on(REPORT_RECEIVE, (p: Packet) => {
            if (p.serviceCommand === CMD_NEW_SESSION) got.push(new TextDecoder().decode(p.data.slice(5)))
        })
        await srv.sendPacketAsync(Packet.from(CMD_NEW_SESSION, new Uint8Array([1, 2])))
        await rig.pen.until(() => got.length > 0 || watch.trouble() !== "", 5000, "an answer to a short new_session")
        expect(watch.trouble()).toBe("")
        expect(got[0]).toMatch(/payload|bytes/)
    }, 30000)
})
