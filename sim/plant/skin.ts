// The skin of one treatment area as the plant sees it: the true number of punctures in every
// cell of a grid, from the real strokes at the real position of the pen (docs/DOSE.md).
// Scenario expectations are judged against this map, never against the firmware's counters.
//
// Geometry: the area is a width x height rectangle (mm) with (0, 0) at its lower-left corner,
// x along the width, y along the height; cells are cellMm squares (2 mm: a 1 cm² window is
// 5 x 5 cells). The needle field of a cartridge is a disc of footprint.diameterMm; a stroke
// spreads its punctures evenly over the disc (round cartridges: Rejuvapen's 12 needles in a
// circle, docs/DOSE.md). The fine pattern of single needles (tracks ~0.5 mm apart) is below the
// cell size and is blurred by the hand's path anyway. Punctures the disc puts beyond the area's
// edge are kept apart (offAreaPunctures): they went into the neighbouring skin.
//
// Speed: each disc is spread with a stencil precomputed for its centre's position inside a cell
// (quantised to cellMm/8), so a deposit is ~25 additions: a 5-minute session at 120 strokes/s
// (36,000 strokes) deposits in milliseconds.

export interface Footprint {
    /** diameter of the needle field on the skin (mm); 0 = all punctures in one point */
    diameterMm: number
}

export interface SkinMap {
    widthMm: number
    heightMm: number
    cellMm: number
    cols: number
    rows: number
    /** punctures per cell, row-major: index = row * cols + col, row 0 at y = 0 */
    counts: Float64Array
    /** punctures that landed outside the area (the footprint overhanging its edge) */
    offAreaPunctures: number
    /** every puncture deposited, on the area or off it */
    totalPunctures: number
}

export function createSkinMap(widthMm: number, heightMm: number, cellMm = 2): SkinMap {
    if (!(cellMm > 0)) throw new Error(`cellMm must be > 0, got ${cellMm}`)
    const cols = Math.round(widthMm / cellMm)
    const rows = Math.round(heightMm / cellMm)
    if (!(cols >= 1 && rows >= 1) || Math.abs(cols * cellMm - widthMm) > 1e-9 || Math.abs(rows * cellMm - heightMm) > 1e-9)
        throw new Error(`the area (${widthMm} x ${heightMm} mm) must be whole cells of ${cellMm} mm`)
    return { widthMm, heightMm, cellMm, cols, rows, counts: new Float64Array(cols * rows), offAreaPunctures: 0, totalPunctures: 0 }
}

export function clearSkinMap(map: SkinMap): void {
    map.counts.fill(0)
    map.offAreaPunctures = 0
    map.totalPunctures = 0
}

// ---- stencils ----

/** sub-cell positions per axis a stencil is precomputed for */
const SUB = 8
/** supersampling of the disc per cell side when a stencil is built */
const FINE = 24

interface Stencil {
    /** per sub-position (SUB*SUB): cell offsets and weights (weights sum to 1) */
    dCol: Int32Array[]
    dRow: Int32Array[]
    weight: Float64Array[]
}

const stencils: { [key: string]: Stencil } = {}

function stencilFor(diameterMm: number, cellMm: number): Stencil {
    const key = `${diameterMm}/${cellMm}`
    const cached = stencils[key]
    if (cached) return cached
    const radiusCells = diameterMm / 2 / cellMm
    const reach = Math.ceil(radiusCells) + 1
    const side = 2 * reach + 1
    const st: Stencil = { dCol: [], dRow: [], weight: [] }
    const acc = new Float64Array(side * side)
    const r2 = radiusCells * radiusCells
    for (let sy = 0; sy < SUB; sy++) {
        for (let sx = 0; sx < SUB; sx++) {
            acc.fill(0)
            // disc centre inside cell (0, 0), in cell units
            const cx = (sx + 0.5) / SUB
            const cy = (sy + 0.5) / SUB
            let total = 0
            if (radiusCells <= 0) {
                acc[reach * side + reach] = 1
                total = 1
            } else {
                const n = side * FINE
                for (let iy = 0; iy < n; iy++) {
                    const y = -reach + (iy + 0.5) / FINE
                    const dy = y - cy
                    if (dy * dy > r2) continue
                    for (let ix = 0; ix < n; ix++) {
                        const x = -reach + (ix + 0.5) / FINE
                        const dx = x - cx
                        if (dx * dx + dy * dy > r2) continue
                        const col = Math.floor(x) + reach
                        const row = Math.floor(y) + reach
                        acc[row * side + col] += 1
                        total++
                    }
                }
            }
            const dc: number[] = []
            const dr: number[] = []
            const w: number[] = []
            for (let i = 0; i < acc.length; i++) {
                if (acc[i] === 0) continue
                dc.push((i % side) - reach)
                dr.push(Math.floor(i / side) - reach)
                w.push(acc[i] / total)
            }
            st.dCol.push(Int32Array.from(dc))
            st.dRow.push(Int32Array.from(dr))
            st.weight.push(Float64Array.from(w))
        }
    }
    stencils[key] = st
    return st
}

