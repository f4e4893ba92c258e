// The console's commands: parsed here, answered by the pen. Each gives one Output (ok, a message
// a person reads, and data for --json). Input is checked here for syntax only (a number that is
// not a number, a word that is not a command); whether a value is allowed is the pen's core's
// call, and its refusal comes back word for word. The only range checks run here are the
// core's own functions (core/validate.ts), for values that cannot even be put on the wire.
import { fixed } from "../core/format"
import { AreaCap } from "../core/profile"
import { statusLine } from "../core/statusline"
import { PenStatus } from "../core/types"
import { checkDepth, checkPassLimit, checkStrokeHz } from "../core/validate"
import { FLAG_CAL_FALLBACK, FLAG_DWELL_OFF, FLAG_DWELL_WARN, FLAG_FALLBACK, FLAG_STORE_ERROR, FLAG_UNSAVED } from "../drivers/wire"
import { FACTORY_PROFILE } from "../src/profile.g"
import { bringup } from "./bringup"
import { calibrationExport, calibrationText } from "./calibration"
import { exportPresets, planImport } from "./files"
import { analyseTrace, chipVerdict, loopVerdict, timingText } from "./timing"
import { PenApi, STATUS_MIN_INTERVAL_MS, WireArea, WireCartridge, WireStatus } from "./link"

export interface Output {
    ok: boolean
    message: string
    data?: unknown
}

export interface Ctx {
    pen: PenApi
    json: boolean
    /** answer yes to confirmations (--yes) */
    yes: boolean
    /** asks a yes/no question; undefined when nobody can answer (a script) */
    confirm?: (question: string) => Promise<boolean>
    /**
     * asks a question and resolves with the answer line ("" for Enter), undefined at the end of
     * input: a terminal prompt, or the next line of input (bringup); `id` names it for scripts
     */
    ask?: (id: string, question: string) => Promise<string | undefined>
    /** prints a line (text mode) or a JSON object (json mode) right away: watch's live output */
    emit: (line: string, data?: unknown) => void
    /** rewrites the current line (a terminal); undefined when output is not a terminal */
    live?: (line: string) => void
    /** resolves when the operator stops a watch (Enter, Ctrl-C) */
    stopped?: () => Promise<void>
    readFile: (path: string) => string
    writeFile: (path: string, text: string) => void
}

export interface CommandHelp {
    name: string
    usage: string
    help: string
}

export const COMMANDS: CommandHelp[] = [
    { name: "status", usage: "status", help: "the pen now: state, area, depth set/actual, stroke rate set/measured, force, dose (passes used, e.g. 1.42/3), cartridge, fault and why the needle is not running" },
    { name: "watch", usage: "watch [SECONDS]", help: "a live status line, 4 times a second, until SECONDS pass or Enter / Ctrl-C" },
    { name: "areas", usage: "areas", help: "the treatment areas: cap, preset in use, dose (passes used, e.g. 1.42/3), punctures and density per cm², area size, treated time, too-hard presses" },
    { name: "presets", usage: "presets", help: "every area's preset in use and saved, and where the saved one came from" },
    { name: "set", usage: "set AREA [depth MM] [rate STROKES/S] [passes N]", help: "change an area's preset in use (not saved until `save`), e.g. set cheeks depth 1.5 rate 120" },
    { name: "save", usage: "save", help: "store the presets in use on the pen (kept across restarts)" },
    { name: "revert", usage: "revert", help: "go back to the saved presets" },
    { name: "select", usage: "select AREA", help: "select the treatment area" },
    { name: "cartridge", usage: "cartridge [ID]", help: "list the needle cartridges (* the fitted one); with ID, the cartridge fitted: each stroke on the skin counts its needles (stored on the pen)" },
    { name: "new-session", usage: "new-session [--yes]", help: "clear the dose ledger: every area gets its full dose again (asks first)" },
    { name: "clear-fault", usage: "clear-fault", help: "clear a latched fault once its cause is gone" },
    { name: "selftest", usage: "selftest", help: "run the power-on self-test again (pen disarmed, off the skin); waits for its verdict" },
    { name: "bringup", usage: "bringup", help: "commission a newly built pen step by step: self-test, buttons, force against a known weight, depth feedback at each end, the needle's strokes per duty; stores the calibration on the pen (asks first)" },
    { name: "timing", usage: "timing [SECONDS]", help: "listen to the pen's sensor reports for SECONDS (default 5, at most 60): how far apart they arrive, and whether the board's loop reads the accelerometer on a 10 ms tick (docs/HARDWARE.md bring-up; the dwell rule's margins depend on it)" },
    { name: "calibration", usage: "calibration [export FILE|- | clear]", help: "the pen's own calibration in use and the readings now; export: as the devs.json fields it overrides; clear: back to the profile's" },
    { name: "export", usage: "export FILE|-", help: "write the presets in use as a devs.json-shaped file (- for stdout)" },
    { name: "import", usage: "import FILE", help: "check a devs.json-shaped file as a whole, then set and save its presets" },
    { name: "help", usage: "help [COMMAND]", help: "this list" },
    { name: "quit", usage: "quit", help: "leave the console (also exit, Ctrl-D)" },
]

