/**
 * A cluster-wide gate a run must hold while its body runs: at most `capacity` runs hold `gate` at
 * once across every process sharing the store (docs/semantics.md, "Overlap and concurrency").
 * `gate` names what is limited: `"job:<name>"`, or `"schedule:<key>"` for a schedule defined at run
 * time.
 */
export interface ClusterGateRequest {
  readonly gate: string;
  readonly capacity: number;
  readonly runId: string;
}

/** A held slot of a cluster-wide gate, handed back to release it. */
export interface ClusterGateTicket {
  readonly gate: string;
  readonly slot: number;
  readonly runId: string;
}
