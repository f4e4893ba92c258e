// Board definitions (boards/*.board.json) against the chips' pin capabilities (boards/chips.json)
// and the firmware's role table (drivers/hardware.ts), through tools/check-boards.mjs; and
// `devs build` of each board's firmware entry in a scratch copy of the repo.
import { spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, test } from "vitest"
// @ts-expect-error plain ESM tool without types
import { boardFiles, checkBoard, checkStartOrder, loadContext, readRoles } from "../../tools/check-boards.mjs"

const ROOT = fileURLToPath(new URL("../..", import.meta.url))
const ctx = loadContext(ROOT)
const files: string[] = boardFiles(ROOT)
const read = (id: string) => JSON.parse(readFileSync(join(ROOT, "boards", `${id}.board.json`), "utf8"))
const XIAO = "pen_xiao_esp32c3"
const DEVKITC = "pen_esp32_devkitc"

/** a copy of a board with one $services entry changed */
function withService(id: string, name: string, change: (s: any) => void) {
    const b = read(id)
    const s = b.$services.find((x: any) => x.name === name)
    change(s)
    return b
}
const errorsOf = (b: unknown) => checkBoard(b, ctx).errors as string[]

describe("role table", () => {
    test("the check reads the nine roles of drivers/hardware.ts (README role table)", () => {
        expect(ctx.roles).toEqual([
            { cls: "Motor", name: "needle" },
            { cls: "Servo", name: "depth" },
            { cls: "Potentiometer", name: "depthPos" },
            { cls: "Potentiometer", name: "pressure" },
            { cls: "RotaryEncoder", name: "stroke" },
            { cls: "Button", name: "trigger" },
            { cls: "Button", name: "area" },
            { cls: "Led", name: "status" },
            { cls: "Accelerometer", name: "motion" },
        ])
        expect(readRoles(`const a = new ds.Motor("m")\nconst b = new ds.Button("b")`)).toEqual([
            { cls: "Motor", name: "m" },
            { cls: "Button", name: "b" },
        ])
    })
})

describe("board files", () => {
    test("there is a native-USB reference board and the classic ESP32-DevKitC", () => {
        expect(files.map((f) => basename(f))).toEqual([`${DEVKITC}.board.json`, `${XIAO}.board.json`])
        expect(read(XIAO).archId).toBe("esp32c3")
        expect(read(DEVKITC).archId).toBe("esp32")
    })

    test.each(files.map((f) => [basename(f), f]))("%s passes the pin and role check", (_name, file) => {
        const board = JSON.parse(readFileSync(file, "utf8"))
        expect(checkBoard(board, ctx).errors).toEqual([])
        const names = board.$services.map((s: any) => s.name)
        expect(names).toEqual(["needle", "depth", "depthPos", "pressure", "stroke", "area", "trigger"])
        const pressure = board.$services.find((s: any) => s.name === "pressure")
        expect(pressure.samplingItv).toBeLessThanOrEqual(10)
        expect(pressure.streamingItv).toBeLessThanOrEqual(10)
        // the motor dead-man's feed: a pin label, driven low from start-up (sPin)
        expect(typeof board.pins.deadman).toBe("number")
        expect(board.sPin.deadman).toBe(0)
    })

    test("the DevKitC feeds the dead-man on GPIO14 and keeps its pixel; the XIAO gave the pixel's pin (GPIO21) to the dead-man", () => {
        expect(read(DEVKITC).pins.deadman).toBe(14)
        expect(read(DEVKITC).led.pin).toBe("status")
        expect(read(XIAO).pins.deadman).toBe(21)
        expect(read(XIAO).led).toBeUndefined()
        expect(Object.values(read(XIAO).pins)).toHaveLength(11) // every XIAO pin, none spare
    })

    test("known hardware limits are reported as warnings, not hidden", () => {
        const w = checkBoard(read(XIAO), ctx).warnings as string[]
        expect(w.join("\n")).toMatch(/GPIO9 is a strapping pin/)
        // 12 counts per stroke without `dense` (the earlier design): the software decoder loses counts
        const twelve = withService(XIAO, "stroke", (s) => Object.assign(s, { clicksPerTurn: 12, dense: undefined }))
        const slow = checkBoard(twelve, { ...ctx, profile: { stroke: { countsPerStroke: 12, overspeedHz: 180 } } }).warnings
        expect(slow.join("\n")).toMatch(/8640 edges\/s.*loses counts above ~20 strokes\/s/)
        const fine = checkBoard(withService(XIAO, "stroke", (s) => Object.assign(s, { clicksPerTurn: 1, dense: true })), {
            ...ctx,
            profile: { stroke: { countsPerStroke: 1, overspeedHz: 180 } },
        }).warnings
        expect(fine.join("\n")).not.toMatch(/edges\/s/)
        // the boards as they are: one quadrature cycle per stroke, dense, 720 edges/s at overspeedHz
        for (const id of [XIAO, DEVKITC]) expect(checkBoard(read(id), ctx).warnings.join("\n")).not.toMatch(/edges\/s/)
    })
})

