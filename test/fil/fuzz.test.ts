// Firmware in the loop, fuzzed (test/fil/fuzzer.ts): a small seeded run in `npm test`; the large
// one is `npm run fuzz`. Seeds are fixed, so a failure here replays with the same packets.
import { beforeAll, describe, expect, test } from "vitest"
import { existsSync } from "node:fs"
import { JDServiceServer, Packet } from "jacdac-ts"
import { Rig } from "../../sim/rig"
import { VmWatch } from "./robust"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { BYTECODE } from "../../sim/vm"
import { fuzzOnce, summary } from "./fuzzer"

beforeAll(() => {
    // jacdac-ts on the host asserts on every not-implemented answer the fuzz provokes: not ours to print
    console.assert = () => {}
    if (!existsSync(BYTECODE)) throw new Error("firmware not built: run `npm run build` (npm test does it)")
})

describe("firmware in the loop, fuzzed inputs", () => {
    test("H9 H1 H2 random and malformed packets (console, control, every device's reports) at 150/s: no panic, no restart, the loop runs, no limit breached, nothing changes unexplained", async () => {
        const r = await fuzzOnce(FACTORY_PROFILE, { seed: 11, durationMs: 8000, rate: 150 })
        console.log(summary(r))
        expect(r.panics).toEqual([])
        expect(r.restarts).toBe(0)
        expect(r.breaches).toEqual([])
        expect(r.unexplained).toEqual([])
        // 300 a second nominal (a 10 ms tick, plus one per 5 ms force sample); a loaded 2-core host halves it at times
        expect(r.minTps).toBeGreaterThanOrEqual(50)
        expect(r.packets.total).toBeGreaterThan(1000)
    }, 40000)

    test("H4 H6 H7 H8 a sensor reading of the wrong size is ignored: the needle keeps running, no fault, never a NaN drive", async () => {
        const watch = new VmWatch()
        const duties: string[] = []
        const rig = new Rig(FACTORY_PROFILE, {
            onLine: (l) => {
                watch.onLine(l)
                const m = / duty=(\S+)/.exec(l)
                if (l.startsWith("STATUS ") && m) duties.push(m[1])
            },
        })
        try {
            await rig.start()
            await rig.pen.press("trigger")
            await rig.waitState("armed")
            rig.pen.handForceN = 1.5
            await rig.waitState("treating")
            await rig.pen.until(() => rig.pen.duty() > 0.05, 3000, "the needle running")
            const from = duties.length
            const sensors: [string, JDServiceServer][] = [
                ["pressure", rig.pen.pressure], ["stroke", rig.pen.encoder], ["depthPos", rig.pen.depthPos], ["trigger", rig.pen.trigger], ["area", rig.pen.area],
            ]
            for (const [, srv] of sensors)
                for (const n of [0, 1, 3, 5, 8]) await srv.sendPacketAsync(Packet.from(0x1101, new Uint8Array(n).fill(0x7f)))
            // a second of STATUS lines after the malformed readings
            await rig.pen.until(() => duties.length >= from + 5 || watch.trouble() !== "", 5000, "STATUS lines")
            expect(watch.trouble()).toBe("")
            expect(duties.slice(from).filter((d) => !(Number(d) >= 0)), "duties the firmware printed").toEqual([])
            expect(rig.state(), rig.explain()).toBe("treating")
            expect(rig.pen.duty()).toBeGreaterThan(0)
        } finally {
            await rig.stop()
        }
    }, 40000)
})
