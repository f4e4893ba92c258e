// The console's side of the pen's console service (services/penconsole.md, drivers/wire.ts):
// requests, replies and their units. It knows nothing of how the bus is carried (transports.ts)
// and decides nothing: the pen's core answers every command, and its message comes back as is.
//
// The firmware sends no ACKs and paces its replies by its packet budget, so every request is
// sent again (same request id) until its reply comes; the firmware answers a repeat with the
// first answer and never runs a command twice.
import {
    JDBus, JDService, Packet, REPORT_RECEIVE, SRV_ACCELEROMETER, SRV_POTENTIOMETER, SRV_ROTARY_ENCODER, jdpack, jdunpack,
} from "jacdac-ts"
import { SensorTrace } from "./timing"
import {
    BUTTON_AREA, BUTTON_TRIGGER, CMD_AREA_INFO, CMD_CARTRIDGE_INFO, CMD_CLEAR_FAULT, CMD_IMPORT_PRESETS, CMD_NEW_SESSION, CMD_NOT_IMPLEMENTED,
    CMD_REVERT_PRESETS, CMD_RUN_SELFTEST, CMD_SAVE_PRESETS, CMD_SELECT_AREA, CMD_SELECT_CARTRIDGE, CMD_SET_CALIBRATION, CMD_SET_PRESET,
    FMT_AREA_INFO, FMT_AREA_INFO_REPORT, FMT_CALIBRATION, FMT_CARTRIDGE_INFO, FMT_CARTRIDGE_INFO_REPORT, FMT_IMPORT_PRESETS, FMT_PROFILE,
    FMT_REQUEST, FMT_RESULT, FMT_SELECT_AREA, FMT_SELECT_CARTRIDGE, FMT_SET_CALIBRATION, FMT_SET_PRESET, FMT_STATUS, FMT_WIRE_VERSION,
    IMPORT_ENTRY_BYTES, REG_CALIBRATION, REG_PROFILE, REG_STATUS, REG_WIRE_VERSION, SOURCES, SRV_PEN_CONSOLE, STATES, WIRE_VERSION,
    faultCodeOf,
} from "../drivers/wire"
import { CAL_FALLBACK, CAL_STORED, fromWire, toWire } from "../drivers/calibration"
import { Calibration, fromArray, toArray } from "./calibration"
import { Preset } from "../core/profile"
import { PenState, PresetSource } from "../core/types"

/** Jacdac register get: 0x1000 | register code */
const GET = 0x1000
/** the console polls the status at most this often (the firmware's budget is the needle's) */
export const STATUS_MIN_INTERVAL_MS = 250

export interface WireStatus {
    state: PenState
    areaIndex: number
    areaId: string
    /** fault code, "" when none */
    fault: string
    flags: number
    depthSetMm: number
    /** NaN while the actuator reports nothing */
    depthActualMm: number
    strokeSetHz: number
    strokeMeasuredHz: number
    forceN: number
    duty: number
    /** the selected area's dose in passes, to 0.01 (1.42) */
    passesUsed: number
    passLimit: number
    /** the cartridge the dose is counted with */
    cartridgeId: string
    needles: number
    uptimeMs: number
    reason: string
}

export interface WireArea {
    index: number
    id: string
    label: string
    depthCapMm: number
    working: Preset
    saved: Preset
    source: PresetSource
    /** passes used, to 0.01 */
    passes: number
    /** punctures delivered on the area */
    punctures: number
    /** the area's size (cm²) */
    areaCm2: number
    treatedS: number
    overPressure: number
}

export interface WireCartridge {
    index: number
    id: string
    label: string
    needles: number
    /** diameter of the needle field (mm) */
    footprintMm: number
    /** the one the dose is counted with */
    fitted: boolean
}

export interface Result {
    ok: boolean
    message: string
}

