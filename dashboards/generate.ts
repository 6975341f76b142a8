/**
 * Regenerates the Grafana JSON in this folder from the catalog:
 *   npx tsx dashboards/generate.ts
 * The dashboards test fails when a committed file differs from what this writes.
 */
import { writeFileSync } from "node:fs";
import { allDashboards } from "./grafana.ts";

for (const { file, json } of allDashboards()) {
  writeFileSync(new URL(file, import.meta.url), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote dashboards/${file}`);
}
