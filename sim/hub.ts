// A Jacdac hub for the DeviceScript VM: a TCP server on loopback that carries the VM's frames
// (1-byte length prefix, or 0xFF + u16 for long ones) into a jacdac-ts bus and back.
import net from "node:net"
import { JDBus, createProxyBridge } from "jacdac-ts"
import { encodeFrame, frameReader } from "../console/frames"

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
            if (!sock.destroyed) sock.write(encodeFrame(data))
        })
        bridge.bus = bus
        sock.on("data", frameReader((frame) => bridge.receiveFrameOrPacket(frame)))
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
