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
  readonly #await: Statement;
  readonly #withdraw: Statement;
  readonly #channel: string;
  /** Slots held now, by gate and run id (a run may hold its job's gate and its group's). */
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
    this.#await = statements["await-gate-slot"];
    this.#withdraw = statements["withdraw-gate-wait"];
    this.#channel = schema.channel;
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
    this.#held.set(heldKey(ticket), ticket);
    return ticket;
  }

  async release(ticket: ClusterGateTicket): Promise<void> {
    this.#held.delete(heldKey(ticket));
    await this.db.query({
      ...this.#release,
      values: [
        ticket.gate,
        ticket.slot,
        this.owner,
        ticket.runId,
        this.#channel,
        ticket.waited === true,
      ],
    });
  }

  /**
   * For a run that waits (sql/statements/await-gate-slot.sql): takes a free slot when no earlier
   * waiter is alive (a ticket), or records/refreshes the run as a waiter (`"waiting"`), or answers
   * `"coalesced"` for a recurring slot when another one already waits.
   */
  async ask(request: ClusterGateRequest): Promise<ClusterGateTicket | "waiting" | "coalesced"> {
    const result = await this.db.query<{ slot: number | null; coalesced: boolean }>({
      ...this.#await,
      values: [
        request.gate,
        request.capacity,
        this.owner,
        request.runId,
        Math.ceil(this.leaseMs),
        request.coalesces === true,
        this.#channel,
      ],
    });
    const row = result.rows[0]!;
    if (row.coalesced) return "coalesced";
    if (row.slot === null) return "waiting";
    const ticket = { gate: request.gate, slot: row.slot, runId: request.runId, waited: true };
    this.#held.set(heldKey(ticket), ticket);
    return ticket;
  }

  /** Deletes the waiter row of a run that stops waiting (sql/statements/withdraw-gate-wait.sql). */
  async withdraw(gate: string, runId: string): Promise<void> {
    await this.db.query({ ...this.#withdraw, values: [gate, runId, this.owner, this.#channel] });
  }

  /** The heartbeat's part: extends every slot this worker holds (nothing to send when none). */
  async extend(): Promise<void> {
    if (this.#held.size === 0) return;
    await this.db.query({ ...this.#extend, values: [this.owner, Math.ceil(this.leaseMs)] });
  }
}

const heldKey = (ticket: ClusterGateTicket): string => `${ticket.gate}\u0000${ticket.runId}`;