/** the calibration register: the pen's own calibration in use and the raw readings now */
export interface WireCalibration {
    calibration: Calibration
    /** where it came from: the profile's, stored on the pen, or the profile's after a bad stored record */
    source: "profile" | "stored" | "fallback"
    /** why a stored calibration is not used ("" otherwise) */
    message: string
    /** the force ADC ratio now */
    forceRatio: number
    /** the force now by the profile's own conversion (before the pen's calibration), N */
    forceProfileN: number
    /** the depth feedback ADC ratio now; NaN while it reports nothing */
    depthRatio: number
    /** the stroke rate of the last self-test's spin at SELFTEST_SPIN_DUTY (0: it did not spin) */
    spinHz: number
    trigger: boolean
    area: boolean
}

/** one preset of an import, by area index, in wire units */
export interface WirePreset {
    index: number
    depthUm: number
    strokeMhz: number
    passLimit: number
}

/** what the console's commands use; the tests give a fake one too */
export interface PenApi {
    status(): Promise<WireStatus>
    areas(): Promise<WireArea[]>
    /** one area by id (one request once the ids are known); undefined when the pen has no such area */
    area(id: string): Promise<WireArea | undefined>
    profile(): Promise<{ version: number; name: string }>
    /** the profile's cartridges, the fitted one marked */
    cartridges(): Promise<WireCartridge[]>
    selectCartridge(cartridgeId: string): Promise<Result>
    setPreset(areaId: string, depthUm: number, strokeMhz: number, passLimit: number): Promise<Result>
    selectArea(areaId: string): Promise<Result>
    save(): Promise<Result>
    revert(): Promise<Result>
    newSession(): Promise<Result>
    clearFault(): Promise<Result>
    importPresets(list: WirePreset[]): Promise<Result>
    /** starts the pen's self-test again (the verdict follows in status) */
    runSelfTest?(): Promise<Result>
    /** the calibration register; throws LinkError when the pen's firmware predates it */
    calibration?(): Promise<WireCalibration>
    /** stores a calibration on the pen and uses it (undefined: clear, the profile's again) */
    setCalibration?(c: Calibration | undefined): Promise<Result>
    /** every sensor report on the bus for `ms` (accelerometer, potentiometers, rotary encoder), as it arrived (console/timing.ts) */
    sensorReports?(ms: number): Promise<SensorTrace[]>
    /** where the pen is: "127.0.0.1:8765" or "/dev/ttyUSB0" */
    where(): string
    close(): Promise<void>
}

export class LinkError extends Error {}

export function decodeStatus(v: any[]): WireStatus {
    return {
        state: STATES[v[0]] ?? "idle",
        areaIndex: v[1],
        fault: faultCodeOf(v[2]),
        flags: v[3],
        depthSetMm: v[4] / 1000,
        strokeSetHz: v[5],
        depthActualMm: v[6] < 0 ? NaN : v[6] / 1000,
        strokeMeasuredHz: v[7] / 1000,
        forceN: v[8] / 1000,
        duty: v[9] / 1000,
        passesUsed: v[10] / 100,
        uptimeMs: v[11],
        passLimit: v[12],
        needles: v[13],
        areaId: v[14] ?? "",
        cartridgeId: v[15] ?? "",
        reason: v[16] ?? "",
    }
}

export function decodeArea(v: any[]): WireArea & { areaCount: number } {
    return {
        depthCapMm: v[0] / 1000,
        working: { depthMm: v[1] / 1000, strokeHz: v[2], passLimit: v[6] },
        saved: { depthMm: v[3] / 1000, strokeHz: v[4], passLimit: v[7] },
        index: v[5],
        source: SOURCES[v[8]] ?? "factory",
        passes: v[9] / 100,
        punctures: v[10],
        areaCm2: v[11] / 100,
        treatedS: v[12],
        overPressure: v[13],
        areaCount: v[14],
        id: v[15] ?? "",
        label: v[16] ?? "",
    }
}

export function decodeCalibration(v: any[]): WireCalibration {
    return {
        calibration: fromArray(fromWire(v, 0)),
        forceRatio: v[5] / 1e6,
        forceProfileN: v[6] / 1000,
        depthRatio: v[7] < 0 ? NaN : v[7] / 1e6,
        spinHz: v[8] / 1000,
        source: v[9] === CAL_STORED ? "stored" : v[9] === CAL_FALLBACK ? "fallback" : "profile",
        trigger: (v[10] & BUTTON_TRIGGER) !== 0,
        area: (v[10] & BUTTON_AREA) !== 0,
        message: v[11] ?? "",
    }
}

