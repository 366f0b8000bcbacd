/** Tells a job which process runs it. `WorkerIdentity` is the service key in the generated registry. */
export interface WorkerIdentity {
  readonly name: string;
  /** Prints a line prefixed with the worker's name and tells the launcher. */
  report(event: WorkerEvent): void;
}

/** What a worker tells the launcher about a job it ran. */
export type WorkerEvent =
  | {
      readonly kind: "report";
      readonly worker: string;
      readonly tenant: string;
      readonly slot: string;
      readonly jobId: string;
    }
  | {
      readonly kind: "sync";
      readonly worker: string;
      readonly tenant: string;
      readonly webhooks: number;
      readonly jobId: string;
    };
