// scikit-learn's _binary_clf_curve written plainly, as the reference binaryClfCurve is held to
// (tests/unit/metrics/report-once.test.ts on small inputs, sort-scores.test.ts on radix-sized
// ones): row indices sorted by score, highest first, then one walk with a step per distinct score.
export function referenceCurve(truth: ArrayLike<number>, scores: ArrayLike<number>) {
  const order = Array.from({ length: truth.length }, (_, i) => i).sort(
    (a, b) => scores[b] - scores[a],
  );
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((row, j) => {
    if (truth[row]) tp++;
    else fp++;
    if (j === order.length - 1 || scores[order[j + 1]] !== scores[row]) {
      fps.push(fp);
      tps.push(tp);
      thresholds.push(scores[row]);
    }
  });
  return { fps, tps, thresholds };
}