export const SETTINGS = ["depth", "rate", "passes"]

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** a decimal number, or undefined when the text is not one */
export function parseNumber(text: string): number | undefined {
    if (!NUMBER.test(text)) return undefined
    const x = Number(text)
    return Number.isFinite(x) ? x : undefined
}

/** splits a command line into words; "quoted words" stay together */
export function words(line: string): string[] {
    const out: string[] = []
    const re = /"([^"]*)"|'([^']*)'|(\S+)/g
    let m: RegExpExecArray | null
    while ((m = re.exec(line))) out.push(m[1] ?? m[2] ?? m[3])
    return out
}

const refused = (message: string, data?: unknown): Output => ({ ok: false, message, data })

/** the firmware's status as the core's PenStatus, so the line reads as the firmware's own STATUS log */
export function toPenStatus(s: WireStatus, areaId: string): PenStatus {
    return {
        state: s.state,
        areaId,
        depthTargetMm: s.depthSetMm,
        depthActualMm: s.depthActualMm,
        strokeSetHz: s.strokeSetHz,
        strokeMeasuredHz: s.strokeMeasuredHz,
        forceN: s.forceN,
        passesUsed: s.passesUsed,
        passLimit: s.passLimit,
        cartridgeId: s.cartridgeId,
        needles: s.needles,
        needleDuty: s.duty,
        fault: s.fault ? { code: s.fault as never, message: "", atMs: 0 } : undefined,
        holdReason: s.reason,
        dwellProtection: s.flags & FLAG_DWELL_OFF ? "off" : s.flags & FLAG_DWELL_WARN ? "warn" : "on",
    }
}

export function statusText(s: WireStatus): string {
    let line = statusLine(toPenStatus(s, s.areaId))
    if (s.flags & FLAG_UNSAVED) line += " presets=unsaved"
    if (s.flags & FLAG_FALLBACK) line += " presets=factory-fallback"
    if (s.flags & FLAG_STORE_ERROR) line += " store=failed"
    if (s.flags & FLAG_CAL_FALLBACK) line += " calibration=profile-fallback"
    return line
}

function statusData(s: WireStatus) {
    return {
        ...s,
        depthActualMm: s.depthActualMm === s.depthActualMm ? s.depthActualMm : null,
        presetsUnsaved: (s.flags & FLAG_UNSAVED) !== 0,
        presetFallback: (s.flags & FLAG_FALLBACK) !== 0,
        calibrationFallback: (s.flags & FLAG_CAL_FALLBACK) !== 0,
        storeFailed: (s.flags & FLAG_STORE_ERROR) !== 0,
        dwellProtection: (s.flags & FLAG_DWELL_OFF) !== 0 ? "off" : (s.flags & FLAG_DWELL_WARN) !== 0 ? "warn" : "on",
    }
}

function table(head: string[], rows: string[][]): string {
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
    const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd()
    return [line(head), ...rows.map(line)].join("\n")
}

function presetText(p: { depthMm: number; strokeHz: number; passLimit: number }) {
    return `${fixed(p.depthMm, 2)} mm ${p.strokeHz}/s ${p.passLimit}x`
}

