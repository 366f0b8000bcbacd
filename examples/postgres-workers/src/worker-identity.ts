/** Tells a job which process runs it. `WorkerIdentity` is the service key in the generated registry. */
export interface WorkerIdentity {
  readonly name: string;
  /** Prints a line prefixed with the worker's name and tells the launcher, if there is one. */
  report(event: WorkerEvent): void;
}

/** What a worker tells the launcher process about a job it ran. */
export interface WorkerEvent {
  readonly worker: string;
  readonly jobName: string;
  readonly jobId: string;
  readonly outcome: "started" | "done" | "aborted";
  readonly detail: string;
}
