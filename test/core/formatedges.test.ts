// format.ts at the edges the main format suite leaves open: sig() of non-finite values, integers
// that end in zeros, the switch to scientific notation just below 1e-6, and the digits fixed()
// prints past 2^53 (not meaningful, but the same in Node and the VM). Found by mutation testing.

import { describe, test } from "@devicescript/test"
import { fixed, sig } from "../../core/format"
import { eq } from "../kit/assert"

describe("format edges", () => {
    test("sig of NaN and the infinities", () => {
        eq(sig(NaN, 3), "nan")
        eq(sig(Infinity, 3), "inf")
        eq(sig(-Infinity, 3), "-inf")
        eq(fixed(Infinity, 2), "inf")
        eq(fixed(-Infinity, 2), "-inf")
    })

    test("sig keeps the zeros of an integer and stays plain down to 1e-6", () => {
        eq(sig(100, 3), "100")
        eq(sig(1200, 2), "1200")
        eq(sig(2e-6, 3), "0.000002")
        eq(sig(1e20, 3), "1e20")
    })

    test("fixed past 2^53 prints the same digits in both runtimes", () => {
        eq(fixed(Math.pow(2, 62) + 12345, 0), "4611686018427400090")
        eq(fixed(9.87654321e22, 0), "98765432100000020000009")
    })
})
