import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import type { WorkerIdentity } from "../worker-identity.js";

export interface TenantReportPayload {
  tenant: string;
}

/**
 * The report of one tenant. It has no schedule of its own: each tenant gets one at run time
 * (`upsertSchedule`), and every slot of it is one run of this job.
 */
@ScheduledJob("tenant.report")
export class TenantReportJob implements IScheduledJob<TenantReportPayload> {
  constructor(private readonly worker: WorkerIdentity) {}

  execute(payload: TenantReportPayload, context: ScheduledJobContext): void {
    this.worker.report({
      kind: "report",
      worker: this.worker.name,
      tenant: payload.tenant,
      slot: context.dueTime.toISOString(),
      jobId: context.jobId,
    });
  }
}
