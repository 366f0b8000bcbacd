import { describe, expect, it } from "vitest";
import { parsePlaceholder, tryParseDurationText, tryParseEnabledText } from "../../src/policy/index.js";

describe("configuration placeholders", () => {
  it("reads a literal, a key, and a key with a default", () => {
    expect(parsePlaceholder("0 3 * * *")).toEqual({ kind: "literal" });
    expect(parsePlaceholder("${REPORT_CRON}")).toEqual({ kind: "placeholder", key: "REPORT_CRON", defaultValue: null });
    expect(parsePlaceholder("${reports.cron:-0 3 * * *}")).toEqual({ kind: "placeholder", key: "reports.cron", defaultValue: "0 3 * * *" });
    expect(parsePlaceholder("${CRON:--}")).toEqual({ kind: "placeholder", key: "CRON", defaultValue: "-" });
  });

  it.each([
    ["${}", "the key is empty"],
    ["${:-5m}", "the key is empty"],
    ["${RATE", "not closed"],
    ["0 ${HOUR} * * *", 'a placeholder must be the whole value, not part of it ("${HOUR}" inside "0 ${HOUR} * * *")'],
    ["${A}${B}", "must be the whole value"],
    ["${RATE:-}", 'the default after ":-" is empty; write "${RATE}" for no default'],
    ["${TZ:UTC}", '"TZ:UTC" is not a variable name'],
    ["${TZ-UTC}", '"TZ-UTC" is not a variable name'],
    ["${A:-${B}}", "cannot be nested"],
  ])("reports %s as malformed: %s", (value, reason) => {
    const parsed = parsePlaceholder(value);
    expect(parsed.kind).toBe("malformed");
    expect(parsed.kind === "malformed" ? parsed.reason : "").toContain(reason);
  });

  it("reads durations and enabled flags given as text", () => {
    expect(tryParseDurationText("60000")).toEqual({ ok: true, ms: 60_000 });
    expect(tryParseDurationText("1.5s")).toEqual({ ok: true, ms: 1_500 });
    expect(tryParseDurationText("soon")).toMatchObject({ ok: false, error: expect.stringContaining('"soon" is not a duration') });
    expect(tryParseEnabledText("False")).toEqual({ ok: true, value: false });
    expect(tryParseEnabledText("true")).toEqual({ ok: true, value: true });
    expect(tryParseEnabledText("yes")).toEqual({ ok: false, error: '"yes" is not true or false' });
  });
});
