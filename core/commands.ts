// Command dispatch: a request from a button or the console (PenCommand) becomes a transition of
// the state machine (pen.ts: arming, area changes, a new session, clearing a fault, each of which
// checks its own preconditions) or a preset change (presets.ts), or a refusal that says what was
// wrong and what is allowed, and changes nothing.
import { Preset } from "./profile"
import { presetText } from "./events"
import { Presets } from "./presets"
import { CommandResult, PenCommand } from "./types"

/** What the dispatcher needs of the pen (core/pen.ts). */
export interface CommandTarget {
    /** the presets: every preset is checked before use (Presets.use, checkList) */
    presets: Presets
    /** the needle is in use (treating, or paused on a lift) */
    inPass(): boolean
    /** the area's index, -1 for an unknown id */
    areaIndex(areaId: string): number
    /** "a, b, c": the area ids, for refusals */
    areaList(): string
    toggleArm(nowMs: number): CommandResult
    /** areaId undefined: the next area */
    selectArea(nowMs: number, areaId: string | undefined): CommandResult
    newSession(nowMs: number): CommandResult
    selectCartridge(nowMs: number, cartridgeId: string): CommandResult
    clearFault(nowMs: number): CommandResult
    /** area i's preset in use changed */
    presetChanged(nowMs: number, i: number): void
}

const PRESETS_IN_PASS = "the needle is in use: presets change only while the needle is out of the skin"

export function dispatch(pen: CommandTarget, nowMs: number, cmd: PenCommand): CommandResult {
    // read once (fewer firmware bytes than cmd.kind at every test)
    const kind = cmd.kind
    if (kind === "clear_fault") return pen.clearFault(nowMs)
    if (kind === "new_session") return pen.newSession(nowMs)
    if (kind === "select_cartridge") return pen.selectCartridge(nowMs, cmd.cartridgeId)
    const presets = pen.presets
    if (kind === "set_preset") {
        const i = pen.areaIndex(cmd.areaId)
        if (i < 0) return refuse(`unknown area ${cmd.areaId}: known areas are ${pen.areaList()}`)
        if (pen.inPass()) return refuse(PRESETS_IN_PASS)
        const p: Preset = { depthMm: cmd.depthMm, strokeHz: cmd.strokeHz, passLimit: cmd.passLimit }
        const why = presets.use(i, p)
        if (why !== "") return refuse(why)
        pen.presetChanged(nowMs, i)
        return ok(`preset ${cmd.areaId}: ${presetText(p)}`)
    }
    if (kind === "set_presets") {
        // all or nothing: every entry is checked before any is used
        if (pen.inPass()) return refuse(PRESETS_IN_PASS)
        const list = cmd.presets
        const why = presets.checkList(list)
        if (why !== "") return refuse(why)
        for (const e of list) {
            const i = pen.areaIndex(e.areaId)
            presets.use(i, { depthMm: e.depthMm, strokeHz: e.strokeHz, passLimit: e.passLimit })
            pen.presetChanged(nowMs, i)
        }
        const changed = presets.changed()
        return ok(`${list.length} presets set${changed === "" ? ", same as saved" : `; not saved yet: ${changed}`}`)
    }
    if (kind === "save_presets") {
        if (pen.inPass()) return refuse("the needle is in use: presets are saved only while the needle is out of the skin")
        const changed = presets.save()
        return ok(changed === "" ? "presets saved (no changes)" : `presets saved: ${changed}`)
    }
    if (kind === "revert_presets") {
        if (pen.inPass()) return refuse(PRESETS_IN_PASS)
        const changed = presets.changed()
        if (presets.revert()) for (let i = 0; i < presets.working.length; i++) pen.presetChanged(nowMs, i)
        return ok(changed === "" ? "presets reverted (no changes)" : `presets reverted to the saved ones: ${changed}`)
    }
    if (kind === "toggle_arm") return pen.toggleArm(nowMs)
    if (kind === "next_area") return pen.selectArea(nowMs, undefined)
    if (kind === "select_area") return pen.selectArea(nowMs, cmd.areaId)
    return refuse("unknown command")
}

export function ok(message: string): CommandResult {
    return { ok: true, message: message }
}

export function refuse(message: string): CommandResult {
    return { ok: false, message: message }
}
