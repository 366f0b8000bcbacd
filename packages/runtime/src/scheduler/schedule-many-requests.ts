import { coded } from "../core/runtime-errors.js";
import { validateEach } from "./bulk-insert.js";
import type { JobCatalog } from "./job-catalog.js";
import type { ScheduleManyItem } from "./job-scheduler.js";
import { buildRuntimeJobRequest, type RuntimeJobRequest } from "./runtime-job-request.js";

/**
 * Validates `scheduleMany`'s items, each against its own job, before anything is inserted. Every
 * item of one call must name the same `options.client` (one transaction, or none), so the
 * client is answered once.
 */
export function scheduleManyRequests(
  catalog: JobCatalog,
  items: readonly ScheduleManyItem[],
): { requests: RuntimeJobRequest[]; client: unknown } {
  let client: unknown;
  const requests = validateEach("scheduleMany", items, (item, index) => {
    if (typeof item !== "object" || item === null) {
      throw coded(
        new TypeError(
          `expected an item like { job, payload, dueTime, options? }, got ${item === null ? "null" : typeof item}`,
        ),
        "ELR207",
      );
    }
    const itemClient = item.options?.client;
    if (index === 0) client = itemClient;
    else if (itemClient !== client) {
      throw coded(
        new TypeError(
          "its options.client differs from item 0's; every item of one call joins the same transaction (or none)",
        ),
        "ELR207",
      );
    }
    return buildRuntimeJobRequest(
      catalog,
      item.job,
      item.payload,
      null,
      item.dueTime,
      item.options,
    );
  });
  return { requests, client };
}
