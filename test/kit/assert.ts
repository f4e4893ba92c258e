// Assertions for test files that run under both vitest and the DeviceScript VM.
// Written in the DeviceScript subset (see docs/DEVICESCRIPT.md). Every failure throws an
// Error whose message names the check (`what`) and shows expected and actual; numbers are shown
// with up to 17 significant digits via format.ts, so a message reads the same in both runners
// (the VM's `${x}` keeps ~6 digits: "expected 0.3, got 0.3").

import { fixed, sig } from "../../core/format"

const SHOW_MAX_DEPTH = 4
const SHOW_MAX_ITEMS = 20

function showNum(x: number): string {
    if (x !== x) return "NaN"
    if (x === Infinity) return "Infinity"
    if (x === -Infinity) return "-Infinity"
    if (x === Math.floor(x) && x < 1e15 && x > -1e15) return fixed(x, 0)
    // shortest of 15..17 significant digits that reads back as x, like JS (0.30000000000000004)
    for (let p = 15; p < 17; p++) {
        const s = sig(x, p)
        if (parseFloat(s) === x) return s
    }
    return sig(x, 17)
}

/** A value as text for a failure message, identical in Node and the VM. */
export function show(v: any): string {
    return showAt(v, 0)
}

function showAt(v: any, depth: number): string {
    if (v === undefined) return "undefined"
    if (v === null) return "null"
    const t = typeof v
    if (t === "number") return showNum(v)
    if (t === "string") return JSON.stringify(v)
    if (t === "boolean") return v ? "true" : "false"
    if (t === "function") return "function"
    if (depth >= SHOW_MAX_DEPTH) return Array.isArray(v) ? "[...]" : "{...}"
    if (Array.isArray(v)) {
        const arr: any[] = v
        const parts: string[] = []
        for (let i = 0; i < arr.length && i < SHOW_MAX_ITEMS; i++) parts.push(showAt(arr[i], depth + 1))
        if (arr.length > SHOW_MAX_ITEMS) parts.push("... " + arr.length + " items")
        return "[" + parts.join(", ") + "]"
    }
    const keys = Object.keys(v)
    const parts: string[] = []
    for (let i = 0; i < keys.length && i < SHOW_MAX_ITEMS; i++) {
        parts.push(keys[i] + ": " + showAt(v[keys[i]], depth + 1))
    }
    if (keys.length > SHOW_MAX_ITEMS) parts.push("...")
    return "{" + parts.join(", ") + "}"
}

function label(what: string | undefined): string {
    return what === undefined || what.length === 0 ? "" : what + ": "
}

/** Throw an assertion failure with this message. */
export function fail(message: string): never {
    throw new Error(message)
}

function same(a: any, b: any): boolean {
    // NaN equals NaN here (a sensor "no reading" is NaN and tests compare it)
    return a === b || (a !== a && b !== b)
}

/** actual === expected (NaN equals NaN). Objects and arrays by reference: use eqDeep for contents. */
export function eq<T>(actual: T, expected: T, what?: string): void {
    if (same(actual, expected)) return
    let msg = label(what) + "expected " + show(expected) + ", got " + show(actual)
    if (typeof actual === "number" && typeof expected === "number") {
        const a: number = actual as any
        const b: number = expected as any
        msg += " (diff " + sig(a - b, 3) + ")"
    }
    fail(msg)
}

/** actual !== unexpected (NaN equals NaN). */
export function ne<T>(actual: T, unexpected: T, what?: string): void {
    if (!same(actual, unexpected)) return
    fail(label(what) + "expected anything but " + show(unexpected))
}

/** |actual - expected| <= tol. NaN never passes. */
export function near(actual: number, expected: number, tol: number, what?: string): void {
    const diff = actual - expected
    if (diff <= tol && -diff <= tol) return
    fail(label(what) + "expected " + show(expected) + " ± " + show(tol) + ", got " + show(actual) + " (diff " + sig(diff, 3) + ")")
}

/** lo <= actual <= hi. NaN never passes. */
export function within(actual: number, lo: number, hi: number, what?: string): void {
    if (actual >= lo && actual <= hi) return
    fail(label(what) + "expected within [" + show(lo) + ", " + show(hi) + "], got " + show(actual))
}

/** actual <= max. */
export function atMost(actual: number, max: number, what?: string): void {
    if (actual <= max) return
    fail(label(what) + "expected at most " + show(max) + ", got " + show(actual))
}

/** actual >= min. */
export function atLeast(actual: number, min: number, what?: string): void {
    if (actual >= min) return
    fail(label(what) + "expected at least " + show(min) + ", got " + show(actual))
}

