#!/usr/bin/env -S npx tsx
/**
 * `npm run observe [-- --trades n]`: the local API on the embedded AWS (in memory), a real
 * Prometheus scraping its `/metrics` with the generated rules (config in `.switchyard/prometheus/`),
 * the end of day run through the API, then both URLs; Ctrl-C stops everything. Needs Debian's
 * `prometheus` package (`apt-get install -y prometheus`); exit 2 without it.
 */
import { parseArgs } from "node:util";
import { startApiServer } from "../local/api-server.ts";
import { startLocalAws } from "../local/local-aws.ts";
import { endOfDayThroughApi, prometheusMissing, startPrometheus } from "../local/observe.ts";

const DIR = ".switchyard/prometheus";
const { values } = parseArgs({ options: { trades: { type: "string" } } });
const trades = values.trades === undefined ? undefined : Number(values.trades);
if (trades !== undefined && !(Number.isInteger(trades) && trades > 0)) {
  console.error(`observe: --trades must be a positive integer, got "${values.trades}"`);
  process.exit(2);
}
const missing = prometheusMissing();
if (missing) {
  console.error(`observe: ${missing}`);
  process.exit(2);
}

const aws = await startLocalAws();
const api = await startApiServer({ aws, log: (line) => console.error(`  api: ${line}`) });
const prom = await startPrometheus({ dir: DIR, target: `${api.url}/metrics` });
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await prom.stop();
  await api.stop();
  await aws.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

console.error(`Prometheus ${prom.url} scraping ${api.url}/metrics (config ${prom.configFile})`);
console.error("End of day through the API:");
await endOfDayThroughApi(api.url, {
  dir: DIR,
  ...(trades ? { trades } : {}),
  log: (l) => console.error(`  ${l}`),
});
console.log(`\nPrometheus: ${prom.url}/graph   alerts: ${prom.url}/alerts   rules: ${prom.url}/rules`);
console.log(`API:        ${api.url}   metrics: ${api.url}/metrics`);
console.log("Grafana: import dashboards/*.prometheus.json with a Prometheus data source at the URL above.");
console.log("Ctrl-C stops Prometheus, the API and the embedded AWS.");