describe("the check fails with a clear message", () => {
    test("an analog input on a pin without ADC (C3 GPIO6)", () => {
        const e = errorsOf(withService(XIAO, "pressure", (s) => (s.pin = "SDA_D4")))
        expect(e.some((m) => /"pressure".*= GPIO6: GPIO6 is not an ADC1 pin.*use one of GPIO 0, 1, 2, 3, 4/.test(m))).toBe(true)
    })

    test("an analog input on an ADC2 pin (ESP32 GPIO4)", () => {
        const b = withService(DEVKITC, "pressure", (s) => (s.pin = 4))
        const e = errorsOf(b)
        expect(e.some((m) => /GPIO4 is ADC2_CH0, an ADC2 channel: DeviceScript reads ADC1 only and ADC2 is unusable while Wi-Fi is on/.test(m))).toBe(true)
    })

    test("an output on an input-only pin (ESP32 GPIO35)", () => {
        const e = errorsOf(withService(DEVKITC, "needle", (s) => (s.pinEnable = "P35")))
        expect(e).toContainEqual(expect.stringMatching(/"needle" \(motor\)\.pinEnable = GPIO35: GPIO35 is input-only and cannot drive an output/))
    })

    test("a button on a pin without pull-up (ESP32 GPIO36)", () => {
        const e = errorsOf(withService(DEVKITC, "trigger", (s) => (s.pin = "VP")))
        expect(e).toContainEqual(expect.stringMatching(/GPIO36 has no internal pull-up/))
    })

    test("a missing role", () => {
        const b = read(XIAO)
        b.$services = b.$services.filter((s: any) => s.name !== "stroke")
        expect(errorsOf(b)).toContainEqual(expect.stringMatching(/role "stroke" \(RotaryEncoder\) is missing: no \$services entry named "stroke" with "service": "rotaryEncoder"/))
    })

    test("a role declared twice, a misnamed role, a wrong service type, an extra service", () => {
        const twice = read(XIAO)
        twice.$services.push({ service: "button", name: "area", pin: "A0_D0" })
        expect(errorsOf(twice)).toContainEqual(expect.stringMatching(/role "area" \(Button\) is declared 2 times/))
        expect(errorsOf(withService(XIAO, "needle", (s) => (s.name = "Needle")))).toContainEqual(
            expect.stringMatching(/role "needle" \(Motor\) is missing.*found "Needle": names must match exactly/),
        )
        expect(errorsOf(withService(XIAO, "depth", (s) => (s.service = "motor")))).toContainEqual(
            expect.stringMatching(/role "depth" \(Servo\) is declared as "motor"; it needs "service": "servo"/),
        )
        const extra = read(DEVKITC)
        extra.$services.push({ service: "button", name: "buttonIO0", pin: 0 })
        expect(errorsOf(extra)).toContainEqual(expect.stringMatching(/\$services "buttonIO0" \(button\) is not a firmware role/))
    })

    test("buttons started in an order that would swap trigger and area", () => {
        const b = read(XIAO)
        b.$services.reverse()
        expect(errorsOf(b)).toContainEqual(expect.stringMatching(/Button services are in the order trigger, area; they must be area, trigger/))
    })

    test("depthPos started after pressure would swap the force and depth readings; depthPos off ADC1", () => {
        for (const id of [XIAO, DEVKITC]) {
            const b = read(id)
            const i = b.$services.findIndex((s: any) => s.name === "depthPos")
            ;[b.$services[i], b.$services[i + 1]] = [b.$services[i + 1], b.$services[i]]
            expect(errorsOf(b)).toContainEqual(expect.stringMatching(/Potentiometer services are in the order pressure, depthPos; they must be depthPos, pressure/))
        }
        expect(errorsOf(withService(XIAO, "depthPos", (s) => (s.pin = "SDA_D4")))).toContainEqual(expect.stringMatching(/"depthPos".*= GPIO6: GPIO6 is not an ADC1 pin/))
        expect(errorsOf(withService(DEVKITC, "depthPos", (s) => (s.pin = 4)))).toContainEqual(expect.stringMatching(/"depthPos".*GPIO4 is ADC2_CH0/))
        expect(errorsOf(withService(DEVKITC, "depthPos", (s) => (s.service = "servo")))).toContainEqual(
            expect.stringMatching(/role "depthPos" \(Potentiometer\) is declared as "servo"; it needs "service": "analog:potentiometer"/),
        )
    })

    test("each board entry starts depthPos before pressure and area before trigger, every server once", () => {
        for (const id of [XIAO, DEVKITC])
            for (const kind of ["main", "calibrate"]) {
                const src = readFileSync(join(ROOT, "boards", `${id}.${kind}.ts`), "utf8")
                expect(checkStartOrder(read(id), src, ctx), `${id}.${kind}.ts`).toEqual([])
                const swapped = src.replace("board.startDepthPos()\nboard.startPressure()", "board.startPressure()\nboard.startDepthPos()")
                expect(swapped).not.toBe(src)
                expect(checkStartOrder(read(id), swapped, ctx)).toContainEqual(expect.stringMatching(/Potentiometer servers start in the order pressure, depthPos; they must start depthPos, pressure/))
                expect(checkStartOrder(read(id), src.replace("board.startDepthPos()\n", ""), ctx)).toContainEqual(expect.stringMatching(/board.startDepthPos\(\) is called 0 times/))
            }
    })

    test("the load-cell build starts no pressure server and needs the I2C bus; so does the display (in the main build: the load-cell one has none, its functions would pass the VM's 64 KB)", () => {
        const src = readFileSync(join(ROOT, "boards", `${DEVKITC}.loadcell.ts`), "utf8")
        expect(checkStartOrder(read(DEVKITC), src, ctx)).toEqual([])
        const withPressure = src.replace("board.startDepthPos()\n", "board.startDepthPos()\nboard.startPressure()\n")
        expect(withPressure).not.toBe(src)
        expect(checkStartOrder(read(DEVKITC), withPressure, ctx)).toContainEqual(expect.stringMatching(/startPressure\(\) is called in a load-cell build; the "pressure" server must not start/))
        const noBus = read(DEVKITC)
        delete noBus.i2c
        expect(checkStartOrder(noBus, src, ctx)).toContainEqual(expect.stringMatching(/startLoadCell\(\) needs an I2C bus, but the board file declares no "i2c" block/))
        const main = readFileSync(join(ROOT, "boards", `${DEVKITC}.main.ts`), "utf8")
        expect(checkStartOrder(noBus, main, ctx)).toContainEqual(expect.stringMatching(/startPenDisplay\(\) needs an I2C bus/))
        // the XIAO has no free pins for a bus: its entry starts no display
        expect(readFileSync(join(ROOT, "boards", `${XIAO}.main.ts`), "utf8")).not.toContain("startPenDisplay(")
    })

    test("H16 every board entry that starts the accelerometer also starts its rate driver (drivers/accelrate.ts): without it the chip stays at jacdac-c's 52 Hz and motion_rate is never checked", () => {
        const entries = readdirSync(join(ROOT, "boards")).filter((f) => f.endsWith(".ts"))
        const withAccel = entries.filter((f) => readFileSync(join(ROOT, "boards", f), "utf8").includes("startAccelerometer("))
        expect(withAccel.length, "the DevKitC entries start it").toBeGreaterThan(1)
        for (const f of withAccel) expect(readFileSync(join(ROOT, "boards", f), "utf8"), f).toMatch(/^startAccelRate\(hardware\.inputs, FACTORY_PROFILE\.motion\.odrHz\)$/m)
    })

    test("I2C pins are checked like any other: not input-only, not shared with a role", () => {
        const b = read(DEVKITC)
        b.i2c.pinSCL = 35
        expect(errorsOf(b)).toContainEqual(expect.stringMatching(/i2c.pinSCL = GPIO35: GPIO35 is input-only/))
        const c = read(DEVKITC)
        c.i2c.pinSDA = "P33"
        expect(errorsOf(c)).toContainEqual(expect.stringMatching(/GPIO33 is used twice/))
    })

    test("a pin used twice, a flash pin, a host-link (USB) pin", () => {
        expect(errorsOf(withService(XIAO, "trigger", (s) => (s.pin = "MISO_D9")))).toContainEqual(expect.stringMatching(/GPIO9 is used twice/))
        expect(errorsOf(withService(DEVKITC, "depth", (s) => (s.pin = 6)))).toContainEqual(expect.stringMatching(/GPIO6 belongs to the SPI flash/))
        expect(errorsOf(withService(XIAO, "depth", (s) => (s.pin = 18)))).toContainEqual(expect.stringMatching(/GPIO18 carries the USB \/ host link/))
        const s3 = { ...read(XIAO), archId: "esp32s3", pins: {}, led: { pin: 48, type: 1 } }
        s3.$services = [
            { service: "motor", name: "needle", pin1: 4, pin2: 5, pinEnable: 6 },
            { service: "servo", name: "depth", pin: 7 },
            { service: "analog:potentiometer", name: "depthPos", pin: 1, samplingItv: 2, streamingItv: 10 },
            { service: "analog:potentiometer", name: "pressure", pin: 19, samplingItv: 2, streamingItv: 10 },
            { service: "rotaryEncoder", name: "stroke", pin0: 8, pin1: 9, clicksPerTurn: 12 },
            { service: "button", name: "area", pin: 10 },
            { service: "button", name: "trigger", pin: 11 },
        ]
        expect(errorsOf(s3)).toContainEqual(expect.stringMatching(/GPIO19 carries the USB \/ host link/))
    })

    test("an output or an analog divider on a strapping pin; an actuator on the boot-log pin", () => {
        expect(errorsOf(withService(XIAO, "needle", (s) => (s.pinEnable = "SCK_D8")))).toContainEqual(
            expect.stringMatching(/pinEnable = GPIO8: an output on a strapping pin/),
        )
        expect(errorsOf(withService(XIAO, "pressure", (s) => (s.pin = "A0_D0")))).toContainEqual(
            expect.stringMatching(/GPIO2: an analog divider holds a strapping pin at reset.*must be high at reset/),
        )
        expect(errorsOf(withService(DEVKITC, "depth", (s) => (s.pin = 12)))).toContainEqual(expect.stringMatching(/MTDI selects the flash voltage/))
        const b = withService(XIAO, "depth", (s) => (s.pin = 21))
        b.pins.deadman = 20 // GPIO21 (the dead-man's) to the servo, the servo's GPIO20 to the dead-man
        expect(errorsOf(b)).toContainEqual(expect.stringMatching(/GPIO21: an actuator would move with the boot log/))
    })

    test("more PWM pins than LEDC timers; slow analog streaming; a motor without enable", () => {
        const b = read(DEVKITC)
        b.led = { rgb: [{ pin: "P32" }, { pin: "P33" }, { pin: 13 }] }
        expect(errorsOf(b)).toContainEqual(expect.stringMatching(/6 PWM pins .* but 4 LEDC timers: the runtime panics/))
        expect(errorsOf(withService(XIAO, "pressure", (s) => (s.streamingItv = 100)))).toContainEqual(
            expect.stringMatching(/"pressure" \(analog:potentiometer\): streamingItv is 100; the force path needs 1..10 ms/),
        )
        expect(errorsOf(withService(XIAO, "pressure", (s) => delete s.samplingItv))).toContainEqual(expect.stringMatching(/samplingItv is unset \(default 9 ms\)/))
        expect(errorsOf(withService(XIAO, "needle", (s) => delete s.pinEnable))).toContainEqual(expect.stringMatching(/needs pin1, pin2 and pinEnable/))
    })

    test("an unknown pin label, a GPIO the chip lacks, an unknown chip", () => {
        expect(errorsOf(withService(XIAO, "area", (s) => (s.pin = "D11")))).toContainEqual(expect.stringMatching(/pin "D11" is neither a GPIO number nor a label/))
        expect(errorsOf(withService(DEVKITC, "area", (s) => (s.pin = 20)))).toContainEqual(expect.stringMatching(/has no GPIO20/))
        expect(errorsOf({ ...read(XIAO), archId: "rp2040" })).toContainEqual(expect.stringMatching(/archId "rp2040" is not a chip/))
    })

    test("no status light is a warning, not an error: the status role is optional (the XIAO has none)", () => {
        const noLed = read(DEVKITC)
        delete noLed.led
        const r = checkBoard(noLed, ctx)
        expect(r.errors).toEqual([])
        expect(r.warnings).toContainEqual(expect.stringMatching(/role "status" \(Led\): the board has no "led" block, so no status pixel/))
        expect(checkBoard(read(XIAO), ctx).warnings).toContainEqual(expect.stringMatching(/role "status" \(Led\): the board has no "led" block/))
    })
})

