/**
 * A real Prometheus beside the local API: its config generated under `.switchyard/prometheus/`
 * (scraping the API's `GET /metrics` every second, loading `prometheus/switchyard.rules.yml`),
 * the `prometheus` binary (Debian's package, 2.42, with `promtool`) run on loopback, and the
 * end-of-day driven through the API as an operator would. `npm run observe` and
 * `npm run test:prometheus` (scripts/test-prometheus.ts) both use it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { generatedDayRef } from "#trading";

const ROOT = resolve(import.meta.dirname, "..");
/** The generated rule file Prometheus loads (`npx tsx prometheus/generate.ts`). */
export const RULES_PATH = join(ROOT, "prometheus", "switchyard.rules.yml");

/** Why Prometheus cannot run here, or undefined when `prometheus` and `promtool` are on PATH. */
export function prometheusMissing(): string | undefined {
  for (const bin of ["prometheus", "promtool"]) {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
    if (r.error || r.status !== 0) return `${bin} not found: apt-get install -y prometheus`;
  }
  return undefined;
}

/** The scrape config: one job, the API's `/metrics`, every second (runs here last seconds). */
export function prometheusConfig(target: string): string {
  const url = new URL(target);
  return stringify({
    global: { scrape_interval: "1s", evaluation_interval: "1s" },
    rule_files: [RULES_PATH],
    scrape_configs: [
      {
        job_name: "switchyard",
        metrics_path: url.pathname,
        static_configs: [{ targets: [url.host] }],
      },
    ],
  });
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface RunningPrometheus {
  readonly url: string;
  readonly configFile: string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus scraping `target` (a `/metrics` URL) with a fresh store under `dir`, and
 * resolves once it answers ready. Its log goes to `dir/prometheus.log`.
 *
 * @example
 * const prom = await startPrometheus({ dir: ".switchyard/prometheus", target: `${api.url}/metrics` });
 */
export async function startPrometheus(options: { dir: string; target: string }): Promise<RunningPrometheus> {
  const dir = resolve(options.dir);
  rmSync(join(dir, "data"), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, "prometheus.yml");
  writeFileSync(configFile, prometheusConfig(options.target));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(join(dir, "prometheus.log"), "w");
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", log, log] },
  );
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited ${child.exitCode}: see ${dir}/prometheus.log`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, configFile, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`prometheus not ready after 20 s: see ${dir}/prometheus.log`);
}

interface RunView {
  readonly status: string;
  readonly outputs?: Readonly<Record<string, string>>;
}

/** Starts a run through the API and polls `GET /runs/{id}` until it is no longer running. */
export async function runThroughApi(
  api: string,
  workflow: string,
  input: unknown,
): Promise<RunView & { runId: string }> {
  const res = await fetch(`${api}/workflows/${workflow}/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ input }),
  });
  if (res.status !== 202) throw new Error(`POST ${workflow} run: ${res.status} ${await res.text()}`);
  const { runId } = (await res.json()) as { runId: string };
  for (let i = 0; i < 1200; i++) {
    const view = await fetch(`${api}/runs/${runId}?workflow=${workflow}`).then(async (r) =>
      r.status === 200 ? ((await r.json()) as RunView) : undefined,
    );
    if (view && !["running", "queued", "pending"].includes(view.status)) return { runId, ...view };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${workflow} run ${runId} still running after 5 minutes`);
}

/**
 * A copy of a generated day whose trades file has a syntax error halfway through: the API's
 * checks (folder, names, manifest) pass, and the run fails at its first node (`Trading.BadFile`).
 */
export async function brokenDay(dir: string, trades?: number): Promise<string> {
  const day = await generatedDayRef(trades ? { trades } : {});
  const target = resolve(dir, "broken-day");
  rmSync(target, { recursive: true, force: true });
  cpSync(day.uri, target, { recursive: true });
  const file = join(target, "trades.jsonl");
  const lines = readFileSync(file, "utf8").split("\n");
  lines[Math.floor(lines.length / 2)] = '{"tradeId": ';
  writeFileSync(file, lines.join("\n"));
  return `${target}/`;
}

/**
 * The end of day through the API: reconciliation of a generated day, investigation of the
 * breaks it wrote, triage of its duplicate booking (it waits for approval), and a reconciliation of a day with a corrupt trades file (it
 * fails), so the run, node, model, tool and failure series all exist. Returns each run's status.
 */
export async function endOfDayThroughApi(
  api: string,
  options: { dir: string; trades?: number; log?: (line: string) => void },
): Promise<Record<string, string>> {
  const log = options.log ?? (() => undefined);
  const dataset = options.trades ? { trades: options.trades } : {};
  const outcomes: Record<string, string> = {};
  const run = async (label: string, workflow: string, input: unknown) => {
    const r = await runThroughApi(api, workflow, input);
    outcomes[label] = r.status;
    log(`${label} ${r.runId}: ${r.status}`);
    return r;
  };
  const recon = await run("reconciliation", "reconciliation", { dataset });
  const breaksUri = recon.outputs?.breaks;
  await run("investigation", "investigation", { dataset, ...(breaksUri ? { breaksUri } : {}) });
  // A duplicate booking needs four eyes: the triage run stops waiting for a person.
  const breaks = breaksUri
    ? (JSON.parse(readFileSync(breaksUri, "utf8")) as { breakId: string; category: string }[])
    : [];
  const duplicate = breaks.find((b) => b.category === "DUPLICATE_BOOKING");
  await run("triage", "triage", {
    dataset,
    ...(breaksUri && duplicate ? { breaksUri, breakId: duplicate.breakId } : {}),
  });
  await run("reconciliation of a corrupt day", "reconciliation", {
    data: { uri: await brokenDay(options.dir, options.trades) },
  });
  return outcomes;
}
