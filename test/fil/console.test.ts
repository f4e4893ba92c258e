// Firmware in the loop with the console attached: the console's traffic must not cost the needle
// stop its packet budget. The firmware's console server sends each reply only while two packets
// stay in reserve (drivers/console-server.ts); here a console polls the status at its fastest
// (4 a second, as `watch` does) and reads the whole area table every second, while the hand
// presses too hard 50 times. Same bounds as the cutoff test without a console (firmware.test.ts).
import { afterEach, beforeAll, describe, expect, test } from "vitest"
import { existsSync } from "node:fs"
import { Packet, REPORT_RECEIVE } from "jacdac-ts"
import { CMD_AREA_INFO, REG_STATUS, SRV_PEN_CONSOLE } from "../../drivers/wire"
import { PenLink } from "../../console/link"
import { connectLoopback } from "../../console/transports"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"
import { BYTECODE } from "../../sim/vm"
import { P90_GUARD_MS, WORST_GUARD_MS, cutoffLatencies, latencySummary } from "./cutoffs"

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


describe("firmware in the loop, console attached", () => {
    test("H2 force above the cutoff stops the drive while a console polls: latency over 50 presses", async () => {
        const rig = new Rig(P)
        rigs.push(rig)
        await rig.start()
        const link = await connectLoopback(rig.hub.port)
        links.push(link)

        // what the pen's console server sends, counted on the simulator's bus
        const serverDevice = link.bus.services({ serviceClass: SRV_PEN_CONSOLE })[0].device.deviceId
        let serverPackets = 0
        rig.pen.bus.on("packetProcess", (p: Packet) => {
            if (p.deviceIdentifier === serverDevice && p.isReport) serverPackets++
        })

        // the console: status as fast as it polls, the area table every second
        let polling = true
        let statusReplies = 0
        let tableReplies = 0
        const poll = (async () => {
            let lastTable = 0
            while (polling) {
                await link.status()
                statusReplies++
                if (performance.now() - lastTable > 1000) {
                    lastTable = performance.now()
                    await link.areas()
                    tableReplies++
                }
            }
        })()

        // the forehead (60 cm², 3 passes): 50 presses on the skin are ~1.5 passes of its dose, the
        // periorbital area (9.6 cm², 2 passes) would lock half way
        await rig.pen.press("area")
        await rig.pen.until(() => rig.status?.fields.area === "forehead", 3000, "the forehead")
        await rig.pen.press("trigger")
        await rig.waitState("armed")
        const t0 = performance.now()
        const packets0 = serverPackets
        const latencies = await cutoffLatencies(rig, 50)
        const seconds = (performance.now() - t0) / 1000
        const sent = serverPackets - packets0
        polling = false
        await poll

        const { p90, worst, text } = latencySummary(latencies)
        console.log(
            `cutoff latency with the console polling, over ${latencies.length} presses: ${text}; ` +
                `console got ${statusReplies} status and ${tableReplies} area tables in ${seconds.toFixed(1)} s; the pen's console server sent ${(sent / seconds).toFixed(1)} packets/s`
        )
        // the console was really talking to the pen the whole time
        expect(statusReplies).toBeGreaterThan(seconds * 2)
        expect(tableReplies).toBeGreaterThan(seconds / 3)
        // same bounds as without a console (firmware.test.ts)
        expect(Math.min(...latencies)).toBeGreaterThanOrEqual(0)
        // regression guards (test/fil/cutoffs.ts); the goal is judged by the bench
        expect(p90).toBeLessThanOrEqual(P90_GUARD_MS)
        expect(worst).toBeLessThanOrEqual(WORST_GUARD_MS)
        // one needling throughout: easing off never ended it, and every press was recorded
        expect(rig.events.filter((e) => e.kind === "needling_start").length).toBe(1)
        expect(rig.events.filter((e) => e.kind === "over_pressure").length).toBe(50)
    }, 120000)

    test("H2 a console that floods the pen with requests cannot delay the stop: latency over 20 presses", async () => {
        const rig = new Rig(P)
        rigs.push(rig)
        await rig.start()
        const link = await connectLoopback(rig.hub.port)
        links.push(link)
        const srv = link.bus.services({ serviceClass: SRV_PEN_CONSOLE })[0]
        let replies = 0
        srv.on(REPORT_RECEIVE, () => replies++)
        // 100 requests a second (25 times what the console asks), never waiting for an answer:
        // a status get and an area query every 20 ms
        let flooding = true
        const flood = (async () => {
            while (flooding) {
                void srv.sendPacketAsync(Packet.onlyHeader(0x1000 | REG_STATUS))
                void srv.sendPacketAsync(Packet.from(CMD_AREA_INFO, new Uint8Array([4])))
                await new Promise((r) => setTimeout(r, 20))
            }
        })()
        await rig.pen.press("trigger")
        await rig.waitState("armed")
        const t0 = performance.now()
        const latencies = await cutoffLatencies(rig, 20)
        const seconds = (performance.now() - t0) / 1000
        flooding = false
        await flood
        const { p90, worst, text } = latencySummary(latencies)
        console.log(`cutoff latency under a flood of 100 console requests/s, over ${latencies.length} presses: ${text}; the pen answered ${(replies / seconds).toFixed(1)}/s`)
        expect(replies).toBeGreaterThan(0)
        // regression guards (test/fil/cutoffs.ts); the goal is judged by the bench
        expect(p90).toBeLessThanOrEqual(P90_GUARD_MS)
        expect(worst).toBeLessThanOrEqual(WORST_GUARD_MS)
        expect(rig.events.filter((e) => e.kind === "over_pressure").length).toBe(20)
        expect(rig.events.some((e) => e.kind === "fault")).toBe(false)
    }, 60000)
})
