// jacdac-ts's types, for the package's "exports" (which name no types). "jacdac-ts-types" is a
// tsconfig.json path to the .d.ts it ships; type-checking only, nothing of this runs.
declare module "jacdac-ts" {
    export * from "jacdac-ts-types"
}
