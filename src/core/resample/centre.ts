// Centring and scaling shared by the neighbour searches (neighbours.ts, neighbours-simd.ts,
// neighbours-tf.ts; pca.ts takes its column means too). The searches work on the points moved so
// every column's mean is 0: distances are unchanged, but ‖a‖² + ‖b‖² − 2a·b no longer cancels
// catastrophically when the values sit far from zero (1e6 + noise of 1e-2 loses every digit of the
// distance in float64 otherwise). The float32 paths also scale the centred values by a power of two
// (exact in binary) so the largest is below 1, which keeps their error bound in float32's range.

/** Column means of a row-major rows × dims matrix. */
export function columnMeans(values: Float64Array, rows: number, dims: number): Float64Array {
  const mean = new Float64Array(dims);
  for (let i = 0, o = 0; i < rows; i++, o += dims)
    for (let f = 0; f < dims; f++) mean[f] += values[o + f];
  for (let f = 0; f < dims; f++) mean[f] /= rows;
  return mean;
}

/**
 * The power of two 2^-⌈log2 max|x − mean|⌉ (1 when every value equals its mean), or null when a
 * value is not finite.
 */
export function powerOfTwoScale(
  values: Float64Array,
  rows: number,
  dims: number,
  mean: Float64Array,
): number | null {
  let maxAbs = 0;
  for (let i = 0, o = 0; i < rows; i++, o += dims) {
    for (let f = 0; f < dims; f++) {
      const a = Math.abs(values[o + f] - mean[f]);
      if (a > maxAbs) maxAbs = a;
    }
  }
  if (!Number.isFinite(maxAbs)) return null;
  return maxAbs > 0 ? 2 ** -Math.ceil(Math.log2(maxAbs)) : 1;
}
