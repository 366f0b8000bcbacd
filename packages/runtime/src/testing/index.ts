// Test helpers: `@elarion/runtime/testing`.
export { ManualClock } from "./manual-clock.js";
