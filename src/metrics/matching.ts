/**
 * The accuracy of an unsupervised labelling (InfoGAN's categorical code, a clustering): the share
 * of rows whose cluster maps to their true class under the best one-to-one matching of clusters to
 * classes, the matching found exactly by the Hungarian algorithm on the contingency table. With
 * more clusters than classes the unmatched clusters' rows count as errors.
 *
 * @example
 * matchedAccuracy(Int32Array.of(1, 1, 0, 0), Int32Array.of(0, 0, 1, 1), 2, 2); // { accuracy: 1, mapping: [1, 0] }
 */
export function matchedAccuracy(clusters: Int32Array, truth: Int32Array, clusterCount: number, classCount: number): { accuracy: number; mapping: number[] } {
  if (clusters.length !== truth.length) throw new RangeError(`matchedAccuracy: ${clusters.length} clusters for ${truth.length} labels`);
  if (clusters.length === 0) return { accuracy: NaN, mapping: [] };
  const table = Array.from({ length: clusterCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < clusters.length; i++) {
    const [c, y] = [clusters[i], truth[i]];
    if (!(c >= 0 && c < clusterCount && y >= 0 && y < classCount)) throw new RangeError(`matchedAccuracy: row ${i} has cluster ${c} and class ${y}, outside ${clusterCount} × ${classCount}`);
    table[c][y] += 1;
  }
  // Maximize matches = minimize −count; the solver wants rows ≤ columns, so transpose if needed.
  const transpose = clusterCount > classCount;
  const cost = transpose ? table[0].map((_, y) => table.map((row) => -row[y])) : table.map((row) => row.map((v) => -v));
  const assigned = minimumAssignment(cost);
  const mapping = new Array<number>(clusterCount).fill(-1);
  assigned.forEach((col, row) => (transpose ? (mapping[col] = row) : (mapping[row] = col)));
  let hits = 0;
  mapping.forEach((y, c) => (hits += y >= 0 ? table[c][y] : 0));
  return { accuracy: hits / clusters.length, mapping };
}

/**
 * The minimum-cost assignment of every row of `cost` (n rows ≤ m columns) to a distinct column:
 * the Hungarian algorithm with potentials, O(n²·m). Returns each row's column.
 */
export function minimumAssignment(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  const m = n === 0 ? 0 : cost[0].length;
  if (n > m) throw new RangeError(`minimumAssignment: ${n} rows cannot each take one of ${m} columns`);
  // 1-based potentials u (rows), v (columns); owner[j] is the row holding column j (0: none).
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(m + 1).fill(0);
  const owner = new Array<number>(m + 1).fill(0);
  const way = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    owner[0] = i;
    let j0 = 0;
    const minv = new Array<number>(m + 1).fill(Infinity);
    const used = new Array<boolean>(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = owner[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (reduced < minv[j]) [minv[j], way[j]] = [reduced, j0];
        if (minv[j] < delta) [delta, j1] = [minv[j], j];
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[owner[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (owner[j0] !== 0);
    do {
      const j1 = way[j0];
      owner[j0] = owner[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const columnOf = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (owner[j] !== 0) columnOf[owner[j] - 1] = j - 1;
  return columnOf;
}
