/**
 * One line of RESULTS.md: a figure of ours next to its baseline, the ratio between them and the
 * target it is judged against. Values are preformatted so each suite chooses its units.
 */
export interface Figure {
  readonly suite: string;
  readonly measure: string;
  readonly ours: string;
  /** e.g. "hand-written: 11.8 ns"; "—" when the figure stands alone. */
  readonly baseline: string;
  /** e.g. "1.04×"; "—" when there is no baseline. */
  readonly ratio: string;
  /** e.g. "≤ 1.10×"; "—" when there is no target. */
  readonly target: string;
  /** `null` when there is no target. */
  readonly met: boolean | null;
  readonly note?: string;
}

/** What a suite hands back to the runner: its figures and the settings worth writing down. */
export interface SuiteReport {
  readonly suite: string;
  readonly figures: Figure[];
  readonly notes: string[];
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "—";
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  return Number(value.toPrecision(digits)).toString();
}
