import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM } from "./chromium.ts";

// `npm run test:report`: the report checked in Debian's chromium (.ci/run installs the package
// first). Without the browser this tier cannot prove anything, so it fails and says how to get it.
if (!existsSync(CHROMIUM)) {
  console.error(`test:report needs ${CHROMIUM}: apt-get install -y chromium`);
  process.exitCode = 1;
} else {
  const run = spawnSync("vitest", ["run", "--config", "test/browser/vitest.config.ts"], { stdio: "inherit" });
  process.exitCode = run.status ?? 1;
}
