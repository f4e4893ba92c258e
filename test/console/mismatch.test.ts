// A console and a pen of different wire versions (services/penconsole.md, "Wire version"): the
// console reads wire_version before anything else and, when the pen speaks another version, says
// which side to update and sends nothing. The pen here is a jacdac-ts server that answers as a
// DeviceScript server of wire version 1 does (test/console/e2e.test.ts checks that answer against
// the real firmware): "command not implemented" for a register it does not have.
import { JDBus, JDServerServiceProvider, JDServiceServer, Packet, jdpack, loadServiceSpecifications } from "jacdac-ts"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, test } from "vitest"
import { LinkError, PenLink } from "../../console/link"
import { CMD_NOT_IMPLEMENTED, FMT_WIRE_VERSION, REG_WIRE_VERSION, SRV_PEN_CONSOLE } from "../../drivers/wire"

// jacdac-ts's servers need a spec for their class: the compiled one (`npm run build`), with its
// base registers; this pen answers wire_version by hand and nothing else
const SPEC = join(__dirname, "../../.devicescript/services.json")
if (!existsSync(SPEC)) throw new Error("the service spec is not compiled: run `npm run build` (npm test does it)")
loadServiceSpecifications((JSON.parse(readFileSync(SPEC, "utf8")) as any[]).filter((x) => x.classIdentifier === SRV_PEN_CONSOLE))

/** a pen console service that knows no wire_version (version 1), or answers `version` */
class OldPen extends JDServiceServer {
    asked = 0
    constructor(private version: number | undefined) {
        super(SRV_PEN_CONSOLE)
    }
    override async handlePacket(pkt: Packet) {
        if (pkt.serviceCommand !== (0x1000 | REG_WIRE_VERSION)) return
        this.asked++
        if (this.version === undefined) await this.sendPacketAsync(Packet.from(CMD_NOT_IMPLEMENTED, jdpack("u16 u16", [pkt.serviceCommand, pkt.crc])))
        else await this.sendPacketAsync(Packet.from(pkt.serviceCommand, jdpack(FMT_WIRE_VERSION, [this.version])))
    }
}

const buses: JDBus[] = []
afterEach(() => {
    while (buses.length) buses.pop()!.stop()
})

async function linkTo(version: number | undefined) {
    const bus = new JDBus([], { client: false, disableRoleManager: true } as never)
    buses.push(bus)
    const pen = new OldPen(version)
    bus.addServiceProvider(new JDServerServiceProvider("oldpen", [pen], { deviceId: "0badc0de0badc0de" }))
    bus.start()
    return { link: new PenLink(bus, "test-bus", async () => {}, { findMs: 3000, requestMs: 3000 }), pen }
}

describe("console wire version", () => {
    test("a version-1 pen: the console says the pen's firmware must be updated, before any command", async () => {
        const { link, pen } = await linkTo(undefined)
        const err: Error | undefined = await link.find().then((): Error | undefined => undefined, (e: Error) => e)
        expect(err).toBeInstanceOf(LinkError)
        expect(err?.message).toBe(
            "the pen at test-bus speaks console wire version 1 (firmware from before the dose rule, no wire_version register); this console speaks version 2: flash the pen with the firmware built from this console's repository. Nothing was sent to it."
        )
        expect(pen.asked).toBeGreaterThanOrEqual(1)
    })

    test("a newer pen: update the console; the same version: no complaint", async () => {
        const newer = await linkTo(3)
        await expect(newer.link.find()).rejects.toThrow("speaks console wire version 3; this console speaks version 2: update this console")
        const same = await linkTo(2)
        await expect(same.link.find()).resolves.toBeUndefined()
    })
})