describe("motor dead-man feed (docs/HARDWARE.md, Needle stop when the firmware stops)", () => {
    const withDeadman = (id: string, gpio: unknown) => {
        const b = read(id)
        b.pins.deadman = gpio
        return b
    }

    test("a board without a dead-man pin is refused: nothing would bound the needle's stop when the program stops", () => {
        for (const id of [XIAO, DEVKITC]) {
            const b = read(id)
            delete b.pins.deadman
            expect(errorsOf(b)).toContainEqual(expect.stringMatching(/pins: no "deadman" label: the motor stage's dead-man .* needs a feed output/))
        }
    })

    test("a dead-man pin that is input-only, used twice, a strapping, flash or host-link pin is refused", () => {
        expect(errorsOf(withDeadman(DEVKITC, 35))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO35: GPIO35 is input-only and cannot drive an output/))
        expect(errorsOf(withDeadman(DEVKITC, 36))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO36: GPIO36 is input-only/))
        // the needle's PWM pin, the pixel's pin, a sensor's pin
        expect(errorsOf(withDeadman(DEVKITC, 25))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO25: GPIO25 is used twice \(also \$services\[0\] "needle" \(motor\)\.pin1\)/))
        expect(errorsOf(withDeadman(DEVKITC, 13))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO13: GPIO13 is used twice \(also led.pin\)/))
        expect(errorsOf(withDeadman(XIAO, 4))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO4: GPIO4 is used twice \(also \$services\[2\] "depthPos"/))
        expect(errorsOf(withDeadman(DEVKITC, 12))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO12: an output on a strapping pin/))
        expect(errorsOf(withDeadman(DEVKITC, 6))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO6: GPIO6 belongs to the SPI flash/))
        expect(errorsOf(withDeadman(XIAO, 19))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO19: GPIO19 carries the USB \/ host link/))
        expect(errorsOf(withDeadman(XIAO, 22))).toContainEqual(expect.stringMatching(/pins.deadman = GPIO22: the ESP32-C3 has no GPIO22/))
    })

    test("the feed must start low (sPin.deadman 0): 1 would enable the bridge under a panicked program's duty at the restart", () => {
        const one = read(XIAO)
        one.sPin.deadman = 1
        expect(errorsOf(one)).toContainEqual(expect.stringMatching(/sPin.deadman is 1; it must be 0/))
        const unset = read(DEVKITC)
        delete unset.sPin
        expect(errorsOf(unset)).toContainEqual(expect.stringMatching(/sPin.deadman is undefined; it must be 0/))
    })

    test("known boot behaviour of each board's dead-man pin is reported as a warning", () => {
        const x = checkBoard(read(XIAO), ctx)
        expect(x.errors).toEqual([])
        expect(x.warnings).toContainEqual(expect.stringMatching(/pins.deadman = GPIO21: the boot log retriggers the motor dead-man at every reset/))
        const d = checkBoard(read(DEVKITC), ctx)
        expect(d.errors).toEqual([])
        expect(d.warnings).toContainEqual(expect.stringMatching(/pins.deadman = GPIO14: GPIO14 is a JTAG pin/))
    })

    test("every entry that starts the needle feeds the dead-man (firmware through the writer's hook, calibration through setDriveFeed)", () => {
        for (const id of [XIAO, DEVKITC])
            for (const kind of ["main", "calibrate", "loadcell"]) {
                const file = join(ROOT, "boards", `${id}.${kind}.ts`)
                if (!existsSync(file)) continue
                const src = readFileSync(file, "utf8")
                expect(checkStartOrder(read(id), src, ctx), `${id}.${kind}.ts`).toEqual([])
                const hook = kind === "calibrate" ? "setDriveFeed(deadmanFeeder(pins.deadman))" : "hardware.writer.onDriveWritten = deadmanFeeder(pins.deadman)"
                expect(src, `${id}.${kind}.ts`).toContain(hook)
                const unfed = src.replace(hook, "")
                expect(checkStartOrder(read(id), unfed, ctx)).toContainEqual(expect.stringMatching(/starts the needle but does not feed the motor dead-man/))
            }
        // the simulator build has no GPIO: src/main.ts leaves the hook unset
        expect(readFileSync(join(ROOT, "src/main.ts"), "utf8")).not.toContain("onDriveWritten")
    })
})

