// Force sensor (FSR 400 behind a divider with a bias resistor, read as an ADC ratio 0..1).
// The curve comes from devs.json force.curve: [ratio, newtons] points, linear in between.
// Below the first point reads 0 N; above the last point extrapolates along the last segment,
// so a press harder than the table still reads as harder (never clamps to a safe-looking value).

export function ratioToForceN(curve: number[][], ratio: number): number {
    const n = curve.length
    if (ratio <= curve[0][0]) return curve[0][1]
    for (let i = 1; i < n; i++) {
        if (ratio <= curve[i][0]) return lerp(curve[i - 1], curve[i], ratio)
    }
    return lerp(curve[n - 2], curve[n - 1], ratio)
}

function lerp(a: number[], b: number[], x: number): number {
    return a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])
}