/** punctures per cm² delivered on an area (0 for an area the pen gives no size) */
export function densityPerCm2(a: WireArea): number {
    return a.areaCm2 > 0 ? a.punctures / a.areaCm2 : 0
}

function areasTable(areas: WireArea[], s: WireStatus): string {
    return table(
        ["", "area", "label", "cap mm", "depth mm", "rate /s", "dose", "punctures", "per cm²", "cm²", "treated s", "too hard"],
        areas.map((a) => [
            a.index === s.areaIndex ? "*" : "",
            a.id,
            a.label,
            fixed(a.depthCapMm, 2),
            fixed(a.working.depthMm, 2),
            String(a.working.strokeHz),
            `${fixed(a.passes, 2)}/${a.working.passLimit}`,
            String(a.punctures),
            fixed(densityPerCm2(a), 0),
            fixed(a.areaCm2, 1),
            String(a.treatedS),
            String(a.overPressure),
        ])
    )
}

function cartridgesTable(list: WireCartridge[]): string {
    return table(
        ["", "cartridge", "needles", "field mm", "label"],
        list.map((c) => [c.fitted ? "*" : "", c.id, String(c.needles), fixed(c.footprintMm, 1), c.label])
    )
}

function same(a: WireArea) {
    return a.working.depthMm === a.saved.depthMm && a.working.strokeHz === a.saved.strokeHz && a.working.passLimit === a.saved.passLimit
}

function presetsTable(areas: WireArea[]): string {
    return table(
        ["area", "cap mm", "in use", "saved", "saved from"],
        areas.map((a) => [
            a.id,
            fixed(a.depthCapMm, 2),
            presetText(a.working) + (same(a) ? "" : " *"),
            presetText(a.saved),
            a.source === "fallback" ? "factory (stored record was bad)" : a.source,
        ])
    )
}

function areaProfile(a: WireArea): AreaCap {
    return { id: a.id, depthCapMm: a.depthCapMm }
}

/**
 * `value` in wire units (x scale, a whole number), or the core's refusal when it cannot be sent
 * as one: a fraction the wire cannot carry, or far outside what an i32 holds.
 */
function toWire(value: number, scale: number, check: () => string): number | string {
    const w = value * scale
    const r = Math.round(w)
    if (Math.abs(w - r) < 1e-6 && Math.abs(r) < 2 ** 31) return r
    const why = check()
    return why !== "" ? why : `${value} cannot be sent to the pen`
}

async function setCommand(args: string[], ctx: Ctx): Promise<Output> {
    if (args.length < 3 || args.length % 2 === 0)
        return refused("usage: set AREA [depth MM] [rate STROKES/S] [passes N], e.g. set cheeks depth 1.5")
    const areaId = args[0]
    const area = await ctx.pen.area(areaId)
    // an unknown area goes to the pen all the same: its core answers with the known ones
    const p = area ? { ...area.working } : { depthMm: 0, strokeHz: 0, passLimit: 0 }
    const seen: string[] = []
    for (let i = 1; i < args.length; i += 2) {
        const key = args[i].toLowerCase()
        const text = args[i + 1]
        if (!SETTINGS.includes(key)) return refused(`unknown setting "${args[i]}": use depth (mm), rate (strokes/s) or passes (pass limit)`)
        if (seen.includes(key)) return refused(`${key} is given twice`)
        seen.push(key)
        const x = parseNumber(text)
        const unit = key === "depth" ? "millimetres, e.g. 0.5" : key === "rate" ? "strokes per second, e.g. 120" : "a whole number of passes, e.g. 2"
        if (x === undefined) return refused(`"${text}" is not a number: give ${key} in ${unit}`)
        if (key === "depth") p.depthMm = x
        else if (key === "rate") p.strokeHz = x
        else p.passLimit = x
    }
    const ap = area ? areaProfile(area) : { id: areaId, label: "", depthCapMm: 0, preset: p }
    const um = toWire(p.depthMm, 1000, () => checkDepth(ap, p.depthMm))
    const mhz = toWire(p.strokeHz, 1000, () => checkStrokeHz(p.strokeHz))
    const passes = toWire(p.passLimit, 1, () => checkPassLimit(p.passLimit))
    for (const v of [um, mhz, passes]) if (typeof v === "string") return refused(v)
    const r = await ctx.pen.setPreset(areaId, um as number, mhz as number, passes as number)
    return { ok: r.ok, message: r.message, data: { area: areaId, preset: p } }
}

