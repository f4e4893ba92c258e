// Events as data, and as the log line the firmware prints. The core makes every event here, from
// its fields (area, pass, fault, values); the text a person reads is made from the same fields in
// the same place, and parseEventLine reads such a line back into the fields. So the firmware's
// `EVENT <kind> <text>` lines, the closed loop's events and what the simulator and the tests read
// out of a log cannot drift apart (test/core/events.test.ts round-trips every kind).
//
// The printers run in the firmware: DeviceScript's subset, numbers through fixed(). The parser is
// for the host (simulator, tests); it needs no regex, so this file still compiles for the firmware.
import { faultInfo } from "./faults"
import { fixed, splitText } from "./format"
import { Preset } from "./profile"
import { EventData, EventKind, FaultCode, PenEvent, PenState } from "./types"

/** how a preset reads in messages: "1.00 mm, 120 strokes/s, 3 passes" */
export function presetText(p: Preset): string {
    return `${fixed(p.depthMm, 2)} mm, ${p.strokeHz} strokes/s, ${p.passLimit} passes`
}

// ---- making events (the firmware) ------------------------------------------------------------

/** an event that is its text only (refused, info) */
export function textEvent(atMs: number, kind: EventKind, message: string): PenEvent {
    return { atMs: atMs, kind: kind, message: message }
}

export function stateEvent(atMs: number, state: PenState): PenEvent {
    return { atMs: atMs, kind: "state", message: state, state: state }
}

/** passes used as the lines print them: two decimals ("1.42") */
export function passesText(passes: number): string {
    return fixed(passes, 2)
}

/** the needle starts on the skin: `passes` is the dose the area has had so far, in passes */
export function needlingStartEvent(atMs: number, areaId: string, passes: number, passLimit: number, depthMm: number, strokeHz: number): PenEvent {
    return {
        atMs: atMs, kind: "needling_start", areaId: areaId, pass: passes, passLimit: passLimit, depthMm: depthMm, strokeHz: strokeHz,
        message: `needling ${areaId} at ${passesText(passes)}/${passLimit} passes, ${fixed(depthMm, 2)} mm, ${strokeHz} strokes/s`,
    }
}

/** the pen was off the skin for releaseDebounceMs: `treatedMs` is the area's treated time so far (to 0.1 s) */
export function needlingEndEvent(atMs: number, areaId: string, passes: number, passLimit: number, treatedMs: number): PenEvent {
    return {
        atMs: atMs, kind: "needling_end", areaId: areaId, pass: passes, passLimit: passLimit, treatedMs: treatedMs,
        message: `needling ${areaId} ended at ${passesText(passes)}/${passLimit} passes, treated ${fixed(treatedMs / 1000, 1)} s`,
    }
}

/** the area's dose came within warnPasses of its limit: the light, display and console say so once */
export function doseWarningEvent(atMs: number, areaId: string, passes: number, passLimit: number): PenEvent {
    return {
        atMs: atMs, kind: "dose_warning", areaId: areaId, pass: passes, passLimit: passLimit,
        message: `${areaId} at ${passesText(passes)}/${passLimit} passes: ${passesText(passLimit - passes)} of a pass left, finish this row; the needle stops at ${passLimit}`,
    }
}

/** why a locked area holds the needle (also the pen's hold reason while locked) */
export function lockedText(areaId: string, used: number, passLimit: number): string {
    return `area ${areaId} has used ${passesText(used)}/${passLimit} passes: select another area or start a new session`
}

export function areaLockedEvent(atMs: number, areaId: string, used: number, passLimit: number): PenEvent {
    return { atMs: atMs, kind: "area_locked", areaId: areaId, pass: used, passLimit: passLimit, message: lockedText(areaId, used, passLimit) }
}

/** a too-hard press stopped the needle; its text is also the hold reason until the lift */
export function overPressureEvent(atMs: number, forceN: number, limitN: number, resumeBelowN: number): PenEvent {
    return {
        atMs: atMs, kind: "over_pressure", forceN: forceN, limit: limitN,
        message: `over-pressure ${fixed(forceN, 2)} N above ${fixed(limitN, 2)} N: needle stopped, lift below ${fixed(resumeBelowN, 2)} N to resume`,
    }
}

