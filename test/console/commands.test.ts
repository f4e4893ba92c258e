// The console's commands against the real control core (test/console/fakepen.ts; no VM): bad
// input changes nothing and says what was wrong and what is allowed, in the core's own words;
// export and import round-trip; an import is checked whole before anything is sent.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Readable, Writable } from "node:stream"
import { describe, expect, test } from "vitest"
import { parseArgs, runConsole } from "../../console/app"
import { Ctx, execute, parseNumber, words } from "../../console/commands"
import { planImport } from "../../console/files"
import { boundRig, touchUntilTreating } from "../core/penkit"
import { FakePen } from "./fakepen"
import { scratchDir } from "../../sim/scratch"

interface Line {
    command: string | null
    ok: boolean
    message: string
    data: any
}

function collector() {
    let text = ""
    const stream = new Writable({
        write(chunk, _enc, cb) {
            text += chunk.toString()
            cb()
        },
    })
    return { stream, text: () => text }
}

/** runs the console on `lines` (stdin, --json) against `pen`; returns the exit status and results */
async function consoleRun(pen: FakePen, lines: string[], flags: string[] = ["--json"]) {
    const out = collector()
    const err = collector()
    const code = await runConsole(flags, { stdin: Readable.from([lines.join("\n") + "\n"]), stdout: out.stream, stderr: err.stream, interactive: false }, { pen })
    const results: Line[] = flags.includes("--json") ? out.text().trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []
    return { code, results, text: out.text(), err: err.text() }
}

async function fakePen() {
    return new FakePen(await boundRig())
}

const snapshot = (pen: FakePen) => JSON.stringify(pen.rig.pen.presets.info()) + JSON.stringify(pen.rig.pen.status())

