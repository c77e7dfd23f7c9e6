/**
 * Small derivative-free optimisers for fitting smoothing parameters. Forecasting objectives here
 * are cheap (a pass over ≤ a few hundred points), low-dimensional (1–3 parameters, initial states
 * being profiled out analytically) and often flat or multimodal, so robustness comes from a coarse
 * grid start plus a local polish, not from clever steps.
 */

/** A box: lower and upper bounds per coordinate. */
export interface Box {
  lower: readonly number[];
  upper: readonly number[];
}

/** Result of an optimisation. */
export interface OptimResult {
  x: number[];
  value: number;
  evaluations: number;
}

const clampTo = (x: number[], box: Box) => x.map((v, i) => Math.min(box.upper[i], Math.max(box.lower[i], v)));

/**
 * Nelder–Mead simplex minimisation inside a box (points are clamped to the box, which keeps the
 * simplex valid for the smoothing-parameter regions used here).
 */
export function nelderMead(
  f: (x: number[]) => number,
  start: readonly number[],
  box: Box,
  {maxEvaluations = 400, tolerance = 1e-10, step = 0.1}: {maxEvaluations?: number; tolerance?: number; step?: number} = {}
): OptimResult {
  const d = start.length;
  let evaluations = 0;
  const ev = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const x0 = clampTo([...start], box);
  const simplex: number[][] = [x0];
  for (let i = 0; i < d; i++) {
    const p = [...x0];
    const span = (box.upper[i] - box.lower[i]) * step;
    p[i] = p[i] + span <= box.upper[i] ? p[i] + span : p[i] - span;
    simplex.push(clampTo(p, box));
  }
  let values = simplex.map(ev);
  while (evaluations < maxEvaluations) {
    const order = values.map((v, i) => i).sort((a, b) => values[a] - values[b]);
    const s = order.map((i) => simplex[i]);
    const v = order.map((i) => values[i]);
    simplex.splice(0, simplex.length, ...s);
    values = v;
    if (Math.abs(values[d] - values[0]) <= tolerance * (Math.abs(values[0]) + tolerance)) break;
    const centroid = new Array(d).fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) centroid[j] += simplex[i][j] / d;
    const along = (t: number) => clampTo(centroid.map((c, j) => c + t * (simplex[d][j] - c)), box);
    const xr = along(-1);
    const fr = ev(xr);
    if (fr < values[0]) {
      const xe = along(-2);
      const fe = ev(xe);
      if (fe < fr) [simplex[d], values[d]] = [xe, fe];
      else [simplex[d], values[d]] = [xr, fr];
    } else if (fr < values[d - 1]) {
      [simplex[d], values[d]] = [xr, fr];
    } else {
      const xc = fr < values[d] ? along(-0.5) : along(0.5);
      const fc = ev(xc);
      if (fc < Math.min(fr, values[d])) {
        [simplex[d], values[d]] = [xc, fc];
      } else {
        for (let i = 1; i <= d; i++) {
          simplex[i] = clampTo(simplex[i].map((x, j) => simplex[0][j] + 0.5 * (x - simplex[0][j])), box);
          values[i] = ev(simplex[i]);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return {x: simplex[best], value: values[best], evaluations};
}

/** Golden-section minimisation of a one-dimensional function on [a, b]. */
export function goldenSection(f: (x: number) => number, a: number, b: number, tolerance = 1e-7): OptimResult {
  const g = (Math.sqrt(5) - 1) / 2;
  let evaluations = 0;
  const ev = (x: number) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = ev(c);
  let fd = ev(d);
  while (Math.abs(b - a) > tolerance * (1 + Math.abs(a) + Math.abs(b))) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = ev(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = ev(d);
    }
  }
  return fc < fd ? {x: [c], value: fc, evaluations} : {x: [d], value: fd, evaluations};
}

/**
 * Minimise over a box: evaluate a coarse grid, then polish the best few grid points with
 * Nelder–Mead (or golden section in one dimension, bracketed by the grid neighbours).
 */
export function gridThenPolish(
  f: (x: number[]) => number,
  box: Box,
  {gridPoints = 7, polish = 2, maxEvaluations = 300}: {gridPoints?: number; polish?: number; maxEvaluations?: number} = {}
): OptimResult {
  const d = box.lower.length;
  const axes = box.lower.map((lo, i) => {
    const hi = box.upper[i];
    return Array.from({length: gridPoints}, (_, k) => lo + ((hi - lo) * k) / (gridPoints - 1));
  });
  const grid: {x: number[]; v: number}[] = [];
  const rec = (i: number, acc: number[]) => {
    if (i === d) {
      const v = f(acc);
      grid.push({x: [...acc], v: Number.isFinite(v) ? v : Number.POSITIVE_INFINITY});
      return;
    }
    for (const a of axes[i]) rec(i + 1, [...acc, a]);
  };
  rec(0, []);
  grid.sort((p, q) => p.v - q.v);
  let evaluations = grid.length;
  let best: OptimResult = {x: grid[0].x, value: grid[0].v, evaluations};
  if (d === 1) {
    const width = (box.upper[0] - box.lower[0]) / (gridPoints - 1);
    for (const g of grid.slice(0, polish)) {
      const r = goldenSection((x) => f([x]), Math.max(box.lower[0], g.x[0] - width), Math.min(box.upper[0], g.x[0] + width));
      evaluations += r.evaluations;
      if (r.value < best.value) best = {...r, evaluations};
    }
  } else {
    for (const g of grid.slice(0, polish)) {
      const r = nelderMead(f, g.x, box, {maxEvaluations, step: 0.5 / (gridPoints - 1)});
      evaluations += r.evaluations;
      if (r.value < best.value) best = {...r, evaluations};
    }
  }
  return {...best, evaluations};
}
