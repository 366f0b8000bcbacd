import { describe, expect, it } from "vitest";
import {
  parsePlaceholder,
  resolvePlaceholder,
  type Placeholder,
} from "../../src/policy/placeholder.js";
import {
  resolveConfiguredSchedule,
  type ConfiguredSchedule,
} from "../../src/policy/placeholder-options.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const variables = (values: Record<string, string>) => ({ get: (key: string) => values[key] });
const placeholder = (text: string): Placeholder => {
  const parsed = parsePlaceholder(text);
  if (parsed.kind !== "placeholder") throw new Error(`expected ${text} to be a placeholder`);
  return parsed.placeholder;
};
const malformed = (text: string): string => {
  const parsed = parsePlaceholder(text);
  if (parsed.kind !== "malformed")
    throw new Error(`expected ${text} to be malformed, got ${parsed.kind}`);
  return parsed.error;
};

describe("reading a placeholder", () => {
  it("a placeholder is the whole value: ${KEY} or ${KEY:-default}", () => {
    expect(placeholder("${REPORT_CRON}")).toEqual({
      text: "${REPORT_CRON}",
      key: "REPORT_CRON",
      defaultValue: null,
    });
    expect(placeholder("${REPORT_CRON:-0 3 * * *}")).toEqual({
      text: "${REPORT_CRON:-0 3 * * *}",
      key: "REPORT_CRON",
      defaultValue: "0 3 * * *",
    });
    expect(placeholder("${FLAG:-}").defaultValue).toBe("");
  });

  it("a key may name configuration sections joined by colons", () => {
    expect(placeholder("${Jobs:Report:Cron:-@daily}")).toMatchObject({
      key: "Jobs:Report:Cron",
      defaultValue: "@daily",
    });
    expect(placeholder("${jobs.report-cron}").key).toBe("jobs.report-cron");
  });

  it("a value without ${ is a literal", () => {
    expect(parsePlaceholder("0 3 * * *")).toEqual({ kind: "literal" });
    expect(parsePlaceholder("$HOME")).toEqual({ kind: "literal" });
  });

  it("text around a placeholder, an unclosed one or a bad name is malformed, and the message shows how to write it", () => {
    expect(malformed("0 ${MINUTE} * * *")).toMatch(
      /"0 \$\{MINUTE\} \* \* \*": a placeholder must be the whole value.*write "\$\{REPORT_CRON\}" or "\$\{REPORT_CRON:-0 3 \* \* \*\}"/,
    );
    expect(malformed("${A}${B}")).toMatch(/must be the whole value/);
    expect(malformed("${REPORT_CRON")).toMatch(/is not closed with "\}"/);
    expect(malformed("${}")).toMatch(/variable name must start with a letter or "_"/);
    expect(malformed("${1ST}")).toMatch(/variable name must start with a letter/);
    expect(malformed("${A B}")).toMatch(/variable name/);
  });
});

describe("resolving a placeholder", () => {
  it("the variable's value wins over the default", () => {
    expect(
      resolvePlaceholder(placeholder("${CRON:-0 3 * * *}"), variables({ CRON: "0 4 * * *" })),
    ).toEqual({ ok: true, value: "0 4 * * *", fromDefault: false });
  });

  it("the default is used when the variable is unset or empty, as in a POSIX shell", () => {
    expect(resolvePlaceholder(placeholder("${CRON:-0 3 * * *}"), variables({}))).toEqual({
      ok: true,
      value: "0 3 * * *",
      fromDefault: true,
    });
    expect(resolvePlaceholder(placeholder("${CRON:-0 3 * * *}"), variables({ CRON: "" }))).toEqual({
      ok: true,
      value: "0 3 * * *",
      fromDefault: true,
    });
  });

  it("without a default an empty variable is its value and an unset one is an error naming the key", () => {
    expect(resolvePlaceholder(placeholder("${CRON}"), variables({ CRON: "" }))).toEqual({
      ok: true,
      value: "",
      fromDefault: false,
    });
    const unset = resolvePlaceholder(placeholder("${CRON}"), variables({}));
    expect(unset).toEqual({
      ok: false,
      error: expect.stringMatching(
        /variable CRON is not set and "\$\{CRON\}" has no default; set CRON, or write "\$\{CRON:-<default>\}"/,
      ),
    });
  });
});

