// Number formatting that prints the same characters in Node and in the DeviceScript VM (and, at
// the end, a text splitter the firmware uses in place of String.prototype.split).
//
// Why: the VM prints numbers with ~6 significant digits (`${1/3}` is "0.333333", `${1234567.891}`
// is "1234570", `${5.55e-17}` is "0.555e-16"), has no toFixed/padStart, and its Math.round(-2.5)
// is -3 where Node's is -2. Anything shown to a person, logged for a test to compare, or sent
// over the console goes through these functions, never through `${x}` of a non-integer.
//
// How: only IEEE-754 operations that both runtimes compute identically (*, -, /, Math.floor,
// comparisons) and string building from single digits. No toString of a fraction anywhere, and
// no % (the VM computes 2147483648 % 10 as -8: % is only safe on values below 2^31).
//
// Rounding is half away from zero on the IEEE product x * 10^decimals, not on the exact decimal
// value of x. So fixed(2.5, 0) is "3", fixed(-2.5, 0) is "-3", fixed(0.125, 2) is "0.13", and
// fixed(1.005, 2) is "1.00" (1.005 is stored as 1.00499999999999989..., 1.005 * 100 is
// 100.49999999999999). This can differ from Node's toFixed in the last digit when the product
// rounds onto or off a tie (e.g. fixed(1.45, 1) is "1.5" here, toFixed gives "1.4"); it never
// differs between Node and the VM.
//
// Limits: digits past the 15th significant digit are not meaningful (they are the same in both
// runtimes, though). From |x| >= 1e15 on, fixed() prints no decimals.

const DIGITS = "0123456789"

/** Most decimals fixed() will print; more are clamped to this. */
export const FIXED_MAX_DECIMALS = 20

function clampInt(n: number, lo: number, hi: number): number {
    if (!(n >= lo)) return lo // also NaN
    if (n > hi) return hi
    return Math.floor(n)
}

/** Decimal digits of a non-negative integer-valued number (exact below 2^53). */
function intDigits(n: number): string {
    if (!(n >= 1)) return "0"
    let s = ""
    while (n >= 1) {
        // not n % 10: the VM's % is wrong for integers >= 2^31 (2147483648 % 10 is -8)
        const q = Math.floor(n / 10)
        let d = n - q * 10
        if (d < 0) d = 0 // only reachable above 2^53, where digits are not meaningful anyway
        if (d > 9) d = 9
        s = DIGITS.charAt(d) + s
        n = q
    }
    return s
}

/** 10^k for an integer 0 <= k <= 22, exact (repeated *10 of exact values). */
function pow10(k: number): number {
    let p = 1
    for (let i = 0; i < k; i++) p = p * 10
    return p
}

/** Round a non-negative number to an integer, ties away from zero. */
function roundHalfUp(a: number): number {
    const n = Math.floor(a)
    // a - n is exact for a >= 0; Math.floor(a + 0.5) would round 0.49999999999999994 to 1
    return a - n >= 0.5 ? n + 1 : n
}

/**
 * `x` with exactly `decimals` digits after the point, rounded half away from zero.
 * NaN -> "nan", Infinity -> "inf", -Infinity -> "-inf". Never prints "-0": a value that rounds
 * to zero prints without a sign. `decimals` is floored and clamped to 0..FIXED_MAX_DECIMALS.
 */
export function fixed(x: number, decimals: number): string {
    if (x !== x) return "nan"
    if (x === Infinity) return "inf"
    if (x === -Infinity) return "-inf"
    let d = clampInt(decimals, 0, FIXED_MAX_DECIMALS)
    const neg = x < 0
    const a = neg ? -x : x
    if (a >= 1e15) d = 0
    const n = roundHalfUp(a * pow10(d))
    let digits = intDigits(n)
    while (digits.length < d + 1) digits = "0" + digits
    let s = digits
    if (d > 0) {
        const cut = digits.length - d
        s = digits.slice(0, cut) + "." + digits.slice(cut)
    }
    if (neg && n > 0) s = "-" + s
    return s
}

/** Remove trailing zeros after a decimal point, and the point if nothing is left after it. */
function trimZeros(s: string): string {
    if (s.indexOf(".") < 0) return s
    let end = s.length
    while (end > 0 && s.charAt(end - 1) === "0") end--
    if (end > 0 && s.charAt(end - 1) === ".") end--
    return s.slice(0, end)
}

/**
 * `x` with at most `digits` significant digits (clamped 1..17), trailing zeros dropped, like C's
 * "%g": plain notation for 1e-6 <= |x| < 1e15, otherwise "1.5e-7" / "-2.25e21". NaN -> "nan".
 * Meant for diagnostics and test messages; use fixed() for values a person reads off a display.
 */
export function sig(x: number, digits: number): string {
    if (x !== x) return "nan"
    if (x === Infinity) return "inf"
    if (x === -Infinity) return "-inf"
    if (x === 0) return "0"
    const p = clampInt(digits, 1, 17)
    const neg = x < 0
    const a = neg ? -x : x
    // decimal exponent e with 1 <= a / 10^e < 10 (may be one off at the edges; corrected below)
    let e = 0
    let m = a
    while (m >= 10) {
        m = m / 10
        e++
    }
    while (m < 1) {
        m = m * 10
        e--
    }
    if (e >= -6 && e < 15) {
        const d = p - 1 - e
        return trimZeros(fixed(x, d > 0 ? d : 0))
    }
    // scientific: p significant digits of the mantissa
    let n = roundHalfUp(m * pow10(p - 1))
    if (n >= pow10(p)) {
        n = roundHalfUp(n / 10)
        e++
    }
    const ds = intDigits(n)
    let mant = ds.charAt(0)
    if (ds.length > 1) mant = trimZeros(mant + "." + ds.slice(1))
    return (neg ? "-" : "") + mant + "e" + (e < 0 ? "-" : "") + intDigits(e < 0 ? -e : e)
}

/**
 * `s.split(sep)` for a non-empty `sep`, made of the native indexOf and slice: DeviceScript's
 * String.prototype.split is the core library's bytecode (with its helper ~370 B of the firmware's
 * function code, and a call per character: docs/DEVICESCRIPT-NOTES.md), compiled in only while
 * something calls split.
 */
export function splitText(s: string, sep: string): string[] {
    const out: string[] = []
    let at = 0
    for (let k = s.indexOf(sep); k >= 0; k = s.indexOf(sep, at)) {
        out.push(s.slice(at, k))
        at = k + sep.length
    }
    out.push(s.slice(at))
    return out
}
