// Self-test of the two-runner kit: the assertion helpers, and that hooks, cleanups and options
// behave the same under vitest (vitest-shim.ts) and in the VM (vm-harness.ts).

import { afterEach, beforeEach, describe, test } from "@devicescript/test"
import {
    atLeast,
    atMost,
    contains,
    diffDeep,
    eq,
    eqDeep,
    eqNums,
    eqStrs,
    isFalse,
    isTrue,
    ne,
    near,
    notContains,
    show,
    throws,
    within,
} from "./assert"
import { breathe, repeat } from "./breathe"

describe("kit assert", () => {
    test("passing checks do not throw", () => {
        eq(1, 1)
        eq("a", "a")
        eq(NaN, NaN, "NaN equals NaN")
        ne(1, 2)
        near(0.1 + 0.2, 0.3, 1e-12)
        within(5, 5, 6)
        atMost(3, 3)
        atLeast(3, 3)
        isTrue(true, "t")
        isFalse(false, "f")
        contains("hello world", "o w")
        notContains("hello", "z")
        eqNums([1, 2, NaN], [1, 2, NaN])
        eqNums([1, 2.0000001], [1, 2], "tol", 1e-6)
        eqStrs(["a", "b"], ["a", "b"])
        eqDeep({ a: [1, { b: "x" }], c: true }, { a: [1, { b: "x" }], c: true })
    })

    test("failures say what, expected and actual, the same in both runners", () => {
        eq(throws(() => eq(0.1 + 0.2, 0.3, "sum"), "eq"), "sum: expected 0.3, got 0.30000000000000004 (diff 5.55e-17)")
        eq(throws(() => eq("ab", "a"), "eq str"), 'expected "a", got "ab"')
        eq(throws(() => near(2.5, 2, 0.1, "depth mm"), "near"), "depth mm: expected 2 ± 0.1, got 2.5 (diff 0.5)")
        eq(throws(() => within(NaN, 0, 1, "force"), "within"), "force: expected within [0, 1], got NaN")
        eq(throws(() => isTrue(false, "armed"), "isTrue"), "armed: expected true, got false")
        eq(throws(() => contains("abc", "x"), "contains"), 'expected "abc" to contain "x"')
        eq(throws(() => eqNums([1, 2], [1, 3]), "eqNums"), "at [1] expected 3, got 2; expected [1, 3], got [1, 2]")
        eq(throws(() => eqStrs(["a"], ["a", "b"]), "eqStrs"), 'expected 2 items ["a", "b"], got 1 items ["a"]')
        eq(throws(() => eqDeep({ a: { b: [1, 2] } }, { a: { b: [1, 3] } }, "out"), "eqDeep"), "out: .a.b[1]: expected 3, got 2")
        eq(diffDeep({ a: 1, extra: 2 }, { a: 1 }), ".extra: unexpected key, value 2")
        eq(throws(() => throws(() => {}, "no throw"), "throws"), "no throw: expected an exception, none was thrown")
        eq(throws(() => throws(() => { throw new Error("boom") }, "msg", "bang"), "throws msg"), 'msg: expected the exception message to contain "bang", got "boom"')
    })

    test("show", () => {
        eq(show(1 / 3), "0.3333333333333333")
        eq(show(0.1), "0.1")
        eq(show(2 / 3), "0.6666666666666666")
        eq(show(1e-7), "1e-7")
        eq(show(1234567), "1234567")
        eq(show(-0.5), "-0.5")
        eq(show(NaN), "NaN")
        eq(show(-1 / 0), "-Infinity")
        eq(show([1, "a", null, undefined, true]), '[1, "a", null, undefined, true]')
        eq(show({ x: 1, y: [2] }), "{x: 1, y: [2]}")
    })
})

let log: string[] = []

describe("kit hooks", () => {
    beforeEach(() => {
        log.push("outer-before")
    })
    afterEach(() => {
        log.push("outer-after")
    })
    describe("inner", () => {
        beforeEach(() => {
            log.push("inner-before")
            return () => {
                log.push("before-cleanup")
            }
        })
        afterEach(() => {
            log.push("inner-after")
        })
        test("first", () => {
            log = ["first"] // not log.length = 0: that aborts the VM (native assert)
            return () => {
                log.push("test-cleanup")
            }
        })
        test("second sees the hooks of both describes, outer before inner, afters inner first", () => {
            eqStrs(log.slice(0, 4), ["first", "test-cleanup", "inner-after", "outer-after"])
            contains(log.join(","), "before-cleanup")
            eqStrs(log.slice(log.length - 2), ["outer-before", "inner-before"], "this test's own befores come last")
            eq(log.length, 7, "nothing else ran: " + log.join(","))
        })
    })
})

describe("kit options", () => {
    test(
        "expectedError passes when the test throws",
        () => {
            throw new Error("expected")
        },
        { expectedError: true }
    )
    test("async test with breathe() and repeat()", async () => {
        let n = 0
        await breathe()
        await repeat(
            1000,
            i => {
                n += i
            },
            100
        )
        eq(n, 499500)
    })
})