describe("console commands", () => {
    test("H11 malformed numbers are refused by the console, with the unit, and nothing is sent", async () => {
        const pen = await fakePen()
        const before = snapshot(pen)
        const { code, results } = await consoleRun(pen, [
            "set cheeks depth abc",
            "set cheeks depth 1.2.3",
            "set cheeks rate 0x40",
            "set cheeks passes two",
            "set cheeks depth NaN",
            "set cheeks depth 1,5",
            "set cheeks speed 100",
            "set cheeks depth",
            "set cheeks depth 1 depth 2",
        ])
        expect(code).toBe(1)
        expect(results.map((r) => r.ok)).toEqual(Array(9).fill(false))
        expect(results.map((r) => r.message)).toEqual([
            `"abc" is not a number: give depth in millimetres, e.g. 0.5`,
            `"1.2.3" is not a number: give depth in millimetres, e.g. 0.5`,
            `"0x40" is not a number: give rate in strokes per second, e.g. 120`,
            `"two" is not a number: give passes in a whole number of passes, e.g. 2`,
            `"NaN" is not a number: give depth in millimetres, e.g. 0.5`,
            `"1,5" is not a number: give depth in millimetres, e.g. 0.5`,
            `unknown setting "speed": use depth (mm), rate (strokes/s) or passes (pass limit)`,
            "usage: set AREA [depth MM] [rate STROKES/S] [passes N], e.g. set cheeks depth 1.5",
            "depth is given twice",
        ])
        expect(pen.sent).toEqual([])
        expect(snapshot(pen)).toBe(before)
    })

    test("H1 H11 values out of range are refused in the core's words, and nothing changes", async () => {
        const pen = await fakePen()
        const before = snapshot(pen)
        const { code, results } = await consoleRun(pen, [
            "set cheeks depth 2.5",
            "set body depth 3.5",
            "set cheeks depth -0.5",
            "set cheeks depth 0.12",
            "set cheeks depth 0.1234",
            "set cheeks rate 151",
            "set cheeks rate 49",
            "set cheeks rate 120.5",
            "set cheeks passes 4",
            "set cheeks passes 0",
            "set cheeks passes 2.5",
            "set cheeks depth 1e12",
            "set elbow depth 1",
            "select elbow",
        ])
        expect(code).toBe(1)
        expect(results.every((r) => !r.ok)).toBe(true)
        expect(results.map((r) => r.message)).toEqual([
            "depth 2.50 mm above the cheeks cap of 2.00 mm",
            "depth 3.50 mm above the hard maximum of 3.00 mm",
            "depth -0.50 mm is below 0.00 mm",
            "depth 0.120 mm is not a multiple of 0.05 mm",
            "depth 0.123 mm is not a multiple of 0.05 mm",
            "stroke rate 151 strokes/s is outside 50..150",
            "stroke rate 49 strokes/s is outside 50..150",
            "stroke rate must be a whole number of strokes/s from 50 to 150",
            "pass limit 4 is outside 1..3",
            "pass limit 0 is outside 1..3",
            "pass limit must be a whole number from 1 to 3",
            "depth 1000000000000.00 mm above the hard maximum of 3.00 mm",
            "unknown area elbow: known areas are periorbital, forehead, nose, perioral, cheeks, scalp, body",
            "unknown area elbow: known areas are periorbital, forehead, nose, perioral, cheeks, scalp, body",
        ])
        // 0.1234 mm, 1e12 mm and 2.5 passes cannot go on the wire (whole micrometres, i32, whole
        // passes): the console asked the core's own check; the other 11 went to the pen's core
        expect(pen.sent.length).toBe(11)
        expect(snapshot(pen)).toBe(before)
    })

    test("H1 H11 commands that need the needle out of the skin are refused during a pass, nothing changed", async () => {
        const pen = await fakePen()
        pen.rig.cmd({ kind: "toggle_arm" })
        await touchUntilTreating(pen.rig, 1.5)
        pen.rig.cmd({ kind: "set_preset", areaId: "nose", depthMm: 0.5, strokeHz: 100, passLimit: 2 }) // refused too: in a pass
        const before = snapshot(pen)
        const dir = scratchDir("pen-console-")
        writeFileSync(join(dir, "p.json"), JSON.stringify({ areas: [{ id: "nose", preset: { depthMm: 0.5, strokeHz: 100, passLimit: 2 } }] }))
        const { results } = await consoleRun(pen, ["set cheeks depth 1.5", "select cheeks", "save", "revert", "new-session --yes", `import ${join(dir, "p.json")}`], ["--json"])
        expect(results.map((r) => [r.ok, r.message])).toEqual([
            [false, "the needle is in use: presets change only while the needle is out of the skin"],
            [false, "the needle is in use: lift the pen and let the needling end before changing area"],
            [false, "the needle is in use: presets are saved only while the needle is out of the skin"],
            [false, "the needle is in use: presets change only while the needle is out of the skin"],
            [false, "the needle is in use: lift the pen and disarm before starting a new session"],
            [false, "the needle is in use: presets change only while the needle is out of the skin; nothing was changed"],
        ])
        expect(pen.rig.state()).toBe("treating")
        expect(JSON.stringify(pen.rig.pen.presets.info())).toBe(JSON.stringify(JSON.parse(before.slice(0, before.indexOf("]") + 1))))
    })

    test("H11 new-session asks first; a script must say --yes", async () => {
        const pen = await fakePen()
        const r = await consoleRun(pen, ["new-session"])
        expect(r.results[0]).toMatchObject({ ok: false, message: "new-session clears the dose ledger and needs confirmation: run it as `new-session --yes` (or give --yes)" })
        expect(pen.sent).toEqual([])
        const y = await consoleRun(pen, ["new-session --yes"])
        expect(y.results[0]).toMatchObject({ ok: true, message: "new session started: dose ledger cleared" })
        const g = await consoleRun(pen, ["new-session"], ["--json", "--yes"])
        expect(g.results[0].ok).toBe(true)
        expect(g.code).toBe(0)
    })

    test("export then import round-trips, and import saves", async () => {
        const pen = await fakePen()
        const dir = scratchDir("pen-console-")
        const a = join(dir, "a.json")
        const b = join(dir, "b.json")
        let r = await consoleRun(pen, ["set cheeks depth 1.5 rate 140 passes 2", "set nose depth 0.4", "save", `export ${a}`])
        expect(r.code).toBe(0)
        const file = JSON.parse(readFileSync(a, "utf8"))
        expect(file.profileVersion).toBe(1)
        expect(file.name).toBe(pen.rig.p.name)
        expect(file.areas.find((x: any) => x.id === "cheeks")).toEqual({
            id: "cheeks", label: "Cheeks and chin (incl. acne scars)", depthCapMm: 2, preset: { depthMm: 1.5, strokeHz: 140, passLimit: 2 },
        })
        // change everything back, then import the file
        r = await consoleRun(pen, ["set cheeks depth 1 rate 120 passes 3", "set nose depth 0.25", "save", `import ${a}`, `export ${b}`])
        expect(r.code).toBe(0)
        expect(r.results[3].message).toMatch(/^imported 7 presets from .*a\.json: presets saved: nose, cheeks$/)
        expect(readFileSync(b, "utf8")).toBe(readFileSync(a, "utf8"))
        expect(pen.rig.pen.presets.changed()).toBe("")
        expect(pen.rig.pen.presets.savedList()[4]).toEqual({ depthMm: 1.5, strokeHz: 140, passLimit: 2 })
        // devs.json itself is a preset file
        const devs = await consoleRun(pen, [`import ${join(__dirname, "../../devs.json")}`])
        expect(devs.results[0].ok).toBe(true)
        expect(pen.rig.pen.preset("cheeks")).toEqual({ depthMm: 1.0, strokeHz: 120, passLimit: 3 })
    })

    test("H1 H11 an import is checked whole before anything is sent: a bad entry anywhere changes nothing", async () => {
        const pen = await fakePen()
        const dir = scratchDir("pen-console-")
        const good = (id: string) => ({ id, preset: { depthMm: 0.5, strokeHz: 100, passLimit: 2 } })
        const files: [unknown, string][] = [
            ["{ not json", "the file is not JSON"],
            [{ presets: [] }, `the file has no "areas" list`],
            [{ areas: [good("nose"), { id: "cheeks" }] }, `areas[1] (cheeks) has no "preset" object`],
            [{ areas: [good("nose"), { id: "cheeks", preset: { depthMm: "1.5", strokeHz: 120, passLimit: 3 } }] }, `areas[1].preset.depthMm (cheeks) must be a number, found "1.5"`],
            [{ areas: [good("nose"), good("elbow")] }, "unknown area elbow: known areas are periorbital, forehead, nose, perioral, cheeks, scalp, body"],
            [{ areas: [good("nose"), good("nose")] }, "area nose is given twice"],
            [{ areas: [good("nose"), { id: "periorbital", preset: { depthMm: 0.75, strokeHz: 100, passLimit: 2 } }] }, "periorbital: depth 0.75 mm above the periorbital cap of 0.50 mm"],
            [{ areas: [good("nose"), { id: "scalp", preset: { depthMm: 0.6, strokeHz: 100, passLimit: 4 } }] }, "scalp: pass limit 4 is outside 1..3"],
        ]
        const before = snapshot(pen)
        for (const [content, says] of files) {
            const f = join(dir, "f.json")
            writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content))
            const r = await consoleRun(pen, [`import ${f}`])
            expect(r.results[0].ok).toBe(false)
            expect(r.results[0].message).toContain(says)
            expect(r.results[0].message).toMatch(/nothing was changed$/)
        }
        const missing = await consoleRun(pen, [`import ${join(dir, "none.json")}`])
        expect(missing.results[0].message).toMatch(/^cannot read .*none\.json: ENOENT/)
        expect(pen.sent).toEqual([])
        expect(snapshot(pen)).toBe(before)
        // unsaved changes first: the import would lose them
        await consoleRun(pen, ["set cheeks depth 1.5"])
        writeFileSync(join(dir, "g.json"), JSON.stringify({ areas: [good("nose")] }))
        const u = await consoleRun(pen, [`import ${join(dir, "g.json")}`])
        expect(u.results[0].message).toBe("the pen has preset changes that are not saved: save or revert them first; nothing was changed")
    })

    test("the file check uses the pen's caps, and says when the file's differ", async () => {
        const pen = await fakePen()
        const areas = await pen.areas()
        const plan = planImport(JSON.stringify({ areas: [{ id: "cheeks", depthCapMm: 3, preset: { depthMm: 2.0, strokeHz: 120, passLimit: 3 } }] }), areas)
        expect(plan.error).toBe("")
        expect(plan.wire).toEqual([{ index: 4, depthUm: 2000, strokeMhz: 120000, passLimit: 3 }])
        expect(plan.notes).toEqual([
            "cheeks: the file says cap 3 mm; the pen's own cap of 2 mm applies",
            "not in the file, unchanged: periorbital, forehead, nose, perioral, scalp, body",
        ])
    })

    test("text output, status line, tables, help and unknown commands", async () => {
        const pen = await fakePen()
        const r = await consoleRun(pen, ["status", "areas", "presets", "help", "frobnicate", "status now"], [])
        expect(r.code).toBe(1)
        const t = r.text
        expect(t).toContain(`state=idle area=periorbital depth=0.25/0.25mm rate=100/0Hz force=0.00N pass=0.00/2 cart=n12 duty=0.00 why="disarmed: press the trigger to arm"`)
        // dose, punctures, per cm², cm², treated s, too hard
        expect(t).toMatch(/\*\s+periorbital\s+Periorbital \(around the eyes\)\s+0\.50\s+0\.25\s+100\s+0\.00\/2\s+0\s+0\s+9\.6\s+0\s+0/)
        expect(t).toMatch(/cheeks\s+2\.00\s+1\.00 mm 120\/s 3x\s+1\.00 mm 120\/s 3x\s+factory/)
        expect(t).toContain("set AREA [depth MM] [rate STROKES/S] [passes N]")
        expect(t).toContain(`refused: unknown command "frobnicate": status, watch, areas, presets, set, save, revert, select, cartridge, new-session, clear-fault, selftest, bringup, timing, calibration, export, import, help, quit (help for more)`)
        expect(t).toContain("refused: status takes no arguments")
    })

    test("--json gives one object per command; watch polls at most 4 times a second", async () => {
        const pen = await fakePen()
        const t0 = Date.now()
        const r = await consoleRun(pen, ["status", "watch 1", "select cheeks", "status"])
        const ms = Date.now() - t0
        const objs = r.text.trim().split("\n").map((l) => JSON.parse(l))
        const watch = objs.filter((o) => o.watch)
        expect(watch.length).toBeGreaterThanOrEqual(3)
        expect(watch.length).toBeLessThanOrEqual(5)
        expect(watch[0].watch).toMatchObject({ state: "idle", areaId: "periorbital", depthSetMm: 0.25, passLimit: 2 })
        expect(r.results.filter((o) => o.command).map((o) => [o.command, o.ok])).toEqual([
            ["status", true], ["watch 1", true], ["select cheeks", true], ["status", true],
        ])
        expect(r.results.find((o) => o.command === "select cheeks")!.message).toBe("area cheeks: 0.00/3 passes used, depth 1.00 mm")
        expect(r.results[r.results.length - 1].data).toMatchObject({ areaId: "cheeks", depthSetMm: 1, strokeSetHz: 120, presetsUnsaved: false })
        expect(ms).toBeGreaterThanOrEqual(1000)
    })

    test("H11 areas: the dose of each area as 1.42/3, its punctures and density per cm², area size", async () => {
        const pen = await fakePen()
        pen.rig.cmd({ kind: "toggle_arm" })
        await touchUntilTreating(pen.rig, 1.5)
        await pen.rig.run(3000)
        const r = await consoleRun(pen, ["areas"])
        const peri = r.results[0].data.areas.find((a: any) => a.id === "periorbital")
        const e = pen.rig.pen.ledgerEntries()[0]
        expect(e.punctures).toBeGreaterThan(1000)
        // what the pen's ledger holds, through the wire's units (hundredths of a pass, whole punctures)
        expect(peri).toMatchObject({ passes: Math.round(e.passes * 100) / 100, punctures: Math.round(e.punctures), areaCm2: 9.6 })
        expect(peri.densityPerCm2).toBeCloseTo(Math.round(e.punctures) / 9.6, 6)
        const text = await consoleRun(pen, ["areas"], [])
        const dose = `${(Math.round(e.passes * 100) / 100).toFixed(2)}/2`
        expect(text.text).toMatch(new RegExp(`periorbital .* ${dose.replace(".", "\\.")}\\s+${Math.round(e.punctures)}\\s+${Math.round(Math.round(e.punctures) / 9.6)}\\s+9\\.6\\s`))
    })

    test("H11 cartridge: lists the cartridges with the fitted one marked; cartridge ID selects it through the core, refusals in its words", async () => {
        const pen = await fakePen()
        const r = await consoleRun(pen, ["cartridge", "cartridge n24", "cartridge", "status", "cartridge n99", "cartridge a b"])
        expect(r.results.map((x) => x.ok)).toEqual([true, true, true, true, false, false])
        expect(r.results[0].data).toMatchObject({ fitted: "n12" })
        expect(r.results[0].data.cartridges.map((c: any) => [c.id, c.needles, c.fitted])).toEqual([["n12", 12, true], ["n14", 14, false], ["n24", 24, false], ["n36", 36, false]])
        expect(r.results[1].message).toBe("cartridge n24 (24 needles): 24 needles, 8.0 mm field")
        expect(r.results[2].data).toMatchObject({ fitted: "n24" })
        expect(r.results[3].data).toMatchObject({ cartridgeId: "n24", needles: 24 })
        expect(r.results[4].message).toBe("unknown cartridge n99: known cartridges are n12 (12 needles), n14 (14 needles), n24 (24 needles), n36 (36 needles)")
        expect(r.results[5].message).toBe("usage: cartridge [ID], e.g. cartridge n12")
        expect(pen.sent).toEqual(["select_cartridge", "select_cartridge"])
        const text = await consoleRun(pen, ["cartridge"], [])
        expect(text.text).toMatch(/^\s+cartridge\s+needles\s+field mm\s+label\n\s+n12\s+12\s+7\.0\s+12 needles, round\n(.*\n)?\*\s+n24\s+24\s+8\.0\s+24 needles/m)
        // on the skin the core refuses, and the cartridge stays
        pen.rig.cmd({ kind: "toggle_arm" })
        await touchUntilTreating(pen.rig, 1.5)
        const busy = await consoleRun(pen, ["cartridge n12", "status"])
        expect(busy.results[0]).toMatchObject({ ok: false, message: "the needle is in use: lift the pen and let the needling end before changing the cartridge" })
        expect(busy.results[1].data).toMatchObject({ cartridgeId: "n24" })
    })

    test("options: bad ones exit 2 with the usage; --serial takes an optional port", async () => {
        expect(parseArgs(["--serial", "/dev/ttyUSB0", "status"])).toMatchObject({ serial: true, serialPath: "/dev/ttyUSB0", command: ["status"] })
        expect(parseArgs(["--serial", "status"])).toMatchObject({ serial: true, serialPath: "", command: ["status"] })
        expect(parseArgs(["--serial", "--json"])).toMatchObject({ serial: true, serialPath: "", json: true })
        expect(parseArgs(["--port", "99999"])).toBe("--port 99999: give a TCP port number 1..65535")
        expect(parseArgs(["--bogus"])).toBe("unknown option --bogus")
        expect(parseArgs(["set", "cheeks", "depth", "-0.5"])).toMatchObject({ command: ["set", "cheeks", "depth", "-0.5"] })
        const err = collector()
        const code = await runConsole(["--port"], { stderr: err.stream, stdout: collector().stream, interactive: false })
        expect(code).toBe(2)
        expect(err.text()).toContain("error: --port needs a port number")
        expect(err.text()).toContain("usage: npm run console -- [options] [COMMAND ...]")
        expect(parseNumber("1.5")).toBe(1.5)
        expect(parseNumber(".5")).toBe(0.5)
        expect(parseNumber("1e3")).toBe(1000)
        expect(parseNumber("Infinity")).toBeUndefined()
        expect(words(`set "a b" depth 1`)).toEqual(["set", "a b", "depth", "1"])
    })
})

