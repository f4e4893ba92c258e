// Types for tools/gen-profile.mjs (the tests import it)
export function forceBasis(profile: { force: { curve: number[][]; loadCell?: { zeroCounts: number; countsPerN: number } } }): number
export function renderProfile(json: string): string
