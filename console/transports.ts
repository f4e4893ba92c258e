// How the console reaches the pen: the same Jacdac bus (jacdac-ts), carried either
//   - over TCP to the simulator's hub on loopback (`npm run pen`; frames with a 1-byte length
//     prefix, or 0xFF + u16 for long ones, as sim/hub.ts), or
//   - over a board's USB serial port (DeviceScript's USB link: Jacdac frames in jdusb framing at
//     1.5 Mbaud, plus the board's log text), through jacdac-ts's serial transport and the
//     `serialport` package.
import net from "node:net"
import { JDBus, Transport, createNodeWebSerialTransport } from "jacdac-ts"
import { encodeFrame, frameReader } from "./frames"
import { LinkError, LinkOptions, PenLink } from "./link"

export const DEFAULT_HUB_PORT = 8765
export const LOOPBACK = "127.0.0.1"

/** jacdac-ts's serial code opens the port itself, at this rate; named here for the docs and tests */
export const SERIAL_BAUD = 1500000

/** USB-serial chips of ESP32 boards (as `devs flash` knows them), to point at likely ports */
export const ESP32_VENDOR_IDS = [0x10c4, 0x303a, 0x1a86, 0x0403]

/** Jacdac over a TCP socket to a hub on this machine */
export class LoopbackTransport extends Transport {
    private sock: net.Socket | undefined

    constructor(readonly port: number) {
        super("tcp", {})
    }

    description() {
        return `${LOOPBACK}:${this.port}`
    }

    protected transportConnectAsync(): Promise<void> {
        return new Promise((resolve, reject) => {
            const sock = net.createConnection(this.port, LOOPBACK)
            this.sock = sock
            sock.setNoDelay(true)
            sock.once("connect", () => resolve())
            sock.once("error", (e) => {
                reject(e)
                void this.disconnect(true)
            })
            sock.on("close", () => void this.disconnect(true))
            sock.on("data", frameReader((frame) => this.handleFrame(frame)))
        })
    }

    protected async transportSendPacketAsync(data: Uint8Array) {
        this.sock?.write(encodeFrame(data))
    }

    protected async transportDisconnectAsync() {
        this.sock?.destroy()
        this.sock = undefined
    }
}

/** is something listening on the loopback port? a clear message when not */
export function probeLoopback(port: number, timeoutMs = 2000): Promise<string> {
    return new Promise((resolve) => {
        const sock = net.createConnection(port, LOOPBACK)
        const done = (why: string) => {
            clearTimeout(timer)
            sock.destroy()
            resolve(why)
        }
        const timer = setTimeout(() => done(`no answer from ${LOOPBACK}:${port}`), timeoutMs)
        sock.once("connect", () => done(""))
        sock.once("error", (e: NodeJS.ErrnoException) => done(`cannot reach the pen simulator at ${LOOPBACK}:${port} (${e.code ?? e.message})`))
    })
}

async function openBus(transport: Transport, where: string, o: LinkOptions): Promise<PenLink> {
    const bus = new JDBus([transport], { client: true, disableRoleManager: true } as never)
    const close = async () => {
        try {
            await bus.disconnect()
        } catch {
            // already gone
        }
        bus.stop()
        transport.dispose()
    }
    bus.start()
    await bus.connect(true)
    const link = new PenLink(bus, where, close, o)
    try {
        await link.find()
    } catch (e) {
        await close()
        throw e
    }
    return link
}

/** the simulator (`npm run pen`) on this machine */
export async function connectLoopback(port: number, o: LinkOptions = {}): Promise<PenLink> {
    const why = await probeLoopback(port)
    if (why) throw new LinkError(`${why}: start the simulated pen with \`npm run pen\` (it listens on ${LOOPBACK}:${DEFAULT_HUB_PORT}), or give --port`)
    return openBus(new LoopbackTransport(port), `${LOOPBACK}:${port}`, o)
}

export interface PortInfo {
    path: string
    manufacturer?: string
    serialNumber?: string
    vendorId?: string
    productId?: string
}

/** the `serialport` package's SerialPort class, or its SerialPortMock (tests) */
export interface SerialPortClass {
    new (options: { path: string; baudRate: number }, cb?: (err: Error | null) => void): unknown
    list(): Promise<PortInfo[]>
}

export async function loadSerialPort(): Promise<SerialPortClass> {
    try {
        const sp = await import("serialport")
        return sp.SerialPort as unknown as SerialPortClass
    } catch (e) {
        throw new LinkError(`the serialport package is missing (${(e as Error).message}): run npm install`)
    }
}

/** the serial ports, or a message saying why they cannot be listed and what to do instead */
export async function listSerialPorts(SP: SerialPortClass): Promise<{ ports: PortInfo[]; error: string }> {
    try {
        return { ports: await SP.list(), error: "" }
    } catch (e) {
        const err = e as NodeJS.ErrnoException
        const what = err.message ?? String(e)
        const hint = /udevadm/.test(what)
            ? "this system has no udevadm, which `serialport` needs to list ports"
            : "the serialport package could not list ports"
        return {
            ports: [],
            error: `cannot list serial ports: ${what} (${hint}); give the port instead, e.g. npm run console -- --serial /dev/ttyUSB0 (or /dev/ttyACM0, COM3, /dev/cu.usbserial-...)`,
        }
    }
}

export function isLikelyBoard(p: PortInfo): boolean {
    return ESP32_VENDOR_IDS.includes(parseInt(p.vendorId ?? "", 16))
}

/**
 * jacdac-ts opens only ports it recognises (serial number "JD..."/"PX..." or a known USB vendor)
 * and finds them with SerialPort.list(), which fails without udevadm. This stands in for the
 * SerialPort class: it lists exactly the port the operator named and opens that one.
 */
export function namedPort(SP: SerialPortClass, path: string): SerialPortClass {
    function Named(this: unknown, options: { path: string; baudRate: number }, cb?: (err: Error | null) => void) {
        return new SP({ ...options, path }, cb)
    }
    Named.list = async (): Promise<PortInfo[]> => [{ path, serialNumber: `JD-console:${path}`, manufacturer: "", vendorId: "", productId: "" }]
    return Named as unknown as SerialPortClass
}

/** a board on a USB serial port */
export async function connectSerial(path: string, SP: SerialPortClass, o: LinkOptions = {}): Promise<PenLink> {
    const transport = createNodeWebSerialTransport(namedPort(SP, path))
    try {
        return await openBus(transport, path, o)
    } catch (e) {
        if (e instanceof LinkError)
            throw new LinkError(
                `${e.message}: is the board plugged in, flashed with DeviceScript and running the pen firmware (npx devs deploy)? ` +
                    `Close other programs that hold the port (devs devtools, a serial monitor).`
            )
        throw e
    }
}
