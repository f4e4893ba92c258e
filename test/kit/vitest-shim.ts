// `@devicescript/test` for vitest (vitest.config.ts aliases the module name to this file), so
// the files in test/core run unchanged under both runners. Same API and semantics as the VM's:
// a test or beforeEach may return a cleanup function; options { skip, expectedError }.
// Deliberately no `expect`: the VM's expect is not vitest's. Use test/kit/assert.ts.

import {
    afterEach as vAfterEach,
    beforeEach as vBeforeEach,
    describe as vDescribe,
    test as vTest,
} from "vitest"

export type SuiteFunction = () => void
export type Cleanup = () => void | Promise<void>
export type TestFunction = () => void | Promise<void> | Cleanup | Promise<Cleanup>
export interface TestOptions {
    skip?: boolean
    expectedError?: boolean
}

export function describe(name: string, body: SuiteFunction): void {
    vDescribe(name, body)
}

export function test(name: string, body: TestFunction, options?: TestOptions): void {
    if (options?.skip) {
        vTest.skip(name, () => {})
        return
    }
    const expectedError = !!options?.expectedError
    vTest(name, async () => {
        let threw = false
        let error: unknown = undefined
        try {
            const cleanup = await body()
            if (typeof cleanup === "function") await cleanup()
        } catch (e) {
            threw = true
            error = e
        }
        if (expectedError) {
            if (!threw) throw new Error("expectedError: expected an error from test")
            return
        }
        if (threw) throw error
    })
}

export function beforeEach(body: TestFunction): void {
    vBeforeEach(async () => {
        const cleanup = await body()
        if (typeof cleanup === "function") return cleanup
        return undefined
    })
}

export function afterEach(body: TestFunction): void {
    vAfterEach(async () => {
        const cleanup = await body()
        if (typeof cleanup === "function") await cleanup()
    })
}
