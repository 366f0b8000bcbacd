import { ScheduledJob, type IScheduledJob } from "@elarion/runtime";

export interface LegacyImportPayload {
  file: string;
}

/** Switched off (`enabled: false`): each of its runs is recorded skipped / "disabled". */
@ScheduledJob("legacy.import", { enabled: false })
export class LegacyImportJob implements IScheduledJob<LegacyImportPayload> {
  execute(_payload: LegacyImportPayload): void {}
}
