// VM side of the two-runner test setup. Compiled only by tools/vm-test.mjs (DeviceScript), never
// by vitest or the Node type-check. The generated entry imports every test file, then calls
// installHarness() before @devicescript/test's auto-run timer fires (10 ms after the last
// describe). It rewrites the registered tree so the VM behaves like vitest where they differ:
// - sleeps before each test: without a suspension the whole suite shares one ~128K-step budget
//   and panics with InfiniteLoop; also installs the sleeper for breathe()/repeat();
// - runs beforeEach/afterEach of enclosing describes too (the VM only runs the hooks of the
//   test's own describe), outer before inner, afterEach inner before outer, even after a failure;
//   a failing hook fails that test only (in the VM it would abort the whole run);
// - prints marker lines `##vmtest start <suite > test>`, then `##vmtest pass <suite > test>` or
//   `##vmtest fail <suite > test> :: <message>`, which tools/vm-test.mjs turns into the report
//   (and names are blanked so the VM's own header lines do not duplicate them);
// - refuses tests or hooks outside any describe (in the VM they would leak across files);
// - runs the tree once (upstream auto-run starts it twice when describes nest, see below).

import { sleep } from "@devicescript/core"
import { root, SetupTeardownNode, SuiteNode, TestNode } from "@devicescript/test/src/core"
import { setSleeper } from "./breathe"

const MARK = "##vmtest "

function messageOf(e: any): string {
    if (e instanceof Error) return e.name + ": " + e.message
    return "" + e
}

async function runHook(h: SetupTeardownNode, cleanups: any[]) {
    const r: any = await h.callback()
    if (typeof r === "function") cleanups.push(r)
}

function wrapTest(t: TestNode, path: string, befores: SetupTeardownNode[], afters: SetupTeardownNode[]) {
    const full = path + " > " + t.name
    const body = t.body
    const expectedError = !!(t.options && t.options.expectedError)
    const tt: any = t
    tt.name = ""
    tt.body = async () => {
        await sleep(0)
        console.log(MARK + "start " + full)
        let error: any = undefined
        let failed = false
        const cleanups: any[] = []
        try {
            for (const h of befores) await runHook(h, cleanups)
            const r: any = await body()
            if (typeof r === "function") await r() // at once, as @devicescript/test does
        } catch (e) {
            failed = true
            error = e
        }
        for (const h of afters) {
            try {
                await runHook(h, cleanups)
            } catch (e) {
                if (!failed) {
                    failed = true
                    error = e
                }
            }
        }
        for (let i = cleanups.length - 1; i >= 0; i--) {
            try {
                await cleanups[i]()
            } catch (e) {
                if (!failed) {
                    failed = true
                    error = e
                }
            }
        }
        if (expectedError) {
            // @devicescript/test inverts the outcome for these: a throw passes, no throw fails
            if (failed) {
                console.log(MARK + "pass " + full)
                throw error
            }
            console.log(MARK + "fail " + full + " :: expectedError: expected an error from test")
            return
        }
        if (failed) {
            console.log(MARK + "fail " + full + " :: " + messageOf(error))
            throw error
        }
        console.log(MARK + "pass " + full)
    }
}

function wrapSuite(s: SuiteNode, path: string, outerBefores: SetupTeardownNode[], outerAfters: SetupTeardownNode[]) {
    const here = path.length === 0 ? s.name : path + " > " + s.name
    const befores: SetupTeardownNode[] = []
    outerBefores.forEach(h => befores.push(h))
    s.befores.forEach(h => befores.push(h))
    const afters: SetupTeardownNode[] = []
    s.afters.forEach(h => afters.push(h))
    outerAfters.forEach(h => afters.push(h))
    const sn: any = s
    sn.befores = []
    sn.afters = []
    sn.name = ""
    s.tests.forEach(t => wrapTest(t, here, befores, afters))
    s.children.forEach(c => wrapSuite(c, here, befores, afters))
}

export function installHarness() {
    setSleeper(sleep)
    if (root.tests.length > 0 || root.befores.length > 0 || root.afters.length > 0) {
        console.log(MARK + "error test(), beforeEach() or afterEach() outside describe(): not supported")
        throw new Error("test or hook outside describe()")
    }
    if (root.testCount() === 0) {
        console.log(MARK + "error no tests registered")
        throw new Error("no tests registered")
    }
    root.children.forEach(c => wrapSuite(c, "", [], []))
    // @devicescript/test's auto-run timer leaks when describes nest (an inner describe re-arms it
    // after the outer one cleared it), so runTests() starts twice and the two runs interleave.
    // Let only the first run execute the tree; later ones wait forever (the first one ends the VM).
    let started = false
    const r: any = root
    r.run = async (options: any) => {
        if (started) {
            while (true) await sleep(3600000)
        }
        started = true
        const result = { total: 0, pass: 0, error: 0 }
        for (const c of root.children) {
            const x = await c.run(options)
            result.total += x.total
            result.pass += x.pass
            result.error += x.error
        }
        return result
    }
}
