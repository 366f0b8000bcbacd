/**
 * Ordinal string comparison for every sort that shapes generated output: never locale-dependent,
 * so two machines print the same bytes.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
