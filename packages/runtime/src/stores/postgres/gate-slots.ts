import type { ClusterGateRequest, ClusterGateTicket } from "../cluster-gates.js";
import type { Queryable } from "./queryable.js";
import type { SchemaName } from "./schema-name.js";
import { renderStatements, type Statement } from "./sql/statements.js";

/**
 * This worker's slots of cluster-wide gates (table `gate_slots`, migration 8): taken before a gated
 * run's body starts (sql/statements/acquire-gate-slot.sql), freed when it ends, extended by the
 * heartbeat. Only gated runs (recurring jobs under overlap "skip", jobs with `maxConcurrentRuns`)
 * pay for it; the heartbeat sends nothing while no slot is held.
 */
export class GateSlots {
  readonly #acquire: Statement;
  readonly #release: Statement;
  readonly #extend: Statement;
  /** Slots held now, by run id. */
  readonly #held = new Map<string, ClusterGateTicket>();

  constructor(
    schema: SchemaName,
    private readonly db: Queryable,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {
    const statements = renderStatements(schema);
    this.#acquire = statements["acquire-gate-slot"];
    this.#release = statements["release-gate-slot"];
    this.#extend = statements["extend-gate-slots"];
  }

  get heldCount(): number {
    return this.#held.size;
  }

  async acquire(request: ClusterGateRequest): Promise<ClusterGateTicket | null> {
    // Another process may take the free slot this statement picked (no row then): with room for
    // more than one run, look again, a few times, before calling the gate full.
    const attempts = Math.min(request.capacity, 3);
    let row: { slot: number } | undefined;
    for (let attempt = 0; attempt < attempts && row === undefined; attempt++) {
      const result = await this.db.query<{ slot: number }>({
        ...this.#acquire,
        values: [
          request.gate,
          request.capacity,
          this.owner,
          request.runId,
          Math.ceil(this.leaseMs),
        ],
      });
      row = result.rows[0];
    }
    if (row === undefined) return null;
    const ticket = { gate: request.gate, slot: row.slot, runId: request.runId };
    this.#held.set(request.runId, ticket);
    return ticket;
  }

  async release(ticket: ClusterGateTicket): Promise<void> {
    this.#held.delete(ticket.runId);
    await this.db.query({
      ...this.#release,
      values: [ticket.gate, ticket.slot, this.owner, ticket.runId],
    });
  }

  /** The heartbeat's part: extends every slot this worker holds (nothing to send when none). */
  async extend(): Promise<void> {
    if (this.#held.size === 0) return;
    await this.db.query({ ...this.#extend, values: [this.owner, Math.ceil(this.leaseMs)] });
  }
}
