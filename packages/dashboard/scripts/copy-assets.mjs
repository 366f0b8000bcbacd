// Part of `build`: the dashboard's stylesheet and script are plain files in src/assets, served
// from dist/assets next to the compiled code (tsc copies only TypeScript).
import { cpSync, rmSync } from "node:fs";

const from = new URL("../src/assets/", import.meta.url);
const to = new URL("../dist/assets/", import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
