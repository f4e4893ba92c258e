// A session report as files a person opens: trace.csv (one row per sample), events.jsonl,
// outcome.json (the record without its rows and events), report.svg, report.html and, where
// resvg loads, report.png.
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { reportHtml } from "./html"
import type { SessionRecord } from "./record"
import { renderSvg, svgToPng } from "./render"
import { traceCsv } from "./trace-csv"

export interface WrittenReport {
    dir: string
    files: string[]
    /** false if no PNG could be made (resvg not loadable here) */
    png: boolean
}

export async function writeReport(dir: string, rec: SessionRecord): Promise<WrittenReport> {
    mkdirSync(dir, { recursive: true })
    const files: string[] = []
    const put = (name: string, data: string | Buffer) => {
        writeFileSync(join(dir, name), data)
        files.push(join(dir, name))
    }
    put("trace.csv", traceCsv(rec.rows))
    put("events.jsonl", rec.events.map((e) => JSON.stringify(e)).join("\n") + "\n")
    const { profile: _profile, rows: _rows, events: _events, ...head } = rec
    put("outcome.json", JSON.stringify(head, null, 2) + "\n")
    const svg = await renderSvg(rec)
    put("report.svg", svg)
    put("report.html", reportHtml(rec, svg))
    const png = await svgToPng(svg)
    if (png) put("report.png", png)
    return { dir, files, png: png !== undefined }
}
