// A board on a fake USB serial port, for the console's serial path without hardware: the port is
// serialport's mock binding (@serialport/binding-mock), and behind it this plays the board's USB
// link as DeviceScript runs it: Jacdac frames in jdusb framing (0xFE 0xFC frame 0xFE 0xFD, 0xFE
// inside a frame sent as 0xFE 0xF8), forwarded only after the host's "enable packets", log text
// between frames. The frames go to and from a jacdac-ts bus, e.g. the simulator's, where the
// firmware runs in the VM, so the console talks to the real firmware through the serial code.
import { JDBus, createProxyBridge } from "jacdac-ts"
import { SerialPortMock } from "serialport"
import { SerialPortClass } from "../../console/transports"

/** the mock binding's port (its types are not reachable through the package's "exports") */
type MockPortBinding = NonNullable<SerialPortMock["port"]>

const MAGIC = 0xfe
const LITERAL_MAGIC = 0xf8
const FRAME_START = 0xfc
const FRAME_END = 0xfd
const SRV_USB_BRIDGE = 0x18f61a4a
const FLAG_IDENTIFIER_IS_SERVICE_CLASS = 0x04
const ENABLE_PACKETS = 0x81
const DISABLE_PACKETS = 0x80

export class FakeBoard {
    port: MockPortBinding | undefined
    /** the options the host opened the port with (baud rate) */
    openOptions: { baudRate: number } | undefined
    enabled = false
    framesIn = 0
    framesOut = 0
    private inFrame = false
    private wasMagic = false
    private buf: number[] = []
    private bridge = createProxyBridge((frame: Uint8Array) => this.toHost(frame))

    constructor(readonly path: string, bus: JDBus) {
        // serialport's own copy of the mock binding (importing the package here from ESM would
        // load a second copy, with its own list of ports)
        SerialPortMock.binding.createPort(path, { echo: false, record: false, manufacturer: "Espressif", vendorId: "303a", productId: "1001" })
        this.bridge.bus = bus
    }

    /** the SerialPort class to give the console: serialport's mock, wired to this board when opened */
    portClass(): SerialPortClass {
        // eslint-disable-next-line @typescript-eslint/no-this-alias
        const board = this
        class BoardPort extends SerialPortMock {
            constructor(options: { path: string; baudRate: number }, cb?: (err: Error | null) => void) {
                super(options, (err) => {
                    if (!err) board.attach(this.port as MockPortBinding)
                    cb?.(err ?? null)
                })
            }
        }
        return BoardPort as unknown as SerialPortClass
    }

    private attach(port: MockPortBinding) {
        this.port = port
        this.openOptions = port.openOptions
        const write = port.write.bind(port)
        port.write = async (data: Buffer) => {
            await write(data)
            this.fromHost(data)
        }
    }

    /** what the host wrote: the HF2 probe (ignored, as a jdusb board does) and jdusb frames */
    private fromHost(data: Buffer) {
        for (const c of data) {
            if (this.wasMagic) {
                this.wasMagic = false
                if (c === FRAME_START) {
                    this.inFrame = true
                    this.buf = []
                } else if (c === FRAME_END) {
                    if (this.inFrame) this.frame(new Uint8Array(this.buf))
                    this.inFrame = false
                } else if (c === LITERAL_MAGIC && this.inFrame) this.buf.push(MAGIC)
                continue
            }
            if (c === MAGIC) this.wasMagic = true
            else if (this.inFrame) this.buf.push(c)
        }
    }

    private frame(fr: Uint8Array) {
        this.framesIn++
        const dv = new DataView(fr.buffer, fr.byteOffset, fr.byteLength)
        if ((fr[3] & FLAG_IDENTIFIER_IS_SERVICE_CLASS) !== 0 && dv.getUint32(4, true) === SRV_USB_BRIDGE) {
            const cmd = dv.getUint16(14, true)
            if (cmd === ENABLE_PACKETS && !this.enabled) {
                this.enabled = true
                this.log("I (1200) devs: usb bridge: packets on\n")
            } else if (cmd === DISABLE_PACKETS) this.enabled = false
            return
        }
        this.bridge.receiveFrameOrPacket(fr)
    }

    private send(bytes: number[]) {
        if (this.port?.isOpen) this.port.emitData(Buffer.from(bytes))
    }

    /** the board's log text, outside any frame */
    log(text: string) {
        this.send([...Buffer.from(text)])
    }

    private toHost(fr: Uint8Array) {
        if (!this.enabled) return
        const out = [MAGIC, FRAME_START]
        for (const b of fr) {
            out.push(b)
            if (b === MAGIC) out.push(LITERAL_MAGIC)
        }
        out.push(MAGIC, FRAME_END)
        this.framesOut++
        this.send(out)
    }

    stop() {
        this.bridge.bus = undefined as unknown as JDBus
        SerialPortMock.binding.reset()
    }
}
