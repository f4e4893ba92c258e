// Presets per area: the ones in use (working: console edits change these), the saved ones (what
// the pen boots with: what save_presets stored, or the restored or factory ones), and where each
// saved one came from. Every preset is checked against the hard limits and the area's cap before
// it is used: a console edit (set_preset, set_presets) and a stored one at boot alike. A stored
// preset that fails, or whose record could not be read, falls back to the factory preset and says
// why (the pen logs it as preset_fallback; info() shows it).
import { AreaProfile, Preset } from "./profile"
import { AreaPreset, PresetInfo, PresetSource } from "./types"
import { checkPreset, checkPresetList } from "./validate"

export class Presets {
    /** per area, the preset in use (changed only by use() and revert(): a preset object is never changed in place) */
    working: Preset[] = []
    // Allocated only when needed: the VM test suite runs close to the VM's heap limit. No
    // initialisers (each costs firmware bytes): undefined until set, and savedOnce reads as false
    /** the saved presets; undefined while they are the working ones (no edit since boot or the last save) */
    private saved: Preset[]
    /** per area, where the saved preset came from: "factory", "stored", or why it fell back;
     * undefined: every area "factory", or every area "stored" once savedOnce */
    private origins: string[]
    private savedOnce: boolean

    /**
     * `stored`: presets restored from the settings store (undefined: none stored); `errors`: per
     * area, why its stored record could not be read ("" or undefined: fine)
     */
    constructor(private areas: AreaProfile[], stored?: Preset[], errors?: string[]) {
        for (let i = 0; i < areas.length; i++) {
            const a = areas[i]
            let p = a.preset
            let source: PresetSource = "factory"
            let note = errors && errors[i] ? errors[i] : ""
            const s = stored ? stored[i] : undefined
            if (note === "" && s) {
                // a stored preset is checked against today's limits and caps, like a console edit
                const why = checkPreset(a, s)
                if (why === "") {
                    p = s
                    source = "stored"
                } else note = `stored preset for ${a.id} is out of range: ${why}`
            }
            this.working.push(copyPreset(p))
            if ((source !== "factory" || note !== "") && !this.origins) {
                this.origins = []
                for (let k = 0; k < i; k++) this.origins.push("factory")
            }
            if (this.origins) this.origins.push(note !== "" ? note : source)
        }
    }

    /** why area i got its factory preset at boot instead of a stored one ("" if it did not) */
    fallbackNote(i: number): string {
        const o = this.originAt(i)
        return o === "factory" || o === "stored" ? "" : o
    }

    /** "" when every entry of the list may be used, else the first problem (all or nothing) */
    checkList(list: AreaPreset[]): string {
        return checkPresetList(this.areas, list)
    }

    /** p into use on area i if it is within the limits and the area's cap; else why not (nothing changes) */
    use(i: number, p: Preset): string {
        const why = checkPreset(this.areas[i], p)
        if (why !== "") return why
        // the first edit since boot or a save keeps the saved presets (the objects are never changed)
        if (!this.saved) this.saved = this.working.slice(0)
        this.working[i] = p
        return ""
    }

    /** the working presets become the saved ones; returns the areas that changed ("" none) */
    save(): string {
        const changed = this.changed()
        this.saved = undefined
        this.origins = undefined
        this.savedOnce = true
        return changed
    }

    /** the working presets go back to the saved ones; false when there was nothing to revert */
    revert(): boolean {
        const saved = this.saved
        if (!saved) return false
        for (let i = 0; i < this.working.length; i++) this.working[i] = saved[i]
        this.saved = undefined
        return true
    }

    /** ids of the areas whose working preset differs from the saved one, comma-separated */
    changed(): string {
        let s = ""
        for (let i = 0; i < this.working.length; i++)
            if (!samePreset(this.working[i], this.savedAt(i))) s += (s === "" ? "" : ", ") + this.areas[i].id
        return s
    }

    /** every area's presets, in use and saved, with where the saved one came from */
    info(): PresetInfo[] {
        const out: PresetInfo[] = []
        for (let i = 0; i < this.working.length; i++) {
            const a = this.areas[i]
            const o = this.originAt(i)
            const source: PresetSource = o === "factory" || o === "stored" ? o : "fallback"
            out.push({
                areaId: a.id, label: a.label, depthCapMm: a.depthCapMm, working: copyPreset(this.working[i]),
                saved: copyPreset(this.savedAt(i)), source: source, note: source === "fallback" ? o : "",
            })
        }
        return out
    }

    /** the saved presets in area order (what the firmware keeps in the settings store) */
    savedList(): Preset[] {
        const out: Preset[] = []
        for (let i = 0; i < this.working.length; i++) out.push(copyPreset(this.savedAt(i)))
        return out
    }

    /** whether any area fell back to its factory preset at boot (and has not been saved since) */
    fellBack(): boolean {
        if (this.origins) for (const o of this.origins) if (o !== "factory" && o !== "stored") return true
        return false
    }

    private savedAt(i: number): Preset {
        return this.saved ? this.saved[i] : this.working[i]
    }

    private originAt(i: number): string {
        if (this.origins) return this.origins[i]
        return this.savedOnce ? "stored" : "factory"
    }
}

export function copyPreset(p: Preset): Preset {
    return { depthMm: p.depthMm, strokeHz: p.strokeHz, passLimit: p.passLimit }
}

function samePreset(a: Preset, b: Preset): boolean {
    return a.depthMm === b.depthMm && a.strokeHz === b.strokeHz && a.passLimit === b.passLimit
}
