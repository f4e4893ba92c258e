// Size of each treatment area of devs.json as the simulator's skin map sees it: a rectangle of
// about the area's skin (one side of the face for paired areas), whole 2 mm cells. No published
// source gives these sizes: they are assumptions from adult facial proportions, to calibrate on
// patients (docs/DOSE.md, "Area sizes"). The firmware never sees them.

export interface AreaSize {
    widthMm: number
    heightMm: number
    /** what the rectangle stands for */
    note: string
    /** the skin's radius of curvature along the width (x) and the height (y), mm: docs/DOSE.md "Curvature" */
    radiusXMm: number
    radiusYMm: number
}

export const AREA_SIZES: { [areaId: string]: AreaSize } = {
    periorbital: { widthMm: 40, heightMm: 24, note: "below and beside one eye, ~10 cm²", radiusXMm: 95, radiusYMm: 60 },
    forehead: { widthMm: 120, heightMm: 50, note: "brow to hairline, temple to temple, ~60 cm²", radiusXMm: 65, radiusYMm: 95 },
    nose: { widthMm: 30, heightMm: 50, note: "dorsum and both sidewalls unrolled, ~15 cm²", radiusXMm: 16, radiusYMm: 100 },
    perioral: { widthMm: 70, heightMm: 30, note: "upper lip and around the mouth, ~21 cm²", radiusXMm: 40, radiusYMm: 60 },
    cheeks: { widthMm: 60, heightMm: 80, note: "one cheek, ~48 cm² (the chin is a further ~20 cm²)", radiusXMm: 85, radiusYMm: 75 },
    scalp: { widthMm: 100, heightMm: 100, note: "a thinning patch (crown), ~100 cm²", radiusXMm: 90, radiusYMm: 90 },
    body: { widthMm: 100, heightMm: 150, note: "one patch of stretch marks, ~150 cm²", radiusXMm: 150, radiusYMm: 300 },
}
