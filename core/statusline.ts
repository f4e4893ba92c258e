// The one-line status and the ledger table, as the firmware logs them and the console shows
// them. Key=value pairs so that tools can parse the line.
import { fixed } from "./format"
import { LedgerEntry, PenStatus } from "./types"

export function statusLine(s: PenStatus): string {
    const depth = s.depthActualMm === s.depthActualMm ? fixed(s.depthActualMm, 2) : "?"
    let line = `state=${s.state} area=${s.areaId} depth=${fixed(s.depthTargetMm, 2)}/${depth}mm` +
        ` rate=${s.strokeSetHz}/${fixed(s.strokeMeasuredHz, 0)}Hz force=${fixed(s.forceN, 2)}N` +
        ` pass=${fixed(s.passesUsed, 2)}/${s.passLimit} cart=${s.cartridgeId} duty=${fixed(s.needleDuty, 2)}`
    if (s.fault) line += ` fault=${s.fault.code}`
    if (s.selfTest !== undefined) line += ` selftest=${s.selfTest}`
    // no accelerometer bound: the needle is not stopped on a dwell (docs/SAFETY.md H15)
    if (s.dwellProtection === "off") line += ` dwell="protection off"`
    else if (s.dwellProtection === "warn") line += ` dwell="warning only"`
    // the free text last: the VM cuts a long log line at its end (docs/DEVICESCRIPT-NOTES.md)
    if (s.holdReason !== "") line += ` why="${s.holdReason}"`
    return line
}

export function ledgerLine(e: LedgerEntry, limit: number): string {
    return `area=${e.areaId} passes=${fixed(e.passes, 2)}/${limit} punctures=${fixed(e.punctures, 0)} treated=${fixed(e.treatedMs / 1000, 1)}s overpressure=${e.overPressureCount}`
}