async function watchCommand(args: string[], ctx: Ctx): Promise<Output> {
    let seconds = Infinity
    if (args.length > 0) {
        const x = parseNumber(args[0])
        if (x === undefined || x <= 0) return refused(`"${args[0]}" is not a number of seconds, e.g. watch 10`)
        seconds = x
    }
    const t0 = Date.now()
    let stop = false
    void ctx.stopped?.().then(() => (stop = true))
    let last = ""
    let n = 0
    while (!stop && Date.now() - t0 < seconds * 1000) {
        const s = await ctx.pen.status()
        n++
        const line = statusText(s)
        if (ctx.json) ctx.emit("", { watch: statusData(s) })
        else if (ctx.live) ctx.live(line)
        else if (line !== last) ctx.emit(line)
        last = line
        const wait = STATUS_MIN_INTERVAL_MS - ((Date.now() - t0) % STATUS_MIN_INTERVAL_MS)
        await new Promise((r) => setTimeout(r, Math.min(wait, STATUS_MIN_INTERVAL_MS)))
    }
    return { ok: true, message: `watched ${n} status readings`, data: { readings: n } }
}

/** the self-test again, then its verdict from the status reason (docs/HARDWARE.md, bring-up checklist) */
async function selfTestCommand(ctx: Ctx): Promise<Output> {
    if (!ctx.pen.runSelfTest) return refused("this link cannot run the self-test")
    const r = await ctx.pen.runSelfTest()
    if (!r.ok) return refused(r.message)
    const t0 = Date.now()
    while (Date.now() - t0 < SELFTEST_WAIT_MS) {
        // paced by the link: a status request at most every STATUS_MIN_INTERVAL_MS (console/link.ts)
        const s = await ctx.pen.status()
        if (!s.reason.startsWith("self-test running")) {
            if (s.reason.startsWith("self-test failed")) return refused(s.reason, { selftest: "fail", reason: s.reason })
            // a fault the pen's own rules latched during or after the test is no pass
            if (s.fault) return refused(`the self-test ended with fault ${s.fault} latched: ${s.reason}`, { selftest: "fault", reason: s.reason })
            return { ok: true, message: "self-test passed: press the trigger to arm", data: { selftest: "pass" } }
        }
    }
    return refused(`no self-test verdict within ${SELFTEST_WAIT_MS / 1000} s`)
}

/** the longest `timing` window (s) */
export const TIMING_MAX_S = 60

/** `timing`: the sensor reports' arrival gaps, and what they say about the board's main loop (console/timing.ts) */
async function timingCommand(args: string[], ctx: Ctx): Promise<Output> {
    if (!ctx.pen.sensorReports) return refused("this link cannot listen to the pen's sensors")
    let seconds = 5
    if (args.length > 1) return refused("usage: timing [SECONDS], e.g. timing 10")
    if (args.length === 1) {
        const x = parseNumber(args[0])
        if (x === undefined || !(x >= 1 && x <= TIMING_MAX_S)) return refused(`"${args[0]}" is not a number of seconds from 1 to ${TIMING_MAX_S}, e.g. timing 10`)
        seconds = x
    }
    const traces = await ctx.pen.sensorReports(seconds * 1000)
    const timings = traces.map(analyseTrace)
    const loop = loopVerdict(timings)
    // the rate the firmware sets the accelerometer to: the profile this console was built with
    const odrHz = FACTORY_PROFILE.motion.odrHz
    return { ok: true, message: timingText(timings, seconds * 1000, odrHz), data: { seconds, sensors: timings, loop: loop.verdict, chip: chipVerdict(timings, odrHz).verdict } }
}

