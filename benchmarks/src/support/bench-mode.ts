/** How big a run is: the full benchmark, or `--quick` (a smoke run that proves every suite works). */
export interface BenchMode {
  readonly quick: boolean;
}

/** Picks the full-size or the quick-size value of a parameter. */
export function sized<T>(mode: BenchMode, full: T, quick: T): T {
  return mode.quick ? quick : full;
}