describe("command line", () => {
    const dir = mkdtempSync(join(tmpdir(), "boards-cli-"))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "tools/check-boards.mjs"), ...args], { encoding: "utf8" })

    test("`npm run check:boards` passes on the repo's boards", () => {
        const r = cli()
        expect(r.stdout).toMatch(new RegExp(`${DEVKITC}: OK`))
        expect(r.stdout).toMatch(new RegExp(`${XIAO}: OK`))
        expect(r.status).toBe(0)
        expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["check:boards"]).toBe("node tools/check-boards.mjs")
    })

    test("a bad board file exits 1 and says what is wrong", () => {
        const file = join(dir, "bad.board.json")
        writeFileSync(file, JSON.stringify(withService(DEVKITC, "needle", (s) => (s.pin1 = "P34"))))
        const r = cli(file)
        expect(r.status).toBe(1)
        expect(r.stdout).toMatch(/bad: ERROR \$services\[0\] "needle" \(motor\)\.pin1 = GPIO34: GPIO34 is input-only/)
        expect(r.stdout).toMatch(/bad: FAIL/)
    })
})

describe("devs build", () => {
    // A scratch copy with its own node_modules (only the CLI linked in): `devs build` writes
    // node_modules/@devicescript/* and .devicescript/bin, which the repo's own build and the
    // firmware-in-the-loop tests use.
    const dir = mkdtempSync(join(tmpdir(), "boards-build-"))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const CLI = join(ROOT, "node_modules/@devicescript/cli/built/devicescript-cli.cjs")
    const sizes: string[] = []
    const devs = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } })

    test("generates @dsboard/<id> for every board; each board's firmware entry builds with its services in binding order, and its calibration entry builds", () => {
        // core/: the control core the firmware imports; services/: the firmware serves the console service (services/penconsole.md)
        for (const p of ["src", "core", "drivers", "boards", "services"]) cpSync(join(ROOT, p), join(dir, p), { recursive: true })
        for (const p of ["devs.json", "package.json", "devsconfig.json"]) cpSync(join(ROOT, p), join(dir, p))
        mkdirSync(join(dir, "node_modules/@devicescript"), { recursive: true })
        symlinkSync(join(ROOT, "node_modules/@devicescript/cli"), join(dir, "node_modules/@devicescript/cli"))
        for (const file of files) {
            const id = basename(file).replace(/\.board\.json$/, "")
            const b = devs("build", `boards/${id}.main.ts`, "--quiet")
            expect(b.stderr + b.stdout, `devs build boards/${id}.main.ts`).not.toMatch(/error/i)
            expect(b.status).toBe(0)
            const dts = readFileSync(join(dir, "node_modules/@devicescript/core/src/devicescript-boards.d.ts"), "utf8")
            for (const f of files) expect(dts).toContain(`declare module "@dsboard/${basename(f).replace(/\.board\.json$/, "")}"`)
            const d = devs("disasm", ".devicescript/bin/bytecode.devs")
            expect(d.status).toBe(0)
            const at = d.stdout.indexOf("DCFG:")
            const json = d.stdout.slice(d.stdout.indexOf("{", at), d.stdout.indexOf("\n}", at) + 2)
            const dcfg = JSON.parse(json)
            // the DevKitC builds also start the accelerometer on their I2C bus (startAccelerometer, role motion)
            const accel = read(id).i2c ? ["accelerometer"] : []
            expect(dcfg.services.map((s: any) => s.name)).toEqual(["needle", "depth", "depthPos", "pressure", "stroke", "area", "trigger", ...accel])
            expect(dcfg.services.map((s: any) => s.service)).toEqual([...read(id).$services.map((s: any) => s.service), ...accel])
            // the accelerometer's server starts only from the runtime's I2C scan, which @devicescript/drivers turns off
            if (read(id).i2c) expect(dcfg.scanI2C, `${id}.main.ts: scanI2C on, or the motion role never binds`).toBe(1)
            sizes.push(`${id}.main.ts ${statSync(join(dir, ".devicescript/bin/bytecode.devs")).size} B`)
            const c = devs("build", `boards/${id}.calibrate.ts`, "--quiet")
            expect(c.stderr + c.stdout, `devs build boards/${id}.calibrate.ts`).not.toMatch(/error/i)
            expect(c.status).toBe(0)
            // the load-cell firmware: the same services but pressure (force comes over I2C)
            if (!existsSync(join(ROOT, "boards", `${id}.loadcell.ts`))) continue
            const l = devs("build", `boards/${id}.loadcell.ts`, "--quiet")
            expect(l.stderr + l.stdout, `devs build boards/${id}.loadcell.ts`).not.toMatch(/error/i)
            expect(l.status).toBe(0)
            sizes.push(`${id}.loadcell.ts ${statSync(join(dir, ".devicescript/bin/bytecode.devs")).size} B`)
            const ld = devs("disasm", ".devicescript/bin/bytecode.devs")
            const lat = ld.stdout.indexOf("DCFG:")
            const lcfg = JSON.parse(ld.stdout.slice(ld.stdout.indexOf("{", lat), ld.stdout.indexOf("\n}", lat) + 2))
            expect(lcfg.services.map((s: any) => s.name)).toEqual(["needle", "depth", "depthPos", "stroke", "area", "trigger", ...accel])
            expect(lcfg.scanI2C, `${id}.loadcell.ts: scanI2C on`).toBe(1)
            // the bus is not in the program: like pin labels, "i2c" is flashed with the board (devs flash --board)
            expect(lcfg.i2c).toBeUndefined()
            expect(read(id).i2c).toMatchObject({ pinSDA: expect.anything(), pinSCL: expect.anything() })
        }
        expect(sizes.some((s) => s.includes(".loadcell.ts")), "a load-cell build exists").toBe(true)
        // firmware sizes per board entry, for docs/HARDWARE.md (the simulator build's is in BENCHMARKS.md)
        console.log(`board bytecode: ${sizes.join(", ")}`)
    }, 240_000)

    test("boards/deadman.ts in the VM: the pin starts as a low output, the first feed (the stop at bind) is skipped, then one high-low pulse (a rising edge) per feed", () => {
        // a fake pin (the WASM VM has no GPIO): records setMode and write
        writeFileSync(
            join(dir, "boards/deadman.check.ts"),
            [
                `import { deadmanFeeder } from "./deadman"`,
                `const log: string[] = []`,
                `const pin: any = { setMode: (m: number) => { log.push("mode" + m) }, write: (v: number) => { log.push("w" + v) } }`,
                `const feed = deadmanFeeder(pin)`,
                `feed()`,
                `feed()`,
                `feed()`,
                `console.log("DEADMAN " + log.join(","))`,
            ].join("\n"),
        )
        const r = devs("run", "boards/deadman.check.ts", "--test", "-T", "2000")
        // GPIOMode.OutputLow = 0x22
        expect(r.stdout).toMatch(/DEADMAN mode34,w1,w0,w1,w0\b/)
    }, 120_000)

    test("a board entry goes on past its import of src/main.ts at once: its dead-man feed is in place before the power-on self-test starts (the test may spin the needle while the firmware still reads its settings)", () => {
        writeFileSync(
            join(dir, "boards/entry.check.ts"),
            [
                `import * as ds from "@devicescript/core"`,
                `import { hardware } from "../src/main"`,
                `hardware.writer.onDriveWritten = () => {}`,
                `console.log("ENTRY past the import")`,
                // test mode ends the program when this fiber ends
                `await ds.sleep(2500)`,
            ].join("\n"),
        )
        // no bus in test mode: the roles never bind, the settings (the VM's own) do
        const r = devs("run", "boards/entry.check.ts", "--test", "-T", "5000")
        const entry = r.stdout.indexOf("ENTRY past the import")
        const start = r.stdout.indexOf("SELFTEST start")
        expect(start, r.stdout).toBeGreaterThanOrEqual(0)
        expect(entry, r.stdout).toBeGreaterThanOrEqual(0)
        expect(entry, "the entry's own code runs first").toBeLessThan(start)
    }, 120_000)
})
