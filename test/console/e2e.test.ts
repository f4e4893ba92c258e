// The console against the firmware in the DeviceScript VM and the simulated pen, end to end:
// presets saved from the console survive a restart of the firmware; a changed digit in a stored
// record is caught; bad input is refused by the firmware's core and changes nothing; export and
// import round-trip; `npm run console` runs as a program. Each test has its own hub and VM.
// Nothing here arms the pen, so a stalled VM timer on a busy machine cannot trip a fault; the
// commands refused during a pass are tested with the firmware in the loop (test/fil/console.test.ts).
import { spawn } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Writable } from "node:stream"
import { afterEach, beforeAll, describe, expect, test } from "vitest"
import { Packet, REPORT_RECEIVE, jdunpack } from "jacdac-ts"
import { runConsole } from "../../console/app"
import { PenLink } from "../../console/link"
import { connectLoopback } from "../../console/transports"
import { CMD_NOT_IMPLEMENTED, FMT_STATUS_V1, REG_STATUS_V1, RETIRED_TEXT, SRV_PEN_CONSOLE } from "../../drivers/wire"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"
import { BYTECODE, ROOT, freshVmDir } from "../../sim/vm"
import { scratchDir } from "../../sim/scratch"

const rigs: Rig[] = []

beforeAll(() => {
    if (!existsSync(BYTECODE)) throw new Error("firmware not built: run `npm run build` (npm test does it)")
})

afterEach(async () => {
    while (rigs.length) await rigs.pop()!.stop()
})

async function startRig(vmDir?: string) {
    const rig = new Rig(FACTORY_PROFILE, { vmDir })
    rigs.push(rig)
    await rig.start()
    return rig
}

/** the console, in this process, with --json: results by command */
async function cli(rig: Rig, ...commands: string[]) {
    let text = ""
    const stdout = new Writable({
        write(c, _e, cb) {
            text += c.toString()
            cb()
        },
    })
    const dir = scratchDir("pen-e2e-")
    const file = join(dir, "script.txt")
    writeFileSync(file, commands.join("\n") + "\n")
    const code = await runConsole(["--port", String(rig.hub.port), "--json", "--file", file], { stdout, stderr: stdout, interactive: false })
    const results = text.trim().split("\n").map((l) => JSON.parse(l))
    return { code, results, one: results[0] }
}

/** the console as its own process (not spawnSync: the simulator runs in this one) */
function program(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const p = spawn(join(ROOT, "node_modules/.bin/tsx"), ["console/main.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })
        let stdout = ""
        let stderr = ""
        p.stdout.on("data", (d) => (stdout += d))
        p.stderr.on("data", (d) => (stderr += d))
        const timer = setTimeout(() => p.kill("SIGKILL"), 20000)
        p.on("close", (status) => {
            clearTimeout(timer)
            resolve({ status, stdout, stderr })
        })
    })
}

/** the pen's answer to a raw register read: [its service command, its payload] */
async function rawGet(link: PenLink, code: number): Promise<[number, Uint8Array]> {
    const srv = link.bus.services({ serviceClass: SRV_PEN_CONSOLE })[0]
    for (let tries = 0; tries < 20; tries++) {
        const got = await new Promise<Packet | undefined>((resolve) => {
            const on = (p: Packet) => {
                const echo = p.serviceCommand === CMD_NOT_IMPLEMENTED && (p.data[0] | (p.data[1] << 8)) === code
                if (p.serviceCommand !== code && !echo) return
                srv.off(REPORT_RECEIVE, on)
                clearTimeout(timer)
                resolve(p)
            }
            const timer = setTimeout(() => {
                srv.off(REPORT_RECEIVE, on)
                resolve(undefined)
            }, 300)
            srv.on(REPORT_RECEIVE, on)
            void srv.sendPacketAsync(Packet.onlyHeader(code))
        })
        if (got) return [got.serviceCommand, got.data]
    }
    throw new Error(`no answer to 0x${code.toString(16)}`)
}

function area(presets: any, id: string) {
    return presets.data.areas.find((a: any) => a.id === id)
}

