// The folder layout is a contract (README "Layout"): imports between top-level folders go one way,
// the core imports nothing outside itself, and only the named glue files in drivers/ touch
// DeviceScript (the rest run in Node and the VM alike). The presets in use are written only where
// they are checked.
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, test } from "vitest"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const FOLDERS = ["src", "core", "drivers", "boards", "sim", "console", "bench", "tools", "test"]
/** drivers/ files that import @devicescript/*: the rest are pure (tsconfig.json excludes these) */
const DRIVER_GLUE = ["accelrate.ts", "console-server.ts", "display.ts", "hardware.ts", "i2c.ts", "loadcell.ts", "store.ts"]

interface Import {
    from: string
    spec: string
    /** the imported file's path from the root, for relative imports */
    to?: string
}

function sources(dir: string): string[] {
    const out: string[] = []
    for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name)
        if (e.isDirectory()) out.push(...sources(rel))
        else if (/\.(ts|mjs|cjs)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(rel)
    }
    return out
}

function imports(file: string): Import[] {
    const text = readFileSync(path.join(ROOT, file), "utf8")
    const out: Import[] = []
    const re = /^\s*import\s+["']([^"']+)["']|^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']|\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/gm
    for (const m of text.matchAll(re)) {
        const spec = m[1] ?? m[2] ?? m[3]
        out.push({ from: file, spec, to: spec.startsWith(".") ? path.normalize(path.join(path.dirname(file), spec)) : undefined })
    }
    return out
}

const all = FOLDERS.flatMap(sources).flatMap(imports)
const top = (p: string) => p.split(path.sep)[0]

describe("layout", () => {
    test("imports between top-level folders form no cycle, and nothing imports test/", () => {
        const edges = new Map<string, Set<string>>()
        for (const i of all) {
            if (!i.to) continue
            const a = top(i.from)
            const b = top(i.to)
            if (a === b) continue
            expect(b, `${i.from} imports ${i.spec}`).not.toBe("test")
            if (!edges.has(a)) edges.set(a, new Set())
            edges.get(a)!.add(b)
        }
        // depth-first search for a back edge
        const state = new Map<string, "open" | "done">()
        const cycle: string[] = []
        const visit = (n: string, trail: string[]): boolean => {
            if (state.get(n) === "done") return false
            if (state.get(n) === "open") {
                cycle.push(...trail.slice(trail.indexOf(n)), n)
                return true
            }
            state.set(n, "open")
            for (const m of edges.get(n) ?? []) if (visit(m, [...trail, n])) return true
            state.set(n, "done")
            return false
        }
        for (const n of edges.keys()) if (visit(n, [])) break
        expect(cycle, `folder cycle: ${cycle.join(" → ")}`).toEqual([])
        // the flow the README draws: the entry uses drivers, drivers feed the core
        expect([...(edges.get("src") ?? [])].sort()).toEqual(["core", "drivers"])
        expect(edges.get("drivers")).toEqual(new Set(["core"]))
    })

    test("the core imports nothing outside core/, and nothing from DeviceScript or Node", () => {
        const bad = all.filter((i) => top(i.from) === "core" && (i.to ? top(i.to) !== "core" : true))
        expect(bad.map((i) => `${i.from}: ${i.spec}`)).toEqual([])
    })

    test("H1 H11 the presets in use are written only in core/presets.ts (use, revert: every preset checked before): the field is public to save firmware bytes, not to be written elsewhere", () => {
        // an assignment to working[i] or working itself, or a call that changes the array in place
        const write = /\.working\s*(\[[^\]]*\]\s*)?=(?!=)|\.working\.(push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin)\(/
        const bad: string[] = []
        for (const f of FOLDERS.filter((d) => d !== "test").flatMap(sources)) {
            if (f === path.join("core", "presets.ts")) continue
            readFileSync(path.join(ROOT, f), "utf8").split("\n").forEach((line, k) => {
                if (write.test(line)) bad.push(`${f}:${k + 1}: ${line.trim()}`)
            })
        }
        expect(bad).toEqual([])
        // the check itself finds a write
        expect(write.test("pen.presets.working[2] = p")).toBe(true)
        expect(write.test("x.working.push(p)")).toBe(true)
        expect(write.test("if (a.working[i] === b) {}")).toBe(false)
    })

    test("in drivers/, only the glue files import DeviceScript", () => {
        const ds = all.filter((i) => top(i.from) === "drivers" && i.spec.startsWith("@devicescript/"))
        const files = [...new Set(ds.map((i) => path.basename(i.from)))].sort()
        expect(files).toEqual(DRIVER_GLUE)
    })
})