describe("selftest command", () => {
    function ctxWith(statuses: { reason: string; fault: string }[]): Ctx {
        let k = 0
        const pen: any = {
            runSelfTest: async () => ({ ok: true, message: "self-test started" }),
            status: async () => statuses[Math.min(k++, statuses.length - 1)],
        }
        return { pen, json: false, yes: false, emit: () => {}, readFile: () => "", writeFile: () => {} } as Ctx
    }

    test("H17 the verdict: passed, failed with what to do, and a fault latched during the test is no pass", async () => {
        const ok = await execute("selftest", ctxWith([{ reason: "self-test running: wait for its verdict", fault: "" }, { reason: "disarmed: press the trigger to arm", fault: "" }]))
        expect(ok.ok).toBe(true)
        expect(ok.message).toContain("self-test passed")
        const failed = await execute("selftest", ctxWith([{ reason: "self-test failed: stroke_none: no strokes", fault: "" }]))
        expect(failed.ok).toBe(false)
        expect(failed.message).toContain("self-test failed: stroke_none")
        const fault = await execute("selftest", ctxWith([{ reason: "fault: stroke silent; check the stroke sensor", fault: "stroke_silent" }]))
        expect(fault.ok).toBe(false)
        expect(fault.message).toContain("the self-test ended with fault stroke_silent latched")
    })
})
