// Traceability between docs/SAFETY.md and the test suite (vitest only). Fails when a hazard id in
// the hazard table has no test whose name contains that id anywhere under test/, when a test
// listed in the table does not exist in the file it names, or when a listed test does not carry
// the id of the row it verifies.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, test } from "vitest"

const ROOT = fileURLToPath(new URL("../..", import.meta.url))
const SAFETY = join(ROOT, "docs/SAFETY.md")

function testFiles(dir: string): string[] {
    const out: string[] = []
    for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) out.push(...testFiles(p))
        else if (name.endsWith(".test.ts")) out.push(p)
    }
    return out
}

/** names of test()/it() calls in a source file (string-literal names only) */
export function testNames(src: string): string[] {
    const names: string[] = []
    const re = /\b(?:test|it)(?:\.skip|\.only|\.concurrent)?\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)/g
    for (const m of src.matchAll(re)) names.push(m[1].slice(1, -1).replace(/\\(.)/g, "$1"))
    return names
}

interface Row {
    id: string
    tests: { file: string; name: string }[]
}

/** the hazard table: rows whose first cell is an id H<n> */
export function hazardRows(md: string): Row[] {
    const rows: Row[] = []
    for (const line of md.split("\n")) {
        const m = /^\|\s*(H\d+)\s*\|/.exec(line)
        if (!m) continue
        const cells = line.split("|")
        const last = cells[cells.length - 2] // the line ends with "|"
        const tests: { file: string; name: string }[] = []
        for (const t of last.matchAll(/`(test\/[^`]+\.test\.ts)`\s*"([^"]+)"/g)) tests.push({ file: t[1], name: t[2] })
        rows.push({ id: m[1], tests })
    }
    return rows
}

function hasId(name: string, id: string): boolean {
    return new RegExp(`\\b${id}\\b`).test(name)
}

describe("safety trace", () => {
    const md = readFileSync(SAFETY, "utf8")
    const rows = hazardRows(md)
    const byFile = new Map<string, string[]>()
    for (const f of testFiles(join(ROOT, "test"))) byFile.set(relative(ROOT, f).split("\\").join("/"), testNames(readFileSync(f, "utf8")))
    const allNames = [...byFile.values()].flat()

    test("docs/SAFETY.md has a hazard table with unique ids H1..Hn", () => {
        expect(rows.length).toBeGreaterThanOrEqual(12)
        expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => `H${i + 1}`))
    })

    test("every hazard id is carried by at least one test name under test/", () => {
        const orphans = rows.filter((r) => !allNames.some((n) => hasId(n, r.id))).map((r) => r.id)
        expect(orphans, "hazards without a test named after them").toEqual([])
    })

    test("every hazard row lists at least one test, each exists in the file named, and carries the row's id", () => {
        const problems: string[] = []
        for (const r of rows) {
            if (r.tests.length === 0) problems.push(`${r.id}: no test listed`)
            for (const t of r.tests) {
                const names = byFile.get(t.file)
                if (!names) problems.push(`${r.id}: ${t.file} does not exist`)
                else if (!names.includes(t.name)) problems.push(`${r.id}: no test "${t.name}" in ${t.file}`)
                if (!hasId(t.name, r.id)) problems.push(`${r.id}: listed test "${t.name}" does not carry ${r.id}`)
            }
        }
        expect(problems).toEqual([])
    })

    test("the parsers see what they should (self-check)", () => {
        expect(testNames(`test("H1 a", () => {})\n  it('b \\'q\\'', f)\ntest(\`c\`, f)`)).toEqual(["H1 a", "b 'q'", "c"])
        const rs = hazardRows('| H7 | x | y | `test/core/a.test.ts` "H7 one"<br>`test/core/b.test.ts` "H7 two" |')
        expect(rs).toEqual([{ id: "H7", tests: [{ file: "test/core/a.test.ts", name: "H7 one" }, { file: "test/core/b.test.ts", name: "H7 two" }] }])
        expect(hasId("H12 x", "H1")).toBe(false)
        expect(hasId("H1 H12 x", "H1")).toBe(true)
    })
})
