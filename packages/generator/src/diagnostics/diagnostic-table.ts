/**
 * Every diagnostic the generator reports, in one table. Codes are stable: never renumber or reuse
 * one; add new codes at the end. Each message says what is wrong and how to fix it; `{0}`, `{1}`
 * ... are filled in by {@link formatMessage}.
 */
export const DIAGNOSTICS = {
  duplicateJobName: {
    code: "ELG001",
    category: "error",
    message:
      'Duplicate job name "{0}": it is also used by {1}. Job names must be unique; rename one of the jobs.',
  },
  nonLiteralJobName: {
    code: "ELG002",
    category: "error",
    message:
      "The job name must be a non-empty string literal or a const initialised with one, so the generator can read it at build time; {0}.",
  },
  missingExecute: {
    code: "ELG003",
    category: "error",
    message:
      "Job class {0} has no execute method. Add `execute(payload: T, context: ScheduledJobContext)` (implement IScheduledJob<T>), or put @ScheduledJob on a method instead.",
  },
  mistypedExecute: {
    code: "ELG004",
    category: "error",
    message:
      "execute of job class {0} has the wrong shape: {1}. Use `execute(payload: T, context?: ScheduledJobContext): Promise<void> | void`.",
  },
  classNotExported: {
    code: "ELG005",
    category: "error",
    message:
      "Job class {0} is not exported, so the generated registry cannot import it. Add `export` to the class declaration.",
  },
  abstractClass: {
    code: "ELG006",
    category: "error",
    message:
      "Job class {0} is abstract and cannot be constructed. Decorate a concrete subclass instead.",
  },
  genericClass: {
    code: "ELG007",
    category: "error",
    message:
      "Job class {0} is generic; the generator cannot choose its type arguments. Decorate a non-generic subclass that fixes them.",
  },
  notConstructible: {
    code: "ELG008",
    category: "error",
    message: "Job class {0} cannot be constructed by the generated registry: {1}.",
  },
  dependencyWithoutAnnotation: {
    code: "ELG009",
    category: "error",
    message:
      'Constructor parameter "{0}" of {1} has no type annotation, so it has no service key. Annotate it with the service\'s class or interface type, e.g. `{0}: EmailSender`.',
  },
  primitiveDependency: {
    code: "ELG010",
    category: "error",
    message:
      'Constructor parameter "{0}" of {1} has the primitive type {2}, which is not a usable service key. Wrap it in a named type (e.g. `interface SmtpConfig { host: string }`) and inject that.',
  },
  anyDependency: {
    code: "ELG011",
    category: "error",
    message:
      'Constructor parameter "{0}" of {1} is typed {2}, which is not a usable service key. Give it the service\'s class or interface type.',
  },
  unionDependency: {
    code: "ELG012",
    category: "error",
    message:
      'Constructor parameter "{0}" of {1} has a union or otherwise unnamed type ({2}), which is not a usable service key. Declare a named type alias for it (e.g. `type MailTransport = {2}`) and annotate the parameter with that.',
  },
  conflictingServiceKey: {
    code: "ELG013",
    category: "error",
    message:
      'Service key "{0}" names two different types: the one declared in {1} and the one declared in {2}. Keys are the type names as written; rename one type or inject it through a type alias with a distinct name (e.g. `type BillingClient = {0}`).',
  },
  payloadNotJsonSafe: {
    code: "ELG014",
    category: "error",
    message:
      'The payload type of job "{0}" is not JSON-safe: {1}: {2}. Payloads are stored and sent as JSON; use plain objects, arrays, strings, numbers, booleans and null.',
  },
  payloadDate: {
    code: "ELG015",
    category: "warning",
    // Until 0.1.0 this warned about every Date ("arrives as a string"); payload codecs now store a
    // Date as its ISO string and hand execute a Date, except where a string may stand in its place.
    message:
      'The payload type of job "{0}" allows a Date or a string at {1} ({2}): a Date is stored as its ISO string, so the two cannot be told apart and execute receives a string there. Give the Date its own property (e.g. `{ at: Date } | { label: string }`) if execute needs a Date.',
  },
  invalidCron: {
    code: "ELG016",
    category: "error",
    // {1} is the runtime parser's own message: it names the expression, the bad field and a fix.
    message: "{1}",
  },
  cronNeverFires: {
    code: "ELG017",
    category: "error",
    // {1} is the runtime's reason, e.g. 'cron expression "0 0 30 2 *" never fires: February has no day 30; ...'.
    message: "{1}",
  },
  invalidTimeZone: {
    code: "ELG018",
    category: "error",
    message: 'Unknown time zone "{0}". Use an IANA time zone id such as "UTC" or "Europe/Vienna".',
  },
  invalidDuration: {
    code: "ELG019",
    category: "error",
    message: "Invalid {0}: {1}.",
  },
  conflictingScheduleOptions: {
    code: "ELG020",
    category: "error",
    message: "Conflicting schedule options: {0}.",
  },
  negativeNumber: {
    code: "ELG021",
    category: "error",
    message: "{0} is {1}, which is negative; use 0 or more.",
  },
  invalidResiliencePolicy: {
    code: "ELG022",
    category: "error",
    message: "Invalid resilience policy: {0}",
  },
  duplicatePolicyName: {
    code: "ELG023",
    category: "error",
    message:
      'Duplicate resilience policy name "{0}": it is also declared in {1}. Policy names must be unique; rename one of them.',
  },
  nonConstantOption: {
    code: "ELG024",
    category: "error",
    message:
      "Option {0} must be a literal or a const initialised with one, so the generator can read it at build time; {1}.",
  },
  invalidOptionValue: {
    code: "ELG025",
    category: "error",
    message: "Invalid value for option {0}: {1}. Expected {2}.",
  },
  unknownOption: {
    code: "ELG026",
    category: "error",
    message: 'Unknown option "{0}" of @ScheduledJob. Known options: {1}.',
  },
  invalidMethodJob: {
    code: "ELG027",
    category: "error",
    message:
      "Method job {0} has the wrong shape: {1}. A decorated method takes `(context?: ScheduledJobContext)` and returns Promise<void> or void.",
  },
  unknownPolicyName: {
    code: "ELG028",
    category: "warning",
    message:
      'Job "{0}" refers to resilience policy "{1}", which this program does not declare (known: {2}). Declare it as a top-level `export const x = resiliencePolicy("{1}", {...})` or fix the name; ignore this only if another registry passed to createScheduler declares it.',
  },
  unsupportedDecoratorTarget: {
    code: "ELG029",
    category: "error",
    message: "@ScheduledJob can decorate a class or a method only; {0}.",
  },
  staleArtifact: {
    code: "ELG030",
    category: "error",
    message:
      "{0} is stale: it differs from what the generator produces now. Run elarion-gen (or build with the transformer) and commit the result.",
  },
  unreadablePayloadType: {
    code: "ELG031",
    category: "error",
    message:
      'The payload type of job "{0}" cannot be checked at {1}: {2}. Use plain object, array, tuple, literal or primitive types.',
  },
  duplicateJobClass: {
    code: "ELG032",
    category: "error",
    message:
      'Job class {0} is decorated as job "{1}" and as job "{2}", but schedule({0}, ...) must name exactly one job. Keep one @ScheduledJob on the class, or move the recurring one to a method.',
  },
  nativeDecoratorEmit: {
    code: "ELG033",
    category: "error",
    message:
      'The build would emit decorators as written: {0}. No Node.js version runs decorator syntax (the program stops with "SyntaxError: Invalid or unexpected token" at @ScheduledJob). {1}.',
  },
  malformedPlaceholder: {
    code: "ELG034",
    category: "error",
    // {1} is the runtime's own message (parsePlaceholder): it quotes the value and says how to write it.
    message: "Option {0}: {1}",
  },
  placeholderNotSupported: {
    code: "ELG035",
    category: "error",
    message:
      "Option {0} does not take a configuration placeholder ({1}); placeholders work in {2} only. Write {0} as a literal.",
  },
} as const satisfies Record<string, DiagnosticDefinition>;

/** One row of {@link DIAGNOSTICS}. */
export interface DiagnosticDefinition {
  readonly code: `ELG${number}`;
  readonly category: "error" | "warning";
  readonly message: string;
}

/** The key of a diagnostic in {@link DIAGNOSTICS}. */
export type DiagnosticKind = keyof typeof DIAGNOSTICS;

/**
 * Fills the `{n}` placeholders of a diagnostic message.
 *
 * @example
 * ```ts
 * formatMessage("invalidTimeZone", ["Mars/Olympus"]); // 'Unknown time zone "Mars/Olympus". Use ...'
 * ```
 */
export function formatMessage(kind: DiagnosticKind, args: readonly string[]): string {
  return DIAGNOSTICS[kind].message.replace(
    /\{(\d+)\}/g,
    (_, index: string) => args[Number(index)] ?? "",
  );
}
