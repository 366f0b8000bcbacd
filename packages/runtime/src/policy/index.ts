// Pure, store-free policy functions shared with the generator (which validates with the same code).
export { tryParseDuration, parseDuration, type Duration, type DurationParseResult } from "./duration.js";
