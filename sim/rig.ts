// One simulated pen with the real firmware: plant + Jacdac devices + hub + DeviceScript VM.
// Used by `npm start`, the firmware-in-the-loop tests and the benchmarks.
import { parseEventLine } from "../core/events"
import { Profile } from "../core/profile"
import { EventData } from "../core/types"
import { SimPen, SimPenOptions } from "./devices"
import { Hub, startHub } from "./hub"
import { Vm, startVm } from "./vm"

export interface FirmwareStatus {
    raw: string
    fields: Record<string, string>
}

/**
 * parse `key=value key="quoted value"` pairs of a STATUS or LEDGER line; a quoted value the VM cut
 * at the end of a long line (src/main.ts) reads as far as it goes
 */
export function parseFields(s: string): Record<string, string> {
    const out: Record<string, string> = {}
    const re = /(\w+)=("([^"]*)"?|\S+)/g
    let m: RegExpExecArray | null
    while ((m = re.exec(s))) out[m[1]] = m[3] ?? m[2]
    return out
}

export interface RigOptions extends SimPenOptions {
    /** VM working directory: reuse one to keep its settings flash across restarts */
    vmDir?: string
    onLine?: (line: string) => void
    /** the hub's loopback port (0 or unset: any free port) */
    hubPort?: number
    /** start() and reboot() return once the firmware's self-test has given its verdict (default true) */
    waitSelfTest?: boolean
}

/** how long start() waits for the self-test's verdict after the first status line (wall ms; the test is bounded at ~4.5 s) */
export const SELFTEST_WAIT_MS = 20000

export class Rig {
    pen!: SimPen
    hub!: Hub
    vm!: Vm
    status: FirmwareStatus | undefined
    /** the firmware's EVENT lines, read back into their fields (core/events.ts) */
    readonly events: EventData[] = []
    /** the plant's clock (ms) when each of `events` arrived: what the hardware had done by then */
    readonly eventPlantMs: number[] = []
    /** latest LEDGER line per area */
    readonly ledger = new Map<string, Record<string, string>>()
    /** the firmware's SELFTEST lines since the last (re)boot, and the result line's fields: verdict, id */
    selfTestLines: string[] = []
    selfTest: { verdict: string; id: string; line: string } | undefined

    constructor(readonly profile: Profile, readonly o: RigOptions = {}) {}

    async start() {
        this.pen = new SimPen(this.profile, this.o)
        this.pen.start()
        this.hub = await startHub(this.pen.bus, this.o.hubPort ?? 0)
        this.bootVm(this.o.vmDir)
        await this.pen.until(() => this.status !== undefined, 20000, "the firmware's first status line")
        await this.waitSelfTest()
    }

    /** until the firmware printed its self-test's verdict (a condition, not a delay: the scenarios arm right after) */
    async waitSelfTest() {
        if (this.o.waitSelfTest === false) return
        await this.pen.until(() => this.selfTest !== undefined, SELFTEST_WAIT_MS, "the firmware's self-test verdict")
    }

    private bootVm(dir?: string) {
        this.status = undefined
        this.selfTest = undefined
        this.selfTestLines = []
        this.vm = startVm({
            port: this.hub.port,
            cwd: dir,
            onLine: (line) => {
                if (line.startsWith("STATUS ")) this.status = { raw: line.slice(7), fields: parseFields(line.slice(7)) }
                else if (line.startsWith("EVENT ")) {
                    this.events.push(parseEventLine(line)!)
                    this.eventPlantMs.push(this.pen.plant.nowMs)
                }
                else if (line.startsWith("SELFTEST ")) {
                    this.selfTestLines.push(line)
                    // SELFTEST result <verdict> [<id>] in <n> ms
                    const w = line.split(" ")
                    if (w[1] === "result") this.selfTest = { verdict: w[2], id: w[3] === "in" ? "" : w[3], line }
                }
                else if (line.startsWith("LEDGER ")) {
                    const f = parseFields(line.slice(7))
                    this.ledger.set(f.area, f)
                }
                this.o.onLine?.(line)
            },
        })
    }

    /** power-cycle the firmware: same flash, fresh VM */
    async reboot() {
        const dir = this.vm.cwd
        await this.vm.stop()
        this.bootVm(dir)
        await this.pen.until(() => this.status !== undefined, 20000, "the firmware's first status line after reboot")
        await this.waitSelfTest()
    }

    state(): string {
        return this.status?.fields.state ?? ""
    }

    /** the operator's area presses until the firmware shows area `id` */
    async selectArea(id: string) {
        for (let i = 0; i < this.profile.areas.length && this.status?.fields.area !== id; i++) {
            const before = this.status?.fields.area
            await this.pen.press("area")
            await this.pen.until(() => this.status?.fields.area !== before, 3000, "the area to change")
        }
        if (this.status?.fields.area !== id) throw new Error(`could not select area ${id}`)
    }

    /** fails saying the state it found at the timeout, and which fault latched and why */
    async waitState(state: string, timeoutMs = 5000) {
        try {
            await this.pen.until(() => this.state() === state, timeoutMs, `firmware state ${state}`)
        } catch (e) {
            throw new Error(`${(e as Error).message}; now ${this.explain()}`)
        }
    }

    /** the firmware's state and, if one latched, the fault with the reason it printed */
    explain(): string {
        const code = this.status?.fields.fault
        if (!code) return this.state() || "no status line yet"
        const why = [...this.events].reverse().find((e) => e.kind === "fault")
        // the event reads "fault <code>: <message>"
        return `${this.state()}, ${why ? `fault ${why.message}` : `fault ${code}`}`
    }

    /** until the firmware printed an event of this kind (from the `from`th event on) */
    waitEvent(kind: string, timeoutMs = 5000, from = 0) {
        return this.pen.until(
            () => this.events.slice(from).some((e) => e.kind === kind),
            timeoutMs,
            `firmware event ${kind}`
        )
    }

    async stop() {
        await this.vm?.stop()
        this.pen?.stop()
        await this.hub?.close()
    }
}
