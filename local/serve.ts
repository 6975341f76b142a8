#!/usr/bin/env -S npx tsx
/**
 * `npm run serve [-- --memory]`: the REST API on http://127.0.0.1:$PORT (default 3000) over the
 * embedded AWS, with the dispatcher running what is requested (the same code path as the CLI's
 * redrive and resume) and `GET /metrics` for Prometheus. State, including the execution names
 * that refuse duplicates, persists in .switchyard/aws (as the CLI's) unless --memory.
 * Loopback only; see docs/api.md.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { checkModelSettings, readEnv } from "#config";
import { startApiServer } from "./api-server.ts";
import { startLocalAws } from "./local-aws.ts";

const { values } = parseArgs({
  options: {
    memory: { type: "boolean", default: false },
    "data-dir": { type: "string", default: ".switchyard/aws" },
  },
});
loadDotenv({ quiet: true });
const env = configured();
const dataDir = values.memory ? undefined : values["data-dir"];
const aws = await startLocalAws({
  stage: env.SWITCHYARD_STAGE,
  region: env.AWS_REGION,
  ...(dataDir ? { dataDir } : {}),
});
const api = await startApiServer({
  aws,
  port: env.PORT,
  // The CLI keeps the same file: a run id started by either is refused by the other.
  ...(dataDir ? { executionsFile: join(dataDir, "executions.json") } : {}),
  telemetryLogLevel: env.LOG_LEVEL === "INFO" ? "WARN" : env.LOG_LEVEL,
  stallTimeoutMs: env.SWITCHYARD_STALL_SECONDS * 1000,
  log: (line) => console.error(line),
});
console.error(`Switchyard API on ${api.url} (loopback only; local AWS data: ${dataDir ?? "in memory"})`);
console.error(
  `  curl -s -X POST ${api.url}/workflows/triage/runs -H 'content-type: application/json' -d '{}'`,
);
console.error(`  curl -s ${api.url}/dead-letters    curl -s ${api.url}/metrics`);

/**
 * The environment, refused before anything starts when it is invalid or the model provider lacks
 * a setting: the server would accept runs that fail at their first agent.
 */
function configured() {
  try {
    const read = readEnv();
    checkModelSettings(read);
    return read;
  } catch (err) {
    console.error(`switchyard serve: ${(err as Error).message}`);
    process.exit(2);
  }
}

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.error("stopping: waiting for running runs to end…");
  await api.stop();
  await aws.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