/**
 * One stroke (or several at one spot): `punctures` spread over the footprint centred at
 * (xMm, yMm). The centre may lie outside the area; what falls outside is counted off-area.
 */
export function depositPunctures(map: SkinMap, punctures: number, xMm: number, yMm: number, footprint: Footprint): void {
    if (!(punctures > 0)) return
    const c = map.cellMm
    const st = stencilFor(footprint.diameterMm > 0 ? footprint.diameterMm : 0, c)
    const fx = xMm / c
    const fy = yMm / c
    const col0 = Math.floor(fx)
    const row0 = Math.floor(fy)
    let sx = Math.floor((fx - col0) * SUB)
    let sy = Math.floor((fy - row0) * SUB)
    if (sx >= SUB) sx = SUB - 1
    if (sy >= SUB) sy = SUB - 1
    const k = sy * SUB + sx
    const dCol = st.dCol[k]
    const dRow = st.dRow[k]
    const weight = st.weight[k]
    const cols = map.cols
    const rows = map.rows
    let off = 0
    for (let i = 0; i < weight.length; i++) {
        const col = col0 + dCol[i]
        const row = row0 + dRow[i]
        const p = punctures * weight[i]
        if (col < 0 || col >= cols || row < 0 || row >= rows) off += p
        else map.counts[row * cols + col] += p
    }
    map.offAreaPunctures += off
    map.totalPunctures += punctures
}

// ---- queries ----

export function areaCm2(map: SkinMap): number {
    return (map.widthMm * map.heightMm) / 100
}

export function cellAreaCm2(map: SkinMap): number {
    return (map.cellMm * map.cellMm) / 100
}

/** punctures that landed on the area */
export function puncturesOnArea(map: SkinMap): number {
    let s = 0
    for (let i = 0; i < map.counts.length; i++) s += map.counts[i]
    return s
}

/** mean density over the whole area (punctures/cm²) */
export function meanDensityPerCm2(map: SkinMap): number {
    return puncturesOnArea(map) / areaCm2(map)
}

/** density of one cell (punctures/cm²) */
export function cellDensityPerCm2(map: SkinMap, col: number, row: number): number {
    return map.counts[row * map.cols + col] / cellAreaCm2(map)
}

export interface DensityWindow {
    perCm2: number
    /** centre of the window (mm) */
    xMm: number
    yMm: number
    /** side of the window actually used (mm); smaller than asked only if the area is */
    sideMm: number
}

/**
 * The densest square window (default 10 mm: 1 cm²) anywhere on the area, sliding cell by cell
 * (2-D prefix sums). windowMm must be whole cells.
 */
export function worstWindow(map: SkinMap, windowMm = 10): DensityWindow {
    const k = Math.round(windowMm / map.cellMm)
    if (!(k >= 1) || Math.abs(k * map.cellMm - windowMm) > 1e-9)
        throw new Error(`windowMm (${windowMm}) must be whole cells of ${map.cellMm} mm`)
    const kc = Math.min(k, map.cols)
    const kr = Math.min(k, map.rows)
    const cols = map.cols
    const W = cols + 1
    const prefix = new Float64Array((map.rows + 1) * W)
    for (let r = 0; r < map.rows; r++) {
        let rowSum = 0
        for (let c = 0; c < cols; c++) {
            rowSum += map.counts[r * cols + c]
            prefix[(r + 1) * W + c + 1] = prefix[r * W + c + 1] + rowSum
        }
    }
    let best = -1
    let bestC = 0
    let bestR = 0
    for (let r = 0; r + kr <= map.rows; r++) {
        for (let c = 0; c + kc <= cols; c++) {
            const s = prefix[(r + kr) * W + c + kc] - prefix[r * W + c + kc] - prefix[(r + kr) * W + c] + prefix[r * W + c]
            if (s > best) {
                best = s
                bestC = c
                bestR = r
            }
        }
    }
    const windowCm2 = (kc * kr * map.cellMm * map.cellMm) / 100
    return {
        perCm2: best / windowCm2,
        xMm: (bestC + kc / 2) * map.cellMm,
        yMm: (bestR + kr / 2) * map.cellMm,
        sideMm: Math.min(kc, kr) * map.cellMm,
    }
}

