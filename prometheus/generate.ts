/**
 * Regenerates the Prometheus rule files in this folder from the catalog and the thresholds:
 *   npx tsx prometheus/generate.ts
 * `switchyard.rules.yml` (recording and alert rules) and `switchyard.rules.test.yml` (their
 * `promtool test rules` cases). The prometheus-rules unit test fails when a committed file
 * differs from what this writes; `npm run test:prometheus` checks and tests them with promtool.
 */
import { writeFileSync } from "node:fs";
import { ruleFiles } from "./files.ts";

for (const { file, text } of ruleFiles()) {
  writeFileSync(new URL(file, import.meta.url), text);
  console.log(`wrote prometheus/${file}`);
}