/** set_calibration's five numbers after the request id (all 0: clear) */
export function encodeCalibration(c: Calibration | undefined): number[] {
    return c ? toWire(toArray(c)) : [0, 0, 0, 0, 0]
}

export function decodeCartridge(v: any[]): WireCartridge & { count: number } {
    return {
        index: v[0],
        count: v[1],
        needles: v[2],
        fitted: v[3] === 1,
        footprintMm: v[4] / 1000,
        id: v[5] ?? "",
        label: v[6] ?? "",
    }
}

/**
 * What the pen's answer to a wire_version read means for this console: "" when it speaks this
 * console's layouts, else what to update. `version` undefined: the pen answered "not implemented"
 * (firmware of wire version 1, before the register existed).
 */
export function wireMismatch(version: number | undefined, where: string): string {
    if (version === WIRE_VERSION) return ""
    const pen = version === undefined ? "1 (firmware from before the dose rule, no wire_version register)" : String(version)
    const fix = version !== undefined && version > WIRE_VERSION
        ? "update this console to the one built with the pen's firmware"
        : "flash the pen with the firmware built from this console's repository"
    return `the pen at ${where} speaks console wire version ${pen}; this console speaks version ${WIRE_VERSION}: ${fix}. Nothing was sent to it.`
}

export function encodeImport(list: WirePreset[]): Uint8Array {
    const buf = new Uint8Array(list.length * IMPORT_ENTRY_BYTES)
    const dv = new DataView(buf.buffer)
    list.forEach((p, k) => {
        const o = k * IMPORT_ENTRY_BYTES
        dv.setInt32(o, p.depthUm, true)
        dv.setInt32(o + 4, p.strokeMhz, true)
        dv.setInt16(o + 8, p.passLimit, true)
        dv.setUint8(o + 10, p.index)
    })
    return buf
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** the sensor classes `timing` listens to, and how it names them */
const SENSOR_KINDS: [number, SensorTrace["kind"]][] = [
    [SRV_ACCELEROMETER, "accelerometer"], [SRV_POTENTIOMETER, "potentiometer"], [SRV_ROTARY_ENCODER, "rotary encoder"],
]
/** a sensor's reading register (Jacdac system register) */
const REG_READING = 0x101

export interface LinkOptions {
    /** one try's wait for a reply (ms) */
    replyMs?: number
    /** how long a request is retried in all (ms) */
    requestMs?: number
    /** how long to wait for the pen to appear on the bus (ms) */
    findMs?: number
}

/** the pen's console service on a jacdac-ts bus */
export class PenLink implements PenApi {
    private nextRequest = (Math.random() * 0x7fffffff) >>> 0
    private lastStatusMs = -Infinity
    private o: Required<LinkOptions>

    constructor(readonly bus: JDBus, private whereText: string, private onClose: () => Promise<void>, o: LinkOptions = {}) {
        this.o = { replyMs: 300, requestMs: 6000, findMs: 10000, ...o }
    }

    where() {
        return this.whereText
    }

    /** waits for a pen on the bus and checks it speaks this console's wire version; throws LinkError with what to do */
    async find(): Promise<void> {
        const t0 = Date.now()
        while (!this.service()) {
            if (Date.now() - t0 > this.o.findMs)
                throw new LinkError(`no pen answered on ${this.whereText} within ${Math.round(this.o.findMs / 1000)} s`)
            await sleep(50)
        }
        const why = wireMismatch(await this.wireVersion(), this.whereText)
        if (why !== "") throw new LinkError(why)
    }

    /** the pen's wire_version; undefined when it answers "not implemented" (wire version 1) */
    async wireVersion(): Promise<number | undefined> {
        const code = GET | REG_WIRE_VERSION
        const p = await this.request(
            () => Packet.onlyHeader(code),
            (r) => r.serviceCommand === code || (r.serviceCommand === CMD_NOT_IMPLEMENTED && r.data.length >= 2 && (r.data[0] | (r.data[1] << 8)) === code),
            "a wire_version request"
        )
        if (p.serviceCommand !== code) return undefined
        return jdunpack<[number]>(p.data, FMT_WIRE_VERSION)[0]
    }

    async sensorReports(ms: number): Promise<SensorTrace[]> {
        const traces: SensorTrace[] = []
        const offs: (() => void)[] = []
        // the services on the bus now: the pen's own, and on a board its sensors, are there once find() saw the pen
        for (const [cls, kind] of SENSOR_KINDS)
            for (const srv of this.bus.services({ serviceClass: cls })) {
                if (srv.device.lost) continue
                const t: SensorTrace = { name: `${kind} ${srv.device.shortId}[${srv.serviceIndex}]`, kind, arrivalsMs: [], payloads: [], positions: [] }
                traces.push(t)
                const on = (p: Packet) => {
                    if (!p.isRegisterGet || p.registerIdentifier !== REG_READING) return
                    t.arrivalsMs.push(performance.now())
                    t.payloads.push(Buffer.from(p.data).toString("hex"))
                    if (kind === "rotary encoder" && p.data.length >= 4) t.positions.push(jdunpack<[number]>(p.data, "i32")[0])
                }
                srv.on(REPORT_RECEIVE, on)
                offs.push(() => srv.off(REPORT_RECEIVE, on))
            }
        await sleep(ms)
        for (const off of offs) off()
        return traces.filter((t) => t.arrivalsMs.length > 0)
    }

    private service(): JDService | undefined {
        return this.bus.services({ serviceClass: SRV_PEN_CONSOLE }).find((s) => !s.device.lost)
    }

    /** sends `pkt` until a report that `match`es comes back */
    private async request(make: () => Packet, match: (p: Packet) => boolean, what: string): Promise<Packet> {
        const t0 = Date.now()
        for (;;) {
            const srv = this.service()
            if (srv) {
                const got = await new Promise<Packet | undefined>((resolve) => {
                    const on = (p: Packet) => {
                        if (!match(p)) return
                        srv.off(REPORT_RECEIVE, on)
                        clearTimeout(timer)
                        resolve(p)
                    }
                    const timer = setTimeout(() => {
                        srv.off(REPORT_RECEIVE, on)
                        resolve(undefined)
                    }, this.o.replyMs)
                    srv.on(REPORT_RECEIVE, on)
                    void srv.sendPacketAsync(make())
                })
                if (got) return got
            } else await sleep(50)
            if (Date.now() - t0 > this.o.requestMs)
                throw new LinkError(`the pen did not answer ${what} on ${this.whereText} within ${Math.round(this.o.requestMs / 1000)} s`)
        }
    }

    async status(): Promise<WireStatus> {
        const wait = this.lastStatusMs + STATUS_MIN_INTERVAL_MS - Date.now()
        if (wait > 0) await sleep(wait)
        this.lastStatusMs = Date.now()
        const p = await this.request(() => Packet.onlyHeader(GET | REG_STATUS), (r) => r.serviceCommand === (GET | REG_STATUS), "a status request")
        return decodeStatus(jdunpack(p.data, FMT_STATUS))
    }

    async profile() {
        const p = await this.request(() => Packet.onlyHeader(GET | REG_PROFILE), (r) => r.serviceCommand === (GET | REG_PROFILE), "a profile request")
        const [version, name] = jdunpack<[number, string]>(p.data, FMT_PROFILE)
        return { version, name }
    }

    private async areaAt(i: number) {
        const p = await this.request(
            () => Packet.from(CMD_AREA_INFO, jdpack(FMT_AREA_INFO, [i])),
            (r) => r.serviceCommand === CMD_AREA_INFO && r.data[10] === i,
            `area ${i}`
        )
        return decodeArea(jdunpack(p.data, FMT_AREA_INFO_REPORT))
    }

    /** area ids by index, as last read (they come from the firmware's profile) */
    private ids: string[] | undefined

    async areas(): Promise<WireArea[]> {
        const out: WireArea[] = []
        for (let i = 0; ; i++) {
            const a = await this.areaAt(i)
            if (i >= a.areaCount || a.id === "") break
            const { areaCount: _n, ...area } = a
            out.push(area)
            if (i + 1 >= a.areaCount) break
        }
        this.ids = out.map((a) => a.id)
        return out
    }

    async area(id: string): Promise<WireArea | undefined> {
        const i = this.ids?.indexOf(id) ?? -1
        if (i >= 0) {
            const { areaCount: _n, ...a } = await this.areaAt(i)
            if (a.id === id) return a
        } else if (this.ids) return undefined
        return (await this.areas()).find((a) => a.id === id)
    }

    async cartridges(): Promise<WireCartridge[]> {
        const out: WireCartridge[] = []
        for (let i = 0; ; i++) {
            const p = await this.request(
                () => Packet.from(CMD_CARTRIDGE_INFO, jdpack(FMT_CARTRIDGE_INFO, [i])),
                (r) => r.serviceCommand === CMD_CARTRIDGE_INFO && r.data[0] === i,
                `cartridge ${i}`
            )
            const { count, ...c } = decodeCartridge(jdunpack(p.data, FMT_CARTRIDGE_INFO_REPORT))
            if (i >= count || c.id === "") break
            out.push(c)
            if (i + 1 >= count) break
        }
        return out
    }

    private async command(code: number, fmt: string, args: any[], what: string): Promise<Result> {
        const req = this.nextRequest
        this.nextRequest = (this.nextRequest + 1) >>> 0
        const p = await this.request(
            () => Packet.from(code, jdpack(fmt, [req, ...args])),
            (r) => r.serviceCommand === code && r.data.length >= 4 && new DataView(r.data.buffer, r.data.byteOffset).getUint32(0, true) === req,
            what
        )
        const [, ok, message] = jdunpack<[number, number, string]>(p.data, FMT_RESULT)
        return { ok: ok === 1, message }
    }

    setPreset(areaId: string, depthUm: number, strokeMhz: number, passLimit: number) {
        return this.command(CMD_SET_PRESET, FMT_SET_PRESET, [depthUm, strokeMhz, passLimit, areaId], "set_preset")
    }
    selectArea(areaId: string) {
        return this.command(CMD_SELECT_AREA, FMT_SELECT_AREA, [areaId], "select_area")
    }
    save() {
        return this.command(CMD_SAVE_PRESETS, FMT_REQUEST, [], "save_presets")
    }
    revert() {
        return this.command(CMD_REVERT_PRESETS, FMT_REQUEST, [], "revert_presets")
    }
    newSession() {
        return this.command(CMD_NEW_SESSION, FMT_REQUEST, [], "new_session")
    }
    clearFault() {
        return this.command(CMD_CLEAR_FAULT, FMT_REQUEST, [], "clear_fault")
    }
    selectCartridge(cartridgeId: string) {
        return this.command(CMD_SELECT_CARTRIDGE, FMT_SELECT_CARTRIDGE, [cartridgeId], "select_cartridge")
    }

    runSelfTest() {
        return this.command(CMD_RUN_SELFTEST, FMT_REQUEST, [], "run_selftest")
    }

    /** reads the calibration register; a firmware from before it answers "not implemented": LinkError saying to update it */
    async calibration(): Promise<WireCalibration> {
        const code = GET | REG_CALIBRATION
        const p = await this.request(
            () => Packet.onlyHeader(code),
            (r) => r.serviceCommand === code || (r.serviceCommand === CMD_NOT_IMPLEMENTED && r.data.length >= 2 && (r.data[0] | (r.data[1] << 8)) === code),
            "a calibration request"
        )
        if (p.serviceCommand !== code)
            throw new LinkError(`the pen at ${this.whereText} has no calibration register: its firmware predates the commissioning (issue 14); flash the firmware built from this console's repository`)
        return decodeCalibration(jdunpack(p.data, FMT_CALIBRATION))
    }

    setCalibration(c: Calibration | undefined) {
        return this.command(CMD_SET_CALIBRATION, FMT_SET_CALIBRATION, encodeCalibration(c), "set_calibration")
    }

    importPresets(list: WirePreset[]) {
        return this.command(CMD_IMPORT_PRESETS, FMT_IMPORT_PRESETS, [encodeImport(list)], "import_presets")
    }

    async close() {
        await this.onClose()
    }
}