/** a fast jab stopped the needle; its text is also the hold reason until the lift */
export function riseCutoffEvent(atMs: number, riseNPerS: number, limitNPerS: number, resumeBelowN: number): PenEvent {
    return {
        atMs: atMs, kind: "rise_cutoff", riseNPerS: riseNPerS, limit: limitNPerS,
        message: `force rising ${fixed(riseNPerS, 0)} N/s, above ${fixed(limitNPerS, 0)} N/s: needle stopped, lift below ${fixed(resumeBelowN, 2)} N to resume`,
    }
}

/** the pen has shown no gliding on the skin for stillMs (limit: the warning's time) */
export function dwellWarningEvent(atMs: number, stillMs: number, limitMs: number, stopMs: number): PenEvent {
    return {
        atMs: atMs, kind: "dwell_warning", stillMs: stillMs, limit: limitMs,
        message: `pen still ${fixed(stillMs / 1000, 2)} s on one spot, warning at ${fixed(limitMs / 1000, 2)} s: keep gliding, the needle stops at ${fixed(stopMs / 1000, 2)} s`,
    }
}

/** a dwell stopped the needle; its text is also the hold reason until the lift */
export function dwellStopEvent(atMs: number, stillMs: number, limitMs: number, resumeBelowN: number): PenEvent {
    return {
        atMs: atMs, kind: "dwell_stop", stillMs: stillMs, limit: limitMs,
        message: `pen still ${fixed(stillMs / 1000, 2)} s on one spot, limit ${fixed(limitMs / 1000, 2)} s: needle stopped, lift below ${fixed(resumeBelowN, 2)} N and move on`,
    }
}

/** `message`: what tripped, with the value and the limit (the line reads "<code>: <message>") */
export function faultEvent(atMs: number, code: FaultCode, message: string): PenEvent {
    return { atMs: atMs, kind: "fault", fault: code, faultId: faultInfo(code).id, message: `${code}: ${message}` }
}

/** `how`: "" or how it was cleared, when not by an explicit clear */
export function faultClearedEvent(atMs: number, code: FaultCode, how: string): PenEvent {
    return {
        atMs: atMs, kind: "fault_cleared", fault: code, faultId: faultInfo(code).id,
        message: how === "" ? `fault ${code} cleared` : `fault ${code} cleared: ${how}`,
    }
}

/** why an armed pen on the skin waits (also its hold reason) */
export function depthWaitText(depthMm: number): string {
    return `depth moving to ${fixed(depthMm, 2)} mm: lift the pen until it gets there`
}

export function depthWaitEvent(atMs: number, depthMm: number): PenEvent {
    return { atMs: atMs, kind: "depth_wait", depthMm: depthMm, message: depthWaitText(depthMm) }
}

/** `note`: why the stored preset of the area was not used */
export function presetFallbackEvent(atMs: number, areaId: string, note: string, factory: Preset): PenEvent {
    return {
        atMs: atMs, kind: "preset_fallback", areaId: areaId,
        message: `${note}: using the factory preset for ${areaId} (${presetText(factory)})`,
    }
}

// ---- the log line ----------------------------------------------------------------------------

/** the line the firmware prints: `EVENT <kind> <text>` */
export function eventLine(e: EventData): string {
    return `EVENT ${e.kind} ${oneLine(e.message)}`
}

/** a line break in a message (a store's exception text) would start a log line of its own */
function oneLine(s: string): string {
    if (s.indexOf("\n") < 0) return s
    const parts = splitText(s, "\n")
    let out = parts[0]
    for (let i = 1; i < parts.length; i++) out += " " + parts[i]
    return out
}

/** a fault event's own words: its text without the leading "<code>: " */
export function faultDetail(e: EventData): string {
    const head = e.fault ? e.fault + ": " : ""
    return head !== "" && e.message.indexOf(head) === 0 ? e.message.slice(head.length) : e.message
}

// ---- reading a line back (the host) ------------------------------------------------------------

