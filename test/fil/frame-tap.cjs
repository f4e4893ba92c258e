// Preloaded into the DeviceScript VM process (NODE_OPTIONS=--require) by test/fil/outputs.test.ts:
// every frame the VM sends is also written to its stdout as "VMFRAME <hex>", in order with the
// firmware's log lines (both are synchronous writes from the VM's one thread), so a test can see
// whether the stop left before the line that reports it. Nothing else changes; no other runner loads it.
const instantiate = WebAssembly.instantiate
WebAssembly.instantiate = function (bin, imports, ...rest) {
    let mem = null
    if (imports && imports.env && typeof imports.env.em_send_frame === "function") {
        const send = imports.env.em_send_frame
        imports = { ...imports, env: { ...imports.env } }
        // a jd_frame: crc (2), size of the packets (1), flags (1), device id (8), the packets
        imports.env.em_send_frame = (frame, ...a) => {
            if (mem) {
                const u8 = new Uint8Array(mem.buffer)
                process.stdout.write(`VMFRAME ${Buffer.from(u8.subarray(frame, frame + 12 + u8[frame + 2])).toString("hex")}\n`)
            }
            return send(frame, ...a)
        }
    }
    return instantiate.call(this, bin, imports, ...rest).then((r) => {
        const inst = r && r.instance ? r.instance : r
        if (inst && inst.exports && inst.exports.memory) mem = inst.exports.memory
        return r
    })
}
