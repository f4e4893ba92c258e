// Jacdac frames over a TCP stream, as the DeviceScript VM's --tcp link carries them: a 1-byte
// length prefix, or 0xFF and a little-endian u16 for frames of 255 bytes or more. Used by the
// simulator's hub (sim/hub.ts) and the console's loopback transport (console/transports.ts).

export function encodeFrame(data: Uint8Array): Buffer {
    const n = data.length
    const head = n >= 255 ? Buffer.from([255, n & 255, n >> 8]) : Buffer.from([n])
    return Buffer.concat([head, Buffer.from(data)])
}

/** a stream reader: feed it socket chunks, it calls onFrame once per whole frame */
export function frameReader(onFrame: (frame: Uint8Array) => void): (chunk: Buffer) => void {
    let acc: Buffer = Buffer.alloc(0)
    return (chunk: Buffer) => {
        acc = acc.length ? Buffer.concat([acc, chunk]) : chunk
        for (;;) {
            if (acc.length < 1) return
            let len = acc[0]
            let off = 1
            if (len === 255) {
                if (acc.length < 3) return
                len = acc[1] | (acc[2] << 8)
                off = 3
            }
            if (acc.length < off + len) return
            onFrame(new Uint8Array(acc.subarray(off, off + len)))
            acc = acc.subarray(off + len)
        }
    }
}
