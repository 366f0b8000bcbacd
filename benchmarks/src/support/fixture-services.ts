import { LatenessRecorder } from "../../fixture/src/lateness-recorder.js";
import { Ledger } from "../../fixture/src/ledger.js";
import { Tally } from "../../fixture/src/tally.js";
import type { JobServices } from "../../fixture/src/jobs.generated.js";

/** Fresh service instances for the fixture registry, so every measurement starts from zero. */
export function fixtureServices(): JobServices {
  return { Tally: new Tally(), Ledger: new Ledger(), LatenessRecorder: new LatenessRecorder() };
}
