// report.html: the picture with the outcome, the pen's events and the notes as tables below it.
import { describeOutcome } from "../outcome"
import type { SessionRecord } from "./record"
import { skinText } from "./skin"
import { FONT } from "./spec"

function escapeHtml(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}

export function reportHtml(rec: SessionRecord, svg: string): string {
    const o = rec.outcome
    const areaRows = rec.profile.areas
        .map((a) => `<tr><td>${a.id}</td><td>${(o.passes[a.id] ?? 0).toFixed(2)}/${rec.passLimits[a.id]}${o.locked.indexOf(a.id) >= 0 ? " locked" : ""}</td><td>${o.overPressure[a.id] ?? 0}</td></tr>`)
        .join("\n")
    const evRows = rec.events
        .filter((e) => e.kind !== "state")
        .map((e) => `<tr><td>${(e.tMs / 1000).toFixed(3)}</td><td>${e.kind}</td><td>${escapeHtml(e.message)}</td></tr>`)
        .join("\n")
    return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(rec.scenario.name)}</title>
<style>body{font-family:${FONT};margin:24px;color:#263238}table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #cfd8dc;padding:3px 8px;font-size:13px;text-align:left}</style>
</head><body>
${svg}
<h3>Outcome</h3>
<p>${escapeHtml(describeOutcome(o))}</p>
<p>${rec.failures.length === 0 ? "The scenario's expectations held." : "Failed: " + rec.failures.map(escapeHtml).join("; ")}</p>
<table><tr><th>area</th><th>passes</th><th>too-hard presses</th></tr>
${areaRows}
</table>
${rec.skin ? `<h3>True dose on the skin</h3>\n<pre>${escapeHtml(skinText(rec.skin).join("\n"))}</pre>\n` : ""}<h3>Events</h3>
<table><tr><th>t (s)</th><th>event</th><th>message</th></tr>
${evRows}
</table>
<h3>Notes</h3>
<ul>${rec.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>
</body></html>
`
}
