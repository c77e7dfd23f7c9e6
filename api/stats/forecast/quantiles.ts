import qnormBase from "@stdlib/stats-base-dists-normal-quantile";
import qtBase from "@stdlib/stats-base-dists-t-quantile";

/** Standard normal quantile. */
export const qnorm = (p: number): number => qnormBase(p, 0, 1);

/** Student-t quantile with `df` degrees of freedom (normal when df is null or infinite). */
export const qt = (p: number, df: number | null): number =>
  df === null || !Number.isFinite(df) ? qnorm(p) : qtBase(p, df);

/** Two-sided multiplier for a central interval at `level` (e.g. 0.95 → 1.96 for the normal). */
export const twoSided = (level: number, df: number | null = null): number => qt(0.5 + level / 2, df);