export function isTrue(cond: boolean, what: string): void {
    if (cond === true) return
    fail(label(what) + "expected true, got " + show(cond))
}

export function isFalse(cond: boolean, what: string): void {
    if (cond === false) return
    fail(label(what) + "expected false, got " + show(cond))
}

/**
 * fn() must throw. If `messageIncludes` is given, the error's message must contain it.
 * Returns the message (thrown non-Error values are converted with "" + value).
 */
export function throws(fn: () => void, what: string, messageIncludes?: string): string {
    let threw = false
    let message = ""
    try {
        fn()
    } catch (e: any) {
        threw = true
        message = e instanceof Error ? e.message : "" + e
    }
    if (!threw) fail(label(what) + "expected an exception, none was thrown")
    if (messageIncludes !== undefined && message.indexOf(messageIncludes) < 0) {
        fail(label(what) + "expected the exception message to contain " + show(messageIncludes) + ", got " + show(message))
    }
    return message
}

/** haystack contains needle. */
export function contains(haystack: string, needle: string, what?: string): void {
    if (haystack.indexOf(needle) >= 0) return
    fail(label(what) + "expected " + show(haystack) + " to contain " + show(needle))
}

/** haystack does not contain needle. */
export function notContains(haystack: string, needle: string, what?: string): void {
    if (haystack.indexOf(needle) < 0) return
    fail(label(what) + "expected " + show(haystack) + " not to contain " + show(needle))
}

/** Same length, and each element equal (within `tol` when given; NaN equals NaN). */
export function eqNums(actual: number[], expected: number[], what?: string, tol?: number): void {
    const t = tol === undefined ? 0 : tol
    if (actual.length !== expected.length) {
        fail(label(what) + "expected " + expected.length + " items " + show(expected) + ", got " + actual.length + " items " + show(actual))
    }
    for (let i = 0; i < expected.length; i++) {
        const a = actual[i]
        const b = expected[i]
        const ok = t === 0 ? same(a, b) : a - b <= t && b - a <= t
        if (!ok) {
            fail(label(what) + "at [" + i + "] expected " + show(b) + (t === 0 ? "" : " ± " + show(t)) + ", got " + show(a) + "; expected " + show(expected) + ", got " + show(actual))
        }
    }
}

/** Same length, and each element ===. */
export function eqStrs(actual: string[], expected: string[], what?: string): void {
    if (actual.length !== expected.length) {
        fail(label(what) + "expected " + expected.length + " items " + show(expected) + ", got " + actual.length + " items " + show(actual))
    }
    for (let i = 0; i < expected.length; i++) {
        if (actual[i] !== expected[i]) {
            fail(label(what) + "at [" + i + "] expected " + show(expected[i]) + ", got " + show(actual[i]) + "; expected " + show(expected) + ", got " + show(actual))
        }
    }
}

/** Where two plain values (numbers, strings, booleans, arrays, plain objects) differ, or "" if equal. */
export function diffDeep(actual: any, expected: any): string {
    return diffAt(actual, expected, "", 0)
}

function diffAt(a: any, b: any, path: string, depth: number): string {
    if (same(a, b)) return ""
    const here = path.length === 0 ? "(root)" : path
    const ta = typeof a
    const tb = typeof b
    if (depth > 16 || ta !== "object" || tb !== "object" || a === null || b === null) {
        return here + ": expected " + show(b) + ", got " + show(a)
    }
    const aa = Array.isArray(a)
    const ba = Array.isArray(b)
    if (aa !== ba) return here + ": expected " + show(b) + ", got " + show(a)
    if (aa) {
        const xs: any[] = a
        const ys: any[] = b
        if (xs.length !== ys.length) return here + ": expected " + ys.length + " items, got " + xs.length
        for (let i = 0; i < ys.length; i++) {
            const d = diffAt(xs[i], ys[i], path + "[" + i + "]", depth + 1)
            if (d.length > 0) return d
        }
        return ""
    }
    const kb = Object.keys(b)
    for (let i = 0; i < kb.length; i++) {
        const d = diffAt(a[kb[i]], b[kb[i]], path + "." + kb[i], depth + 1)
        if (d.length > 0) return d
    }
    const ka = Object.keys(a)
    for (let i = 0; i < ka.length; i++) {
        if (kb.indexOf(ka[i]) < 0 && a[ka[i]] !== undefined) {
            return path + "." + ka[i] + ": unexpected key, value " + show(a[ka[i]])
        }
    }
    return ""
}

/** Structural equality of plain values; the message names the first differing path. */
export function eqDeep(actual: any, expected: any, what?: string): void {
    const d = diffAt(actual, expected, "", 0)
    if (d.length > 0) fail(label(what) + d)
}
