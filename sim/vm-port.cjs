// Preloaded into the DeviceScript CLI (`node -r`): the VM dials a Jacdac hub at the hard-coded
// 127.0.0.1:8082; this sends it to PEN_HUB_PORT instead, so every VM gets its own hub and tests
// can run side by side. Loopback only.
const net = require("net")
const port = Number(process.env.PEN_HUB_PORT)
const createConnection = net.createConnection
net.createConnection = function (p, host, cb) {
    if (p === 8082 && port > 0) {
        if (host !== "127.0.0.1") throw new Error(`refusing hub host ${host}: loopback only`)
        p = port
    }
    return createConnection.call(this, p, host, cb)
}
