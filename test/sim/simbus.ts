// A Jacdac client on a simulated pen's bus through the loopback hub: the devices as the firmware's
// roles would see them, for tests that read the simulated hardware without the firmware.
// closeSimBuses() in afterEach stops every one opened.
import { JDBus } from "jacdac-ts"
import { LoopbackTransport } from "../../console/transports"
import { SimPen } from "../../sim/devices"
import { Hub, startHub } from "../../sim/hub"

export interface SimBus {
    pen: SimPen
    hub: Hub
    client: JDBus
}

const opened: SimBus[] = []

/** start the pen, a hub on a free loopback port and a client connected to it */
export async function openSimBus(pen: SimPen): Promise<SimBus> {
    pen.start()
    const hub = await startHub(pen.bus)
    const client = new JDBus([new LoopbackTransport(hub.port)], { client: true, disableRoleManager: true } as never)
    const b = { pen, hub, client }
    opened.push(b)
    await client.connect()
    client.start()
    return b
}

export async function closeSimBuses() {
    for (const b of opened.splice(0)) {
        await b.client.disconnect().catch(() => {})
        b.client.stop()
        await b.hub.close()
        b.pen.stop()
    }
}
