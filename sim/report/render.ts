// The picture rendered headless in Node (no canvas, no browser): the Vega-Lite spec to SVG with
// Vega, the SVG to PNG with resvg where it loads.
import * as vega from "vega"
import * as vl from "vega-lite"
import type { SessionRecord } from "./record"
import { reportSpec } from "./spec"

/** the picture as SVG text (headless Vega, no canvas: text widths are estimated) */
export async function renderSvg(rec: SessionRecord): Promise<string> {
    const compiled = vl.compile(reportSpec(rec)).spec
    const view = new vega.View(vega.parse(compiled), { renderer: "none" })
    try {
        return await view.toSVG()
    } finally {
        view.finalize()
    }
}

/**
 * SVG -> PNG with resvg (a prebuilt binary from the npm registry, no native build); undefined if
 * it cannot be loaded on this machine.
 */
export async function svgToPng(svg: string, scale = 1.5): Promise<Buffer | undefined> {
    let mod: typeof import("@resvg/resvg-js")
    try {
        mod = await import("@resvg/resvg-js")
    } catch {
        return undefined
    }
    const r = new mod.Resvg(svg, {
        fitTo: { mode: "zoom", value: scale },
        background: "white",
        font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    })
    return r.render().asPng()
}