describe("a job's schedule with its placeholders resolved", () => {
  const cronBase: ConfiguredSchedule = {
    schedule: { kind: "cron", expression: "0 3 * * *", timeZone: "UTC" },
    enabled: true,
  };

  it("cron and time zone come from their variables", () => {
    const resolved = resolveConfiguredSchedule(
      cronBase,
      { cron: "${CRON:-0 3 * * *}", timeZone: "${TZ:-UTC}" },
      variables({ CRON: "*/5 * * * *", TZ: "Europe/Vienna" }),
      NOW,
    );
    expect(resolved).toEqual({
      ok: true,
      options: {
        schedule: { kind: "cron", expression: "*/5 * * * *", timeZone: "Europe/Vienna" },
        enabled: true,
      },
    });
  });

  it("a cron placeholder without a default needs no printed schedule", () => {
    const resolved = resolveConfiguredSchedule(
      { schedule: null, enabled: true },
      { cron: "${CRON}" },
      variables({ CRON: "0 1 * * *" }),
      NOW,
    );
    expect(resolved).toEqual({
      ok: true,
      options: {
        schedule: { kind: "cron", expression: "0 1 * * *", timeZone: "UTC" },
        enabled: true,
      },
    });
  });

  it("a placeholder without a default keeps the literal options written beside it (scheduleOptions)", () => {
    // The generator prints no schedule for `{ cron: "${CRON}", timeZone: "Europe/Vienna" }`, and
    // `once` for `{ fixedRate: "${RATE}", initialDelay: "5s", runOnStart: false }`.
    const cron = resolveConfiguredSchedule(
      { schedule: null, enabled: true },
      { cron: "${CRON}" },
      variables({ CRON: "0 1 * * *" }),
      NOW,
      {
        cron: "${CRON}",
        timeZone: "Europe/Vienna",
      },
    );
    expect(cron).toEqual({
      ok: true,
      options: {
        schedule: { kind: "cron", expression: "0 1 * * *", timeZone: "Europe/Vienna" },
        enabled: true,
      },
    });
    const rate = resolveConfiguredSchedule(
      { schedule: { kind: "once", delayMs: 5_000 }, enabled: true },
      { fixedRate: "${RATE}" },
      variables({ RATE: "1m" }),
      NOW,
      {
        fixedRate: "${RATE}",
        initialDelay: "5s",
        runOnStart: false,
      },
    );
    expect(rate).toEqual({
      ok: true,
      options: {
        schedule: {
          kind: "fixed-rate",
          intervalMs: 60_000,
          initialDelayMs: 5_000,
          runOnStart: false,
        },
        enabled: true,
      },
    });
  });

  it('cron "-" means no schedule', () => {
    expect(
      resolveConfiguredSchedule(cronBase, { cron: "${CRON}" }, variables({ CRON: " - " }), NOW),
    ).toEqual({ ok: true, options: { schedule: null, enabled: true } });
  });

  it("enabled reads true or false in any case", () => {
    expect(
      resolveConfiguredSchedule(cronBase, { enabled: "${ON}" }, variables({ ON: "FALSE" }), NOW),
    ).toMatchObject({ ok: true, options: { enabled: false } });
    expect(
      resolveConfiguredSchedule(cronBase, { enabled: "${ON:-true}" }, variables({}), NOW),
    ).toMatchObject({ ok: true, options: { enabled: true } });
  });

  it("durations read like the generator's, and a variable of digits only is milliseconds", () => {
    const base: ConfiguredSchedule = {
      schedule: { kind: "fixed-rate", intervalMs: 60_000, initialDelayMs: null, runOnStart: false },
      enabled: true,
    };
    const resolved = resolveConfiguredSchedule(
      base,
      { fixedRate: "${RATE:-1m}", initialDelay: "${DELAY}" },
      variables({ RATE: "1.5s", DELAY: "250" }),
      NOW,
    );
    expect(resolved).toEqual({
      ok: true,
      options: {
        schedule: { kind: "fixed-rate", intervalMs: 1_500, initialDelayMs: 250, runOnStart: false },
        enabled: true,
      },
    });
    const delay = resolveConfiguredSchedule(
      { schedule: null, enabled: true },
      { fixedDelay: "${DELAY}" },
      variables({ DELAY: "00:01:00" }),
      NOW,
    );
    expect(delay).toMatchObject({
      ok: true,
      options: {
        schedule: { kind: "fixed-delay", delayMs: 60_000, initialDelayMs: null, runOnStart: true },
      },
    });
    const once = resolveConfiguredSchedule(
      { schedule: null, enabled: true },
      { initialDelay: "${WARM_UP}" },
      variables({ WARM_UP: "10s" }),
      NOW,
    );
    expect(once).toMatchObject({
      ok: true,
      options: { schedule: { kind: "once", delayMs: 10_000 } },
    });
  });

  it("an invalid value is a problem naming the option, the key, the value and the parser's reason", () => {
    const badCron = resolveConfiguredSchedule(
      cronBase,
      { cron: "${CRON}" },
      variables({ CRON: "0 3 * *" }),
      NOW,
    );
    expect(badCron).toEqual({
      ok: false,
      problems: [
        {
          option: "cron",
          key: "CRON",
          value: "0 3 * *",
          message: expect.stringMatching(
            /^Invalid cron expression "0 3 \* \*": it has 4 field\(s\)/,
          ),
        },
      ],
    });
    const never = resolveConfiguredSchedule(
      cronBase,
      { cron: "${CRON}" },
      variables({ CRON: "0 0 30 2 *" }),
      NOW,
    );
    expect(never).toMatchObject({
      ok: false,
      problems: [
        {
          option: "cron",
          key: "CRON",
          message: expect.stringMatching(/never fires: February has no day 30/),
        },
      ],
    });
    const zone = resolveConfiguredSchedule(
      cronBase,
      { timeZone: "${TZ}" },
      variables({ TZ: "Europe/Viena" }),
      NOW,
    );
    expect(zone).toMatchObject({
      ok: false,
      problems: [
        {
          option: "timeZone",
          key: "TZ",
          value: "Europe/Viena",
          message: expect.stringMatching(/Unknown time zone "Europe\/Viena"/),
        },
      ],
    });
    const rate = resolveConfiguredSchedule(
      { schedule: null, enabled: true },
      { fixedRate: "${RATE}" },
      variables({ RATE: "5 minutes" }),
      NOW,
    );
    expect(rate).toMatchObject({
      ok: false,
      problems: [
        {
          option: "fixedRate",
          key: "RATE",
          message: expect.stringMatching(/^Invalid fixedRate: "5 minutes" is not a duration/),
        },
      ],
    });
    const zero = resolveConfiguredSchedule(
      { schedule: null, enabled: true },
      { fixedRate: "${RATE}" },
      variables({ RATE: "0" }),
      NOW,
    );
    expect(zero).toMatchObject({
      ok: false,
      problems: [
        {
          option: "fixedRate",
          message: expect.stringMatching(/an interval of 0 would run without pause/),
        },
      ],
    });
    const flag = resolveConfiguredSchedule(
      cronBase,
      { enabled: "${ON}" },
      variables({ ON: "yes" }),
      NOW,
    );
    expect(flag).toMatchObject({
      ok: false,
      problems: [
        {
          option: "enabled",
          key: "ON",
          value: "yes",
          message: 'Invalid value for option enabled: "yes". Expected true or false.',
        },
      ],
    });
  });

  it("an unset variable without a default and a malformed placeholder are problems too", () => {
    expect(
      resolveConfiguredSchedule(cronBase, { cron: "${CRON}" }, variables({}), NOW),
    ).toMatchObject({
      ok: false,
      problems: [
        {
          option: "cron",
          key: "CRON",
          value: null,
          message: expect.stringMatching(/variable CRON is not set/),
        },
      ],
    });
    expect(
      resolveConfiguredSchedule(cronBase, { cron: "${CRON" }, variables({}), NOW),
    ).toMatchObject({
      ok: false,
      problems: [{ option: "cron", key: null, message: expect.stringMatching(/not closed/) }],
    });
    expect(
      resolveConfiguredSchedule(cronBase, { overlap: "${OVERLAP}" } as never, variables({}), NOW),
    ).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringMatching(/option overlap cannot be a placeholder/) }],
    });
  });
});
