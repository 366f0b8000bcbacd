import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import type { ImageStore } from "../image-store.js";

export interface MakeThumbnailPayload {
  imageId: string;
  widths: number[];
}

/**
 * A runtime job with a dependency, built by esbuild through the Elarion plugin. `overlap: "queue"`
 * makes runs of this job wait for each other instead of running side by side.
 */
@ScheduledJob("images.thumbnail", { overlap: "queue" })
export class MakeThumbnailJob implements IScheduledJob<MakeThumbnailPayload> {
  constructor(private readonly images: ImageStore) {}

  async execute(payload: MakeThumbnailPayload, context: ScheduledJobContext): Promise<void> {
    for (const width of payload.widths) {
      context.signal.throwIfAborted();
      await this.images.saveThumbnail(payload.imageId, width);
    }
  }
}