/** `calibration`: the pen's own calibration and the readings now; export as devs.json fields; clear */
async function calibrationCommand(args: string[], ctx: Ctx): Promise<Output> {
    const pen = ctx.pen
    if (!pen.calibration || !pen.setCalibration) return refused("this link cannot read the pen's calibration")
    if (args.length === 1 && args[0] === "clear") return pen.setCalibration(undefined)
    const c = await pen.calibration()
    if (args.length === 0) {
        const from = c.source === "stored" ? "stored on the pen" : c.source === "fallback" ? "the profile's: the stored one is not used" : "the profile's"
        const depth = c.depthRatio === c.depthRatio ? fixed(c.depthRatio, 4) : "none"
        const lines = [
            `calibration (${from}): ${calibrationText(c.calibration)}`,
            ...(c.message ? [`  ${c.message}`] : []),
            `readings: force ${fixed(c.forceProfileN, 3)} N by the profile's curve (ADC ratio ${fixed(c.forceRatio, 4)}), depth feedback ratio ${depth}, ` +
                `last self-test spin ${fixed(c.spinHz, 1)} strokes/s, trigger ${c.trigger ? "pressed" : "released"}, area button ${c.area ? "pressed" : "released"}`,
        ]
        return { ok: true, message: lines.join("\n"), data: c }
    }
    if (args.length !== 2 || args[0] !== "export") return refused("usage: calibration [export FILE|- | clear]")
    const profile = await pen.profile()
    const file = calibrationExport(FACTORY_PROFILE, c.calibration)
    const note = profile.version !== FACTORY_PROFILE.profileVersion || profile.name !== FACTORY_PROFILE.name
        ? ` (the pen's profile is ${profile.name} v${profile.version}, this console's ${FACTORY_PROFILE.name} v${FACTORY_PROFILE.profileVersion}: the force curve is this console's)`
        : ""
    const text = JSON.stringify(file, null, 2) + "\n"
    if (args[1] === "-") return { ok: true, message: text.trimEnd(), data: file }
    try {
        ctx.writeFile(args[1], text)
    } catch (e) {
        return refused(`cannot write ${args[1]}: ${(e as Error).message}`)
    }
    return { ok: true, message: `exported the calibration (${c.source}) as devs.json fields to ${args[1]}${note}; once they are in devs.json and flashed, run \`calibration clear\``, data: file }
}

/** the self-test is bounded at ~2.5 s on the pen; the console waits longer for the link */
const SELFTEST_WAIT_MS = 8000

function helpText(name?: string): Output {
    if (name) {
        const c = COMMANDS.find((x) => x.name === name)
        if (!c) return refused(`unknown command "${name}": ${COMMANDS.map((x) => x.name).join(", ")}`)
        return { ok: true, message: `${c.usage}\n  ${c.help}` }
    }
    const w = Math.max(...COMMANDS.map((c) => c.usage.length))
    return { ok: true, message: COMMANDS.map((c) => `  ${c.usage.padEnd(w)}  ${c.help}`).join("\n") }
}

