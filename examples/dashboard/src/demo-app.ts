import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDashboard } from "@elarion/dashboard";
import { createScheduler, type JobScheduler } from "@elarion/runtime";
import { InvoiceGateway } from "./invoice-gateway.js";
import { BuildExportJob } from "./jobs/build-export-job.js";
import { DeliverWebhookJob } from "./jobs/deliver-webhook-job.js";
import { LegacyImportJob } from "./jobs/legacy-import-job.js";
import { SendEmailJob } from "./jobs/send-email-job.js";
import { SendInvoiceJob } from "./jobs/send-invoice-job.js";
import { jobRegistry, type JobClasses, type JobPayloads } from "./jobs.generated.js";

export interface DemoOptions {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** How often an open page refreshes itself (the dashboard's default is 3000 ms). */
  readonly refreshIntervalMs?: number;
}

export interface Demo {
  /** The dashboard's address, e.g. http://127.0.0.1:3000/dashboard */
  readonly url: string;
  readonly scheduler: JobScheduler<JobClasses, JobPayloads>;
  /** Ids of the seeded jobs, by what they show. */
  readonly jobs: {
    readonly failedInvoices: readonly string[];
    readonly queuedEmails: readonly string[];
    readonly scriptPayloadEmail: string;
    readonly runningExport: string;
    readonly waitingWebhook: string;
  };
  stop(): Promise<void>;
}

const HOUR = 60 * 60 * 1000;

/** Only requests from this machine may act: the demo's `authorize`. */
function fromThisMachine(request: IncomingMessage): boolean {
  const address = request.socket.remoteAddress ?? "";
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

/**
 * An in-memory scheduler with jobs in every status, and the dashboard over it on node:http at
 * /dashboard (anything else redirects there: the dashboard's `next`).
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const gateway = new InvoiceGateway(["INV-1001", "INV-1002"]);
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: { InvoiceGateway: gateway },
    // One line per failure instead of the default's details and stack: the failures are the demo.
    logger: {
      warn: (message) => console.log(`[elarion] ${message}`),
      error: (message) => console.log(`[elarion] ${message}`),
    },
  });
  await scheduler.start();

  const succeeded = [
    await scheduler.enqueue(
      SendEmailJob,
      { to: "ada@example.com", subject: "Welcome aboard" },
      { correlationId: "signup-ada" },
    ),
    await scheduler.enqueue(SendEmailJob, {
      to: "grace@example.com",
      subject: "<script>alert('subject')</script> Your receipt",
    }),
  ];
  const invoices = [
    await scheduler.enqueue(
      SendInvoiceJob,
      { invoiceId: "INV-1001", customer: "Initech", amountCents: 129_00 },
      { correlationId: "billing-run-7" },
    ),
    await scheduler.enqueue(
      SendInvoiceJob,
      { invoiceId: "INV-1002", customer: "Globex <Corp>", amountCents: 4_500_00 },
      { correlationId: "billing-run-7" },
    ),
    await scheduler.enqueue(
      SendInvoiceJob,
      { invoiceId: "INV-1003", customer: "Umbrella", amountCents: 89_99 },
      { correlationId: "billing-run-7" },
    ),
  ];
  const webhook = await scheduler.enqueue(
    DeliverWebhookJob,
    { url: "https://hooks.example.com/orders", event: "order.paid" },
    { resilienceMode: "deferred-retry" },
  );
  await scheduler.enqueue(LegacyImportJob, { file: "customers-2019.csv" });
  const queuedEmails = [
    await scheduler.schedule(
      SendEmailJob,
      { to: "linus@example.com", subject: "Your trial ends tomorrow" },
      Date.now() + HOUR,
    ),
    await scheduler.schedule(
      SendEmailJob,
      { to: "margaret@example.com", subject: "Monthly newsletter" },
      Date.now() + 2 * HOUR,
    ),
  ];
  const cancelled = await scheduler.schedule(
    SendEmailJob,
    { to: "old@example.com", subject: "Reminder nobody needs" },
    Date.now() + HOUR,
  );
  await scheduler.cancelJob(cancelled.jobId);
  await scheduler.whenIdle();
  // Started last: it runs until cancelled, so whenIdle above would never resolve after it.
  const runningExport = await scheduler.enqueue(BuildExportJob, { dataset: "orders-2025" });

  const dashboard = createDashboard({
    scheduler,
    basePath: "/dashboard",
    authorize: fromThisMachine,
    ...(options.refreshIntervalMs === undefined
      ? {}
      : { refreshIntervalMs: options.refreshIntervalMs }),
  });
  const server: Server = createServer((request, response) => {
    void dashboard(request, response, () => {
      response.writeHead(302, { Location: "/dashboard" });
      response.end();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}/dashboard`,
    scheduler,
    jobs: {
      failedInvoices: [invoices[0]!.jobId, invoices[1]!.jobId],
      queuedEmails: queuedEmails.map((handle) => handle.jobId),
      scriptPayloadEmail: succeeded[1]!.jobId,
      runningExport: runningExport.jobId,
      waitingWebhook: webhook.jobId,
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scheduler.stop();
    },
  };
}
