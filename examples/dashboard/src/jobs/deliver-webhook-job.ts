import { resiliencePolicy, ScheduledJob, type IScheduledJob } from "@elarion/runtime";

export interface WebhookPayload {
  url: string;
  event: string;
}

/** Waits ten minutes between attempts: a failed delivery sits in "waiting-retry". */
export const webhookRetry = resiliencePolicy("webhook-retry", {
  maxRetryAttempts: 5,
  delay: "10m",
});

/** The receiving end refuses every delivery in this demo. */
@ScheduledJob("webhooks.deliver", { resilience: "webhook-retry" })
export class DeliverWebhookJob implements IScheduledJob<WebhookPayload> {
  execute(payload: WebhookPayload): void {
    throw new Error(`POST ${payload.url} answered 503 Service Unavailable`);
  }
}
