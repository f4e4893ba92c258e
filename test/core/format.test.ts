// core/format.ts: the same characters under vitest and in the DeviceScript VM.
// Several cases below print differently in the two runtimes when done naively
// (`${x}`, Math.round, toFixed); they are marked "naive differs".

import { describe, test } from "@devicescript/test"
import { fixed, FIXED_MAX_DECIMALS, sig } from "../../core/format"
import { eq, near } from "../kit/assert"
import { repeat } from "../kit/breathe"

describe("format", () => {
    describe("fixed", () => {
        test("rounds half away from zero (naive differs: Math.round(-2.5) is -2 in Node, -3 in the VM)", () => {
            eq(fixed(2.5, 0), "3")
            eq(fixed(-2.5, 0), "-3")
            eq(fixed(0.5, 0), "1")
            eq(fixed(-0.5, 0), "-1")
            eq(fixed(1.5, 0), "2")
            eq(fixed(-1.5, 0), "-2")
            eq(fixed(0.125, 2), "0.13")
            eq(fixed(-0.125, 2), "-0.13")
        })

        test("prints all requested digits (naive differs: `${1/3}` is 0.333333 in the VM)", () => {
            eq(fixed(1 / 3, 3), "0.333")
            eq(fixed(1 / 3, 9), "0.333333333")
            eq(fixed(2 / 3, 2), "0.67")
            eq(fixed(-2 / 3, 2), "-0.67")
            eq(fixed(1234567.891, 2), "1234567.89", "VM's `${x}` gives 1234570")
            eq(fixed(123456.7, 1), "123456.7")
        })

        test("pads with zeros", () => {
            eq(fixed(3, 2), "3.00")
            eq(fixed(0, 0), "0")
            eq(fixed(0, 3), "0.000")
            eq(fixed(0.05, 3), "0.050")
            eq(fixed(-0.05, 3), "-0.050")
            eq(fixed(7, 0), "7")
        })

        test("IEEE product decides ties (documented, same in both runners)", () => {
            eq(fixed(1.005, 2), "1.00", "1.005 is stored below the tie")
            eq(fixed(1.0050001, 2), "1.01")
            eq(fixed(1.45, 1), "1.5", "1.45 * 10 is exactly 14.5 in IEEE")
            eq(fixed(0.1 + 0.2, 2), "0.30")
            eq(fixed(0.1 + 0.2, 9), "0.300000000")
            eq(fixed(0.49999999999999994, 0), "0", "floor(x + 0.5) would give 1")
        })

        test("never prints -0", () => {
            eq(fixed(-0.001, 2), "0.00")
            eq(fixed(-0, 1), "0.0")
            eq(fixed(-0.004, 2), "0.00")
            eq(fixed(-0.005, 2), "-0.01")
        })

        test("nan and infinities", () => {
            eq(fixed(NaN, 2), "nan")
            eq(fixed(1 / 0, 1), "inf")
            eq(fixed(-1 / 0, 1), "-inf")
        })

        test("decimals are floored and clamped", () => {
            eq(fixed(1.23456, -1), "1")
            eq(fixed(1.23456, 2.9), "1.23")
            eq(fixed(1.23456, NaN), "1")
            eq(fixed(1 / 3, 99).length, FIXED_MAX_DECIMALS + 2)
        })

        test("large magnitudes print every integer digit (naive differs: VM prints 1e16 digits rounded)", () => {
            eq(fixed(1e15, 2), "1000000000000000")
            eq(fixed(-1e20, 3), "-100000000000000000000")
            eq(fixed(123456789012, 1), "123456789012.0")
            eq(fixed(9007199254740991, 0), "9007199254740991")
        })

        test("round trip: parseFloat(fixed(k / 8, 3)) is exact for k in -1000..1000", async () => {
            await repeat(2001, i => {
                const x = (i - 1000) / 8
                const s = fixed(x, 3)
                if (parseFloat(s) !== x) eq(parseFloat(s), x, "parseFloat(\"" + s + "\")")
            })
        })

        test("ties at .5 of the last digit, k in -500..500: (k + 0.5) / 10, 1 decimal", async () => {
            await repeat(1001, i => {
                const k = i - 500
                const x = (2 * k + 1) / 20 // tie of the 2nd decimal in decimal, not always in binary
                const s = fixed(x, 1)
                const err = parseFloat(s) - x
                if (err > 0.05 + 1e-12 || err < -0.05 - 1e-12) near(parseFloat(s), x, 0.05, "fixed(" + fixed(x, 3) + ", 1)")
            })
        })
    })

    describe("sig", () => {
        test("significant digits, trailing zeros dropped (naive differs: `${5.55e-17}` is 0.555e-16 in the VM)", () => {
            eq(sig(1 / 3, 15), "0.333333333333333")
            eq(sig(1 / 3, 3), "0.333")
            eq(sig(0.1 + 0.2, 15), "0.3")
            eq(sig(123456.7, 3), "123457")
            eq(sig(-2.5, 6), "-2.5")
            eq(sig(0, 5), "0")
            eq(sig(NaN, 5), "nan")
        })
        test("scientific outside 1e-6 .. 1e15", () => {
            eq(sig(5.55e-17, 3), "5.55e-17")
            eq(sig(1e-7, 6), "1e-7")
            eq(sig(-2.25e21, 6), "-2.25e21")
            eq(sig(9.9999999e-7, 3), "1e-6")
            eq(sig(Math.pow(2, 53), 15), "9.00719925474099e15")
        })
    })
})
