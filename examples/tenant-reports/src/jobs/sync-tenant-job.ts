import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import type { WorkerIdentity } from "../worker-identity.js";

export interface SyncTenantPayload {
  tenant: string;
  /** How many webhooks had arrived when this sync was (last) requested. */
  webhooks: number;
}

/** Pulls a tenant's data after its webhooks; enqueued with a key, so a burst of webhooks is one sync. */
@ScheduledJob("tenant.sync")
export class SyncTenantJob implements IScheduledJob<SyncTenantPayload> {
  constructor(private readonly worker: WorkerIdentity) {}

  execute(payload: SyncTenantPayload, context: ScheduledJobContext): void {
    this.worker.report({
      kind: "sync",
      worker: this.worker.name,
      tenant: payload.tenant,
      webhooks: payload.webhooks,
      jobId: context.jobId,
    });
  }
}
