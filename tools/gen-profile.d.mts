// Types for tools/gen-profile.mjs (the tests import it)
export function forceBasis(profile: { force: { curve: number[][]; loadCell?: { zeroCounts: number; countsPerN: number } } }): { fsr: number; loadCell: number }
export function renderProfile(json: string): string
