/**
 * A cluster-wide gate a run must hold while its body runs: at most `capacity` runs hold `gate` at
 * once across every process sharing the store (docs/semantics.md, "Overlap and concurrency").
 * `gate` names what is limited: `"job:<name>"`, `"schedule:<key>"` for a schedule defined at run
 * time, or `"group:<name>"`.
 */
export interface ClusterGateRequest {
  readonly gate: string;
  readonly capacity: number;
  readonly runId: string;
  /**
   * For a waiting run (`JobStore.awaitGate`): a recurring slot under overlap `"queue"`, of which at
   * most one waits per gate across the cluster (the others are skipped `"coalesced"`).
   */
  readonly coalesces?: boolean;
}

/**
 * How a wait for a cluster-wide gate ended: a held slot; `"coalesced"` (another recurring slot
 * already waits: skip this one); or `null` (the wait was withdrawn, or the store closed).
 */
export type ClusterGateWait = ClusterGateTicket | "coalesced" | null;

/** A held slot of a cluster-wide gate, handed back to release it. */
export interface ClusterGateTicket {
  readonly gate: string;
  readonly slot: number;
  readonly runId: string;
  /** Taken by a run that waited (`JobStore.awaitGate`): its release always wakes the gate's waiters. */
  readonly waited?: boolean;
}

/**
 * A wait for a cluster-wide gate (`JobStore.awaitGate`): `answer` settles when the wait ends;
 * `asked` once the store has handled its first answer (the run holds a slot or has its place in
 * line), so a dispatcher's `settle()` can wait for that without waiting for the whole wait.
 */
export interface ClusterGateAwait {
  readonly answer: Promise<ClusterGateWait>;
  readonly asked: Promise<void>;
}