/**
 * An `EVENT <kind> <text>` line as data: kind, text, and the fields its kind carries (numbers at
 * the precision the line prints them). undefined if the line is not an EVENT line. A kind this
 * file does not make (a driver's `error` or `info` line) or a text that does not read as its kind
 * gives the kind and the text only.
 */
export function parseEventLine(line: string): EventData | undefined {
    if (!line.startsWith("EVENT ")) return undefined
    const body = line.slice(6)
    const sp = body.indexOf(" ")
    const kind = sp < 0 ? body : body.slice(0, sp)
    const message = sp < 0 ? "" : body.slice(sp + 1)
    const e: EventData = { kind: kind, message: message }
    if (kind === "state") e.state = message as PenState
    else if (kind === "needling_start") {
        const s = slots(message, ["needling ", " at ", "/", " passes, ", " mm, ", " strokes/s"])
        if (s) {
            e.areaId = s[0]
            e.pass = num(s[1])
            e.passLimit = num(s[2])
            e.depthMm = num(s[3])
            e.strokeHz = num(s[4])
        }
    } else if (kind === "needling_end") {
        const s = slots(message, ["needling ", " ended at ", "/", " passes, treated ", " s"])
        if (s) {
            e.areaId = s[0]
            e.pass = num(s[1])
            e.passLimit = num(s[2])
            e.treatedMs = Math.round(num(s[3]) * 1000)
        }
    } else if (kind === "dose_warning") {
        const s = slots(message, ["", " at ", "/", " passes:"])
        if (s) {
            e.areaId = s[0]
            e.pass = num(s[1])
            e.passLimit = num(s[2])
        }
    } else if (kind === "area_locked") {
        const s = slots(message, ["area ", " has used ", "/", " passes"])
        if (s) {
            e.areaId = s[0]
            e.pass = num(s[1])
            e.passLimit = num(s[2])
        }
    } else if (kind === "over_pressure") {
        const s = slots(message, ["over-pressure ", " N above ", " N:"])
        if (s) {
            e.forceN = num(s[0])
            e.limit = num(s[1])
        }
    } else if (kind === "rise_cutoff") {
        const s = slots(message, ["force rising ", " N/s, above ", " N/s:"])
        if (s) {
            e.riseNPerS = num(s[0])
            e.limit = num(s[1])
        }
    } else if (kind === "dwell_warning" || kind === "dwell_stop") {
        const s = slots(message, ["pen still ", " s on one spot, ", " s"])
        if (s) {
            e.stillMs = Math.round(num(s[0]) * 1000)
            const lim = s[1].slice(s[1].lastIndexOf(" ") + 1)
            e.limit = Math.round(num(lim) * 1000)
        }
    } else if (kind === "fault") {
        const s = slots(message, ["", ": "])
        if (s) setFault(e, s[0])
    } else if (kind === "fault_cleared") {
        const s = slots(message, ["fault ", " cleared"])
        if (s) setFault(e, s[0])
    } else if (kind === "depth_wait") {
        const s = slots(message, ["depth moving to ", " mm:"])
        if (s) e.depthMm = num(s[0])
    } else if (kind === "preset_fallback") {
        const s = slots(message, ["", ": using the factory preset for ", " ("])
        if (s) e.areaId = s[1]
    }
    return e
}

function setFault(e: EventData, code: string) {
    const info = faultInfo(code as FaultCode)
    if (info.id === 0) return // not a fault code: the text only
    e.fault = info.code
    e.faultId = info.id
}

function num(s: string): number {
    return parseFloat(s)
}

/**
 * The slots of `text` read against `parts`, literal texts with a slot between each two and the
 * text free to go on after the last: ["pass ", "/", " on "] reads "pass 1/3 on cheeks" as
 * ["1", "3"]. undefined when a part is missing.
 */
function slots(text: string, parts: string[]): string[] | undefined {
    if (!text.startsWith(parts[0])) return undefined
    let at = parts[0].length
    const out: string[] = []
    for (let i = 1; i < parts.length; i++) {
        const end = text.indexOf(parts[i], at)
        if (end < 0) return undefined
        out.push(text.slice(at, end))
        at = end + parts[i].length
    }
    return out
}