describe("console end to end, firmware in the VM", () => {
    test("H1 H10 a preset changed and saved from the console survives a restart of the firmware", async () => {
        const rig = await startRig(freshVmDir())
        const r = await cli(rig, "set cheeks depth 1.5 rate 140 passes 2", "save", "set nose depth 0.5")
        expect(r.results.map((x) => [x.ok, x.message])).toEqual([
            [true, "preset cheeks: 1.50 mm, 140 strokes/s, 2 passes"],
            [true, "presets saved: cheeks; stored and read back"],
            [true, "preset nose: 0.50 mm, 100 strokes/s, 2 passes"],
        ])
        await rig.reboot()
        const after = await cli(rig, "presets", "select cheeks", "status")
        expect(area(after.results[0], "cheeks")).toMatchObject({
            working: { depthMm: 1.5, strokeHz: 140, passLimit: 2 }, saved: { depthMm: 1.5, strokeHz: 140, passLimit: 2 }, source: "stored",
        })
        // the unsaved change did not survive
        expect(area(after.results[0], "nose")).toMatchObject({ working: { depthMm: 0.25, strokeHz: 100, passLimit: 2 }, source: "stored" })
        expect(after.results[2].data).toMatchObject({ areaId: "cheeks", depthSetMm: 1.5, strokeSetHz: 140, passLimit: 2, presetFallback: false })
    }, 40000)

    test("H1 H10 a changed digit in both copies of a stored preset record: the area gets its factory preset and the console says so", async () => {
        const dir = freshVmDir()
        let rig = await startRig(dir)
        expect((await cli(rig, "set cheeks depth 1.5", "save")).code).toBe(0)
        await rig.stop()
        rigs.length = 0
        // the settings store keeps no checksum of its own: change one digit of the record in the
        // flash, in both copies (drivers/persist.ts: with one good copy left the pen uses it)
        const flash = join(dir, ".devicescript/flash/sim.bin")
        const bytes = readFileSync(flash)
        let changed = 0
        for (let at = bytes.indexOf("P1|cheeks|1500|"); at >= 0; at = bytes.indexOf("P1|cheeks|1500|", at + 1)) {
            bytes.write("1900", at + "P1|cheeks|".length, "latin1")
            changed++
        }
        expect(changed, "both copies found in the flash").toBeGreaterThanOrEqual(2)
        writeFileSync(flash, bytes)

        rig = await startRig(dir)
        await rig.waitEvent("preset_fallback")
        const fallback = rig.events.find((e) => e.kind === "preset_fallback")
        expect(fallback?.message).toBe("preset record for cheeks fails its checksum: using the factory preset for cheeks (1.00 mm, 120 strokes/s, 3 passes)")
        expect(fallback?.areaId).toBe("cheeks")
        const r = await cli(rig, "status", "presets")
        expect(r.results[0].data.presetFallback).toBe(true)
        expect(r.results[0].message).toContain("presets=factory-fallback")
        expect(area(r.results[1], "cheeks")).toMatchObject({ working: { depthMm: 1, strokeHz: 120, passLimit: 3 }, source: "fallback" })
        expect(r.results[1].message).toMatch(/cheeks .* factory \(stored record was bad\)/)
        expect(rig.state()).toBe("idle") // the factory preset is safe: no fault
    }, 40000)

    test("H1 H11 bad input is refused by the firmware's core with what is allowed, and nothing changes", async () => {
        const rig = await startRig()
        const presetsOf = (areas: any[]) => areas.map((a) => ({ id: a.id, working: a.working, saved: a.saved, source: a.source }))
        const presets0 = presetsOf((await cli(rig, "presets")).one.data.areas)
        const bad = await cli(
            rig,
            "set cheeks depth 2.5",
            "set body depth 3.5",
            "set cheeks rate 151",
            "set cheeks passes 4",
            "set cheeks depth 1,5",
            "set elbow depth 1",
            "select elbow",
            "clear-fault",
            "new-session"
        )
        expect(bad.code).toBe(1)
        expect(bad.results.map((x) => [x.ok, x.message])).toEqual([
            [false, "depth 2.50 mm above the cheeks cap of 2.00 mm"],
            [false, "depth 3.50 mm above the hard maximum of 3.00 mm"],
            [false, "stroke rate 151 strokes/s is outside 50..150"],
            [false, "pass limit 4 is outside 1..3"],
            [false, `"1,5" is not a number: give depth in millimetres, e.g. 0.5`],
            [false, "unknown area elbow: known areas are periorbital, forehead, nose, perioral, cheeks, scalp, body"],
            [false, "unknown area elbow: known areas are periorbital, forehead, nose, perioral, cheeks, scalp, body"],
            [false, "no fault to clear"],
            [false, "new-session clears the dose ledger and needs confirmation: run it as `new-session --yes` (or give --yes)"],
        ])
        // the firmware logged each refusal it made
        await rig.pen.until(() => rig.events.filter((e) => e.kind === "refused").length === 7, 3000, "7 refusals in the firmware's log")

        const after = await cli(rig, "presets", "status")
        expect(presetsOf(after.results[0].data.areas)).toEqual(presets0)
        expect(after.results[1].data).toMatchObject({ areaId: "periorbital", passesUsed: 0, presetsUnsaved: false })
        // (refusals during a pass: test/fil/console.test.ts, where the VM runs on a quiet machine)
    }, 40000)

    test("export then import round-trips through the firmware", async () => {
        const rig = await startRig()
        const dir = scratchDir("pen-e2e-")
        const a = join(dir, "a.json")
        const b = join(dir, "b.json")
        const r = await cli(rig, "set cheeks depth 1.5 rate 140 passes 2", "set scalp depth 1.2", "save", `export ${a}`,
            "set cheeks depth 1 rate 120 passes 3", "set scalp depth 0.6", "save", `import ${a}`, `export ${b}`, "presets")
        expect(r.code).toBe(0)
        expect(r.results[7].message).toMatch(/^imported 7 presets from .*a\.json: presets saved: cheeks, scalp; stored and read back$/)
        expect(readFileSync(b, "utf8")).toBe(readFileSync(a, "utf8"))
        const file = JSON.parse(readFileSync(a, "utf8"))
        expect(file.areas.map((x: any) => x.id)).toEqual(FACTORY_PROFILE.areas.map((x) => x.id))
        expect(file.areas[4]).toEqual({ id: "cheeks", label: "Cheeks and chin (incl. acne scars)", depthCapMm: 2, preset: { depthMm: 1.5, strokeHz: 140, passLimit: 2 } })
        expect(area(r.results[9], "scalp")).toMatchObject({ working: { depthMm: 1.2 }, saved: { depthMm: 1.2 } })
    }, 40000)

    test("H10 H11 cartridge: listed with the fitted one marked, selected through the core, stored on the pen and restored after a restart", async () => {
        const rig = await startRig(freshVmDir())
        const r = await cli(rig, "cartridge", "cartridge n24", "cartridge n99", "status", "areas")
        expect(r.results.map((x) => x.ok)).toEqual([true, true, false, true, true])
        expect(r.results[0].data.cartridges.map((c: any) => [c.id, c.needles, c.footprintMm, c.fitted])).toEqual([
            ["n12", 12, 7, true], ["n14", 14, 7, false], ["n24", 24, 8, false], ["n36", 36, 9, false],
        ])
        expect(r.results[1].message).toBe("cartridge n24 (24 needles): 24 needles, 8.0 mm field; stored and read back")
        expect(r.results[2].message).toBe("unknown cartridge n99: known cartridges are n12 (12 needles), n14 (14 needles), n24 (24 needles), n36 (36 needles)")
        expect(r.results[3].data).toMatchObject({ cartridgeId: "n24", needles: 24, passesUsed: 0, passLimit: 2 })
        expect(r.results[3].message).toContain(" pass=0.00/2 cart=n24 ")
        expect(r.results[4].data.areas.find((a: any) => a.id === "cheeks")).toMatchObject({ passes: 0, punctures: 0, areaCm2: 48, densityPerCm2: 0 })
        await rig.pen.until(() => rig.events.some((e) => e.kind === "info" && e.message === "cartridge n24 stored"), 3000, "the firmware's line")
        // the store holds the new cartridge: a needling may start (the core waits until it does)
        await rig.pen.press("trigger")
        await rig.waitState("armed")
        rig.pen.handForceN = 1.5
        await rig.pen.until(() => rig.pen.duty() > 0, 3000, "drive on the skin with n24 stored")
        rig.pen.handForceN = 0
        await rig.reboot()
        const after = await cli(rig, "status", "cartridge")
        expect(after.results[0].data).toMatchObject({ cartridgeId: "n24", needles: 24 })
        expect(after.results[1].data).toMatchObject({ fitted: "n24" })
    }, 60000)

    test("H10 a changed digit in both copies of the stored cartridge record: the pen counts with the profile's cartridge and says so", async () => {
        const dir = freshVmDir()
        let rig = await startRig(dir)
        expect((await cli(rig, "cartridge n36")).code).toBe(0)
        await rig.stop()
        rigs.length = 0
        const flash = join(dir, ".devicescript/flash/sim.bin")
        const bytes = readFileSync(flash)
        let changed = 0
        for (let at = bytes.indexOf("C1|n36|"); at >= 0; at = bytes.indexOf("C1|n36|", at + 1)) {
            bytes.write("n37", at + "C1|".length, "latin1")
            changed++
        }
        expect(changed, "both copies found in the flash").toBeGreaterThanOrEqual(2)
        writeFileSync(flash, bytes)
        rig = await startRig(dir)
        const said = "cartridge record fails its checksum: counting with n36 (36 needles, the most) until the fitted cartridge is selected"
        await rig.pen.until(() => rig.events.some((e) => e.kind === "info" && e.message === said), 5000, "the fallback said")
        const r = await cli(rig, "status")
        expect(r.one.data).toMatchObject({ cartridgeId: "n36", needles: 36, state: "idle", fault: "" })
    }, 60000)

    test("wire version: the console reads 2; what a version-1 pen answers to wire_version is what the console reads as version 1; an old console's status says to update", async () => {
        const rig = await startRig()
        const link = await connectLoopback(rig.hub.port)
        try {
            expect(await link.wireVersion()).toBe(2)
            // a register this firmware does not have is answered as a version-1 firmware answers
            // wire_version (the same server code): "not implemented", naming the request
            const [cmd, data] = await rawGet(link, 0x1000 | 0x1ff)
            expect(cmd).toBe(CMD_NOT_IMPLEMENTED)
            expect(data[0] | (data[1] << 8)).toBe(0x1000 | 0x1ff)
            // an old console reads the old status register: the old layout, with why to update
            const [code, old] = await rawGet(link, 0x1000 | REG_STATUS_V1)
            expect(code).toBe(0x1000 | REG_STATUS_V1)
            const v = jdunpack(old, FMT_STATUS_V1)
            expect([v[0], v[10], v[11], v[13], v[14]]).toEqual([0, 0, 2, "periorbital", RETIRED_TEXT])
            // the old area_info code is gone: "not implemented", never a new layout read as the old
            const [gone] = await rawGet(link, 0x81)
            expect(gone).toBe(CMD_NOT_IMPLEMENTED)
        } finally {
            await link.close()
        }
    }, 60000)

    test("npm run console runs as a program: --json status, and a clear message with exit 2 when no pen is there", async () => {
        const rig = await startRig()
        const ok = await program("--port", String(rig.hub.port), "--json", "status")
        expect(ok.status).toBe(0)
        expect(JSON.parse(ok.stdout.trim())).toMatchObject({ command: "status", ok: true, data: { state: "idle", areaId: "periorbital" } })
        const none = await program("--port", "1", "status")
        expect(none.status).toBe(2)
        expect(none.stderr).toContain("error: cannot reach the pen simulator at 127.0.0.1:1 (ECONNREFUSED): start the simulated pen with `npm run pen`")
    }, 40000)
})