/** share of the cells (0..1) whose density is at least minPerCm2 (pass a small number for "touched at all") */
export function coverageFraction(map: SkinMap, minPerCm2: number): number {
    const minCount = minPerCm2 * cellAreaCm2(map)
    let n = 0
    for (let i = 0; i < map.counts.length; i++) if (map.counts[i] >= minCount) n++
    return n / map.counts.length
}

export interface DensityStats {
    meanPerCm2: number
    minPerCm2: number
    p5PerCm2: number
    p50PerCm2: number
    p95PerCm2: number
    maxCellPerCm2: number
}

/** the spread of the per-cell densities (nearest-rank percentiles) */
export function densityStats(map: SkinMap): DensityStats {
    const a = Float64Array.from(map.counts).sort()
    const perCell = 1 / cellAreaCm2(map)
    const pick = (p: number) => a[Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1))] * perCell
    return {
        meanPerCm2: meanDensityPerCm2(map),
        minPerCm2: a[0] * perCell,
        p5PerCm2: pick(5),
        p50PerCm2: pick(50),
        p95PerCm2: pick(95),
        maxCellPerCm2: a[a.length - 1] * perCell,
    }
}

/** density of one swath: needles x strokes/s over (glide speed x swath width), punctures/cm² */
export function swathDensityPerCm2(needles: number, strokeHz: number, speedMmS: number, swathMm: number): number {
    return (needles * strokeHz) / ((speedMmS / 10) * (swathMm / 10))
}

// ---- text rendering ----

const RAMP = " .:-=+*#%@"

export interface RenderOptions {
    /** at most this many characters per line (cells are averaged in blocks to fit); default 60 */
    maxCols?: number
    /** density shown as the darkest character (default: the densest block) */
    fullScalePerCm2?: number
    title?: string
}

/**
 * An ASCII heat map for reports: top line = the area's top edge (largest y). Blocks of cells are
 * averaged; characters from " " (none) to "@" (full scale or more); the legend gives the scale.
 */
export function renderSkinAscii(map: SkinMap, opts: RenderOptions = {}): string {
    const maxCols = opts.maxCols !== undefined ? opts.maxCols : 60
    const block = Math.max(1, Math.ceil(map.cols / maxCols))
    // a character is about twice as tall as wide: two cell rows per line keep the shape
    const blockRows = block * 2
    const outCols = Math.ceil(map.cols / block)
    const outRows = Math.ceil(map.rows / blockRows)
    const perCell = 1 / cellAreaCm2(map)
    const values: number[] = []
    let maxV = 0
    for (let br = outRows - 1; br >= 0; br--) {
        for (let bc = 0; bc < outCols; bc++) {
            let s = 0
            let n = 0
            for (let r = br * blockRows; r < Math.min(map.rows, (br + 1) * blockRows); r++)
                for (let c = bc * block; c < Math.min(map.cols, (bc + 1) * block); c++) {
                    s += map.counts[r * map.cols + c]
                    n++
                }
            const v = (s / n) * perCell
            values.push(v)
            if (v > maxV) maxV = v
        }
    }
    const full = opts.fullScalePerCm2 !== undefined ? opts.fullScalePerCm2 : maxV
    const lines: string[] = []
    if (opts.title) lines.push(opts.title)
    const border = "+" + "-".repeat(outCols) + "+"
    lines.push(border)
    for (let r = 0; r < outRows; r++) {
        let line = "|"
        for (let c = 0; c < outCols; c++) {
            const v = values[r * outCols + c]
            let i = v <= 0 || !(full > 0) ? 0 : Math.ceil((v / full) * (RAMP.length - 1))
            if (i > RAMP.length - 1) i = RAMP.length - 1
            line += RAMP[i]
        }
        lines.push(line + "|")
    }
    lines.push(border)
    const st = densityStats(map)
    lines.push(
        `${map.widthMm} x ${map.heightMm} mm, one character = ${block * map.cellMm} x ${blockRows * map.cellMm} mm; ` +
            `"${RAMP}" = 0 .. ${Math.round(full)}/cm²`,
    )
    lines.push(
        `mean ${Math.round(st.meanPerCm2)}/cm², cells p5 ${Math.round(st.p5PerCm2)} p50 ${Math.round(st.p50PerCm2)} ` +
            `p95 ${Math.round(st.p95PerCm2)} max ${Math.round(st.maxCellPerCm2)}, worst 1 cm² ${Math.round(worstWindow(map, Math.max(1, Math.round(10 / map.cellMm)) * map.cellMm).perCm2)}/cm²`,
    )
    return lines.join("\n")
}
