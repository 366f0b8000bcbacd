/** Order statistics over raw samples; the input array is not modified. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0)
    throw new RangeError("percentile: no samples; the suite recorded nothing.");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError("median: no samples; the suite recorded nothing.");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function maximum(samples: readonly number[]): number {
  return samples.reduce((max, value) => (value > max ? value : max), Number.NEGATIVE_INFINITY);
}

/** p50/p99/max of a latency sample set, in the samples' unit. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function summarizeLatency(samples: readonly number[]): LatencySummary {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: maximum(samples),
  };
}
