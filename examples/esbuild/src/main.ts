import { createScheduler } from "@elarion/runtime";
import { MemoryImageStore } from "./image-store.js";
import { jobRegistry } from "./jobs.generated.js";
import { MakeThumbnailJob } from "./jobs/make-thumbnail-job.js";

async function main(): Promise<void> {
  const images = new MemoryImageStore();
  const scheduler = createScheduler({ registry: jobRegistry, services: { ImageStore: images } });
  console.log("example-esbuild: starting the scheduler from an esbuild bundle");
  await scheduler.start();
  try {
    const handles = await Promise.all(
      ["cat", "dog", "owl"].map((imageId) =>
        scheduler.enqueue(MakeThumbnailJob, { imageId, widths: [160, 640] }),
      ),
    );
    // whenIdle: no run active and nothing due right now, i.e. the three thumbnail jobs have finished.
    await scheduler.whenIdle();
    for (const handle of handles) {
      const state = await scheduler.getJob(handle.jobId);
      console.log(`  ${handle.jobName} ${handle.jobId} → ${state?.status ?? "unknown"}`);
    }
    if (images.saved.length !== handles.length * 2)
      throw new Error(`expected ${handles.length * 2} thumbnails, stored ${images.saved.length}`);
  } finally {
    // Also on failure: the fixed-rate cache.warm job keeps a timer armed until the scheduler stops.
    await scheduler.stop();
  }
  console.log(`example-esbuild: ${images.saved.length} thumbnails stored; scheduler stopped`);
}

try {
  await main();
} catch (error) {
  console.error("example-esbuild failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
