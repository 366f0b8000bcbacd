import { readdirSync, readFileSync } from "node:fs";

/** Linux's clock ticks per second for /proc CPU times (`getconf CLK_TCK`; 100 on every common kernel). */
const TICKS_PER_SECOND = 100;

/** CPU counters read from /proc at one instant, to tell waiting from working over a measured phase. */
export interface CpuReading {
  /** CPU ms so far of each process named `postgres` (the server and its backends, whoever they serve), by pid. */
  readonly postgresMs: ReadonlyMap<number, number>;
  /** Busy and total CPU ms of the whole machine, summed over its cores. */
  readonly machineBusyMs: number;
  readonly machineTotalMs: number;
}

/** Reads the counters, or `null` where /proc is not Linux's. */
export function readCpu(): CpuReading | null {
  try {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/);
    const ticks = fields.map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return {
      postgresMs: postgresCpuMsByPid(),
      machineBusyMs: (total - idle) * (1000 / TICKS_PER_SECOND),
      machineTotalMs: total * (1000 / TICKS_PER_SECOND),
    };
  } catch {
    return null;
  }
}

/** What the machine and PostgreSQL spent between two readings, as text for RESULTS.md, e.g. "machine 96 % busy, PostgreSQL ≥ 0.90 cores". */
export function describeCpuBetween(
  before: CpuReading | null,
  after: CpuReading | null,
  wallMs: number,
): string {
  if (before === null || after === null || wallMs <= 0) return "CPU not read (no Linux /proc)";
  const busy =
    (after.machineBusyMs - before.machineBusyMs) / (after.machineTotalMs - before.machineTotalMs);
  // Per process, so a backend that ended meanwhile (another session's) cannot make the sum go
  // down; its share of the interval is lost, so this is a lower bound.
  let postgresMs = 0;
  for (const [pid, ms] of after.postgresMs) postgresMs += ms - (before.postgresMs.get(pid) ?? 0);
  const postgresCores = postgresMs / wallMs;
  return `machine ${Math.round(busy * 100)} % busy, PostgreSQL ≥ ${postgresCores.toFixed(2)} cores`;
}

function postgresCpuMsByPid(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // the process ended meanwhile
    }
    // "pid (comm) state ...": comm may hold spaces, so split after its closing parenthesis.
    const close = stat.lastIndexOf(")");
    if (stat.slice(stat.indexOf("(") + 1, close) !== "postgres") continue;
    const rest = stat.slice(close + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the state field.
    byPid.set(Number(entry), (Number(rest[11]) + Number(rest[12])) * (1000 / TICKS_PER_SECOND));
  }
  return byPid;
}