/** runs one command line; never throws for bad input (only for a lost link) */
export async function execute(line: string, ctx: Ctx): Promise<Output> {
    const w = words(line)
    if (w.length === 0) return { ok: true, message: "" }
    const [name, ...args] = w
    const cmd = name.toLowerCase()
    const noArgs = (f: () => Promise<Output>) => (args.length ? Promise.resolve(refused(`${cmd} takes no arguments`)) : f())
    switch (cmd) {
        case "help":
        case "?":
            return helpText(args[0])
        case "status":
            return noArgs(async () => {
                const s = await ctx.pen.status()
                return { ok: true, message: statusText(s), data: statusData(s) }
            })
        case "watch":
            return watchCommand(args, ctx)
        case "timing":
            return timingCommand(args, ctx)
        case "areas":
            return noArgs(async () => {
                const areas = await ctx.pen.areas()
                const s = await ctx.pen.status()
                const rows = areas.map((a) => ({ ...a, densityPerCm2: densityPerCm2(a) }))
                return { ok: true, message: areasTable(areas, s), data: { selected: areas[s.areaIndex]?.id ?? null, cartridge: s.cartridgeId, areas: rows } }
            })
        case "presets":
            return noArgs(async () => {
                const areas = await ctx.pen.areas()
                const unsaved = areas.filter((a) => !same(a)).map((a) => a.id)
                const note = unsaved.length ? `\n* not saved yet: ${unsaved.join(", ")} (save, or revert)` : ""
                return { ok: true, message: presetsTable(areas) + note, data: { areas, unsaved } }
            })
        case "set":
            return setCommand(args, ctx)
        case "save":
            return noArgs(() => ctx.pen.save())
        case "revert":
            return noArgs(() => ctx.pen.revert())
        case "select":
            if (args.length !== 1) return refused("usage: select AREA, e.g. select cheeks")
            return ctx.pen.selectArea(args[0])
        case "cartridge": {
            if (args.length > 1) return refused("usage: cartridge [ID], e.g. cartridge n12")
            if (args.length === 1) return ctx.pen.selectCartridge(args[0])
            const list = await ctx.pen.cartridges()
            const fitted = list.find((c) => c.fitted)?.id ?? null
            const note = `\n* fitted: each stroke on the skin counts its needles (cartridge ID changes it)`
            return { ok: true, message: cartridgesTable(list) + note, data: { fitted, cartridges: list } }
        }
        case "new-session": {
            const yes = ctx.yes || args.includes("--yes") || args.includes("-y")
            if (args.some((a) => a !== "--yes" && a !== "-y")) return refused("usage: new-session [--yes]")
            if (!yes) {
                if (!ctx.confirm) return refused("new-session clears the dose ledger and needs confirmation: run it as `new-session --yes` (or give --yes)")
                if (!(await ctx.confirm("Start a new session? Every area gets its full dose again. [y/N] ")))
                    return refused("new session not started (not confirmed)")
            }
            return ctx.pen.newSession()
        }
        case "selftest":
            return noArgs(() => selfTestCommand(ctx))
        case "clear-fault":
            return noArgs(() => ctx.pen.clearFault())
        case "bringup":
            return noArgs(() => bringup(ctx))
        case "calibration":
            return calibrationCommand(args, ctx)
        case "export": {
            if (args.length !== 1) return refused("usage: export FILE (or - for the screen)")
            const [profile, areas] = [await ctx.pen.profile(), await ctx.pen.areas()]
            const file = exportPresets(profile, areas)
            const text = JSON.stringify(file, null, 2) + "\n"
            const unsaved = areas.filter((a) => !same(a)).map((a) => a.id)
            const note = unsaved.length ? ` (presets in use; not saved on the pen yet: ${unsaved.join(", ")})` : ""
            if (args[0] === "-") return { ok: true, message: text.trimEnd(), data: file }
            try {
                ctx.writeFile(args[0], text)
            } catch (e) {
                return refused(`cannot write ${args[0]}: ${(e as Error).message}`)
            }
            return { ok: true, message: `exported ${areas.length} presets to ${args[0]}${note}`, data: file }
        }
        case "import": {
            if (args.length !== 1) return refused("usage: import FILE")
            let text: string
            try {
                text = ctx.readFile(args[0])
            } catch (e) {
                return refused(`cannot read ${args[0]}: ${(e as Error).message}`)
            }
            const areas = await ctx.pen.areas()
            const plan = planImport(text, areas)
            if (plan.error) return refused(`${args[0]}: ${plan.error}; nothing was changed`)
            if (areas.some((a) => !same(a)))
                return refused("the pen has preset changes that are not saved: save or revert them first; nothing was changed")
            const set = await ctx.pen.importPresets(plan.wire)
            if (!set.ok) return refused(`${set.message}; nothing was changed`)
            const saved = await ctx.pen.save()
            const notes = plan.notes.length ? `\n${plan.notes.join("\n")}` : ""
            if (!saved.ok) return refused(`presets set but not saved: ${saved.message}${notes}`)
            return { ok: true, message: `imported ${plan.presets.length} presets from ${args[0]}: ${saved.message}${notes}`, data: { presets: plan.presets, notes: plan.notes } }
        }
        case "quit":
        case "exit":
            return { ok: true, message: "" }
        default:
            return refused(`unknown command "${name}": ${COMMANDS.map((c) => c.name).join(", ")} (help for more)`)
    }
}
