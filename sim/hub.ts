// A Jacdac hub for the DeviceScript VM: a TCP server on loopback that carries the VM's frames
// (1-byte length prefix, or 0xFF + u16 for long ones) into a jacdac-ts bus and back.
import net from "node:net"
import { JDBus, createProxyBridge } from "jacdac-ts"

export interface Hub {
    port: number
    close(): Promise<void>
}

/** `port` 0 (default): any free port; `npm run pen` asks for a fixed one. Loopback only. */
export async function startHub(bus: JDBus, port = 0): Promise<Hub> {
    const sockets: net.Socket[] = []
    const server = net.createServer((sock) => {
        sockets.push(sock)
        sock.setNoDelay(true)
        const bridge = createProxyBridge((data: Uint8Array) => {
            const n = data.length
            const head = n >= 255 ? Buffer.from([255, n & 255, n >> 8]) : Buffer.from([n])
            if (!sock.destroyed) sock.write(Buffer.concat([head, Buffer.from(data)]))
        })
        bridge.bus = bus
        let acc: Buffer = Buffer.alloc(0)
        sock.on("data", (d: Buffer) => {
            acc = acc.length ? Buffer.concat([acc, d]) : d
            for (;;) {
                if (acc.length < 1) break
                let len = acc[0]
                let off = 1
                if (len === 255) {
                    if (acc.length < 3) break
                    len = acc[1] | (acc[2] << 8)
                    off = 3
                }
                if (acc.length < off + len) break
                bridge.receiveFrameOrPacket(new Uint8Array(acc.subarray(off, off + len)))
                acc = acc.subarray(off + len)
            }
        })
        sock.on("error", () => {})
        sock.on("close", () => {
            bridge.bus = undefined as unknown as JDBus
        })
    })
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject)
        server.listen(port, "127.0.0.1", () => resolve())
    })
    return {
        port: (server.address() as net.AddressInfo).port,
        close: () =>
            new Promise<void>((resolve) => {
                for (const s of sockets) s.destroy()
                server.close(() => resolve())
            }),
    }
}
