import { describe, test, expect } from "@devicescript/test"
describe("probe", () => {
    test("a", () => { expect(1).toBe(1) })
    test("b", () => { console.log(`${1/3} ${Math.round(-2.5)} ${1e21} ${0.1+0.2} ${123456789} ${1.005*100} ${-0}`) })
})
