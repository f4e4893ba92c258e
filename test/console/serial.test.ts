// The console's serial path, without a board: serialport's mock binding plays the USB port and
// test/console/fakeboard.ts plays the board's USB link (jdusb framing), bridged to the simulator
// where the firmware runs in the VM. The console's code is the real one: jacdac-ts's serial
// transport, the port it opens (1.5 Mbaud), the port listing and its failures.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { Writable } from "node:stream"
import { afterEach, beforeAll, describe, expect, test } from "vitest"
import { existsSync } from "node:fs"
import { runConsole } from "../../console/app"
import { SERIAL_BAUD, SerialPortClass } from "../../console/transports"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"
import { BYTECODE } from "../../sim/vm"
import { FakeBoard } from "./fakeboard"
import { scratchDir } from "../../sim/scratch"

const rigs: Rig[] = []
const boards: FakeBoard[] = []

beforeAll(() => {
    if (!existsSync(BYTECODE)) throw new Error("firmware not built: run `npm run build` (npm test does it)")
})

afterEach(async () => {
    while (boards.length) boards.pop()!.stop()
    while (rigs.length) await rigs.pop()!.stop()
})

async function run(argv: string[], SerialPort?: SerialPortClass) {
    let out = ""
    let err = ""
    const w = (f: (s: string) => void) =>
        new Writable({
            write(c, _e, cb) {
                f(c.toString())
                cb()
            },
        })
    const code = await runConsole(argv, { stdout: w((s) => (out += s)), stderr: w((s) => (err += s)), interactive: false }, { SerialPort })
    return { code, out, err }
}

/** a SerialPort class whose list() answers as given */
function listing(list: () => Promise<unknown[]>): SerialPortClass {
    const C = function () {
        throw new Error("not for opening")
    } as unknown as SerialPortClass
    C.list = list as SerialPortClass["list"]
    return C
}

describe("console over USB serial", () => {
    test("without a port it lists them; where they cannot be listed (no udevadm) it says how to give one", async () => {
        const none = await run(["--serial"], listing(() => Promise.reject(new Error("spawn udevadm ENOENT"))))
        expect(none.code).toBe(2)
        expect(none.err).toBe(
            "error: cannot list serial ports: spawn udevadm ENOENT (this system has no udevadm, which `serialport` needs to list ports); " +
                "give the port instead, e.g. npm run console -- --serial /dev/ttyUSB0 (or /dev/ttyACM0, COM3, /dev/cu.usbserial-...)\n"
        )
        const some = await run(["--serial"], listing(async () => [
            { path: "/dev/ttyS0", manufacturer: "" },
            { path: "/dev/ttyUSB0", manufacturer: "Silicon Labs", vendorId: "10c4", productId: "ea60" },
            { path: "/dev/ttyACM0", manufacturer: "Espressif", vendorId: "303a", productId: "1001" },
        ]))
        expect(some.code).toBe(2)
        expect(some.err).toContain("serial ports:")
        expect(some.err).toMatch(/\/dev\/ttyUSB0 +10c4:ea60 +Silicon Labs +<- likely an ESP32 board/)
        expect(some.err).toMatch(/\/dev\/ttyACM0 +303a:1001 +Espressif +<- likely an ESP32 board/)
        expect(some.err).not.toMatch(/ttyS0.*likely/)
        expect(some.err).toContain("choose one: npm run console -- --serial PORT")
        const empty = await run(["--serial"], listing(async () => []))
        expect(empty.err).toContain("no serial ports found: plug the board in")
    })

    test("a board on a (fake) USB serial port: same commands, same answers as the simulator over loopback", async () => {
        const rig = new Rig(FACTORY_PROFILE)
        rigs.push(rig)
        await rig.start()
        const board = new FakeBoard("/dev/ttyPEN0", rig.pen.bus)
        boards.push(board)
        const script = ["presets", "set cheeks depth 1.5 rate 140", "set cheeks depth 2.5", "select cheeks", "status", "cartridge n14", "cartridge", "areas"]
        const serial = await run(["--serial", "/dev/ttyPEN0", "--json", "status"], board.portClass())
        expect(serial.code).toBe(0)
        // the console opened the port as DeviceScript's USB link runs it, and frames went both ways
        expect(board.openOptions?.baudRate).toBe(SERIAL_BAUD)
        expect(board.framesIn).toBeGreaterThan(0)
        expect(board.framesOut).toBeGreaterThan(0)

        const strip = (text: string) =>
            text.trim().split("\n").map((l) => {
                const o = JSON.parse(l)
                if (o.data?.uptimeMs !== undefined) delete o.data.uptimeMs
                // live sensor readings: the simulated FSR and feedback pot are noisy, not part of the answer
                if (o.data?.depthActualMm !== undefined) delete o.data.depthActualMm
                if (o.data?.forceN !== undefined) delete o.data.forceN
                o.message = o.message.replace(/depth=([\d.]+)\/[\d.?]+mm/, "depth=$1/_mm").replace(/force=[\d.-]+N/, "force=_N")
                return o
            })
        // the same script both ways (put back in between: the second run starts where the first did)
        const s1 = await runScript(["--serial", "/dev/ttyPEN0"], script, board.portClass())
        const back = await runScript(["--serial", "/dev/ttyPEN0"], ["revert", "select periorbital", "cartridge n12"], board.portClass())
        expect(back.code).toBe(0)
        const l1 = await runScript(["--port", String(rig.hub.port)], script)
        expect(s1.code).toBe(1) // the refused depth
        expect(strip(s1.out)).toEqual(strip(l1.out))
        expect(strip(s1.out).map((o: any) => o.message).slice(1, 4)).toEqual([
            "preset cheeks: 1.50 mm, 140 strokes/s, 3 passes",
            "depth 2.50 mm above the cheeks cap of 2.00 mm",
            "area cheeks: 0.00/3 passes used, depth 1.50 mm",
        ])
        expect(strip(s1.out)[5].message).toBe("cartridge n14 (14 needles, round): 14 needles, 7.0 mm field; stored and read back")
        expect(strip(s1.out)[6].data).toMatchObject({ fitted: "n14" })
    }, 60000)
})

/** runs `commands` with --json, from a script file, with the given connection options */
async function runScript(conn: string[], commands: string[], SerialPort?: SerialPortClass) {
    const f = join(scratchDir("pen-serial-"), "script.txt")
    writeFileSync(f, commands.join("\n") + "\n")
    return run([...conn, "--json", "--file", f], SerialPort)
}
