import { Queue, type Job } from "bullmq";
import type { CancelSystem } from "./cancel-system.js";

/** The machine's own Redis (started before every session, like PostgreSQL). */
export const REDIS_URL = process.env.ELARION_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const QUEUE_NAME = "elarion-bench-cancels";

/**
 * BullMQ on Redis: jobs added with no worker wait in the queue's wait list; `Job.remove()` deletes
 * a waiting job (one Lua script, one round trip). BullMQ has no remove-by-ids bulk call (`drain()`
 * and `clean()` empty a whole list, whichever jobs are in it), so it has no bulk figure.
 */
export function bullmqCancelSystem(): CancelSystem<Job> {
  let queue: Queue | null = null;
  const requireQueue = (): Queue => {
    if (queue === null) throw new Error("bullmq cancel system: prepare() first.");
    return queue;
  };
  return {
    name: "BullMQ",
    settings: `new Queue("${QUEUE_NAME}", { connection: ${redisEndpoint()} }), obliterated before each run, no worker; enqueue = \`addBulk()\`; cancel = \`job.remove()\` on the Job \`addBulk\` returned, one by one; no bulk remove by ids`,
    async prepare() {
      const { hostname, port } = new URL(REDIS_URL);
      queue = new Queue(QUEUE_NAME, {
        connection: { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: 1 },
      });
      await queue.obliterate({ force: true });
    },
    async enqueueQueued(count) {
      return requireQueue().addBulk(
        Array.from({ length: count }, (_, n) => ({ name: "noop", data: { n } })),
      );
    },
    async cancelOne(job) {
      await job.remove();
      return true;
    },
    cancelBulk: null,
    // The queue holds only the jobs of the mode being checked, and no worker takes them.
    stillQueued: () => requireQueue().getWaitingCount(),
    async close() {
      if (queue !== null) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      queue = null;
    },
  };
}

function redisEndpoint(): string {
  const { hostname, port } = new URL(REDIS_URL);
  return `{ host: "${hostname}", port: ${port || 6379} }`;
}
