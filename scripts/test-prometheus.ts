#!/usr/bin/env -S npx tsx
/**
 * `npm run test:prometheus`: the dashboards and rules proven against a real Prometheus
 * (Debian's `prometheus` package; `.ci/run` installs it). Exit 0 when all holds, 1 when
 * something does not (each named), 2 when Prometheus is not installed.
 *
 * 1. `promtool check rules` and `promtool test rules` on the generated `prometheus/` files;
 * 2. the local API on the embedded AWS, a Prometheus scraping its `/metrics` every second
 *    (`promtool check config` on the generated config), the end of day run through the API;
 * 3. every PromQL expression of every generated Prometheus dashboard panel (and every
 *    `label_values` variable) through Prometheus' HTTP API: each must parse and return series;
 * 4. every recording and alert rule evaluated by that Prometheus without error.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { allDashboards } from "../dashboards/grafana.ts";
import { startApiServer } from "../local/api-server.ts";
import { startLocalAws } from "../local/local-aws.ts";
import { endOfDayThroughApi, prometheusMissing, RULES_PATH, startPrometheus } from "../local/observe.ts";
import { RULE_TESTS_FILES } from "../prometheus/files.ts";

/**
 * Catalog metrics the local end of day does not produce, with why; each is named in the output.
 * The script fails if one of them does return series (then it belongs off this list).
 */
const NOT_EXERCISED: Readonly<Record<string, string>> = {
  NodeRetries: "no node attempt fails transiently in the end of day",
  DeadlineHolds: "no check fails near a settlement cut-off in the end of day",
  DeadLetters:
    "no request is dead-lettered in the end of day (the local dispatcher counts them: api.int test)",
  Redrives: "no redrive in the end of day, and the API's dead-letter port is not given the registry",
  RecoveryTime: "no failed run is resumed to success in the end of day",
  AlertsSent: "the local failed-run alert publisher is not given the registry (local/triggers.ts)",
  AlertsSuppressed: "the notifier (where duplicates are suppressed) does not run behind the local API",
};

const started = Date.now();
const missing = prometheusMissing();
if (missing) {
  console.error(`test:prometheus: ${missing}`);
  process.exit(2);
}

const failures: string[] = [];
const notExercised = new Set<string>();
const promtool = (...args: string[]) => {
  const r = spawnSync("promtool", args, {
    encoding: "utf8",
    cwd: join(import.meta.dirname, "..", "prometheus"),
  });
  const out = `${r.stdout}${r.stderr}`.trim();
  console.log(`$ promtool ${args.join(" ")}\n${out.replace(/\n{2,}/g, "\n")}`);
  if (r.status !== 0) failures.push(`promtool ${args.join(" ")} exited ${r.status}`);
};
promtool("check", "rules", RULES_PATH);
promtool("test", "rules", ...RULE_TESTS_FILES);

const aws = await startLocalAws();
const api = await startApiServer({ aws });
const DIR = ".switchyard/prometheus";
const prom = await startPrometheus({ dir: DIR, target: `${api.url}/metrics` });
try {
  promtool("check", "config", prom.configFile);
  console.log(`\nPrometheus ${prom.url} scraping ${api.url}/metrics; the end of day through the API:`);
  const outcomes = await endOfDayThroughApi(api.url, {
    dir: DIR,
    trades: 300,
    log: (l) => console.log(`  ${l}`),
  });
  await api.idle();

  const query = async (expr: string) => {
    const r = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await r.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  };
  // Until the last run's counters are scraped, then a few more scrapes so every rate has two samples.
  const last = `sum(switchyard_runs_started_total) >= ${Object.keys(outcomes).length}`;
  for (let i = 0; i < 60 && ((await query(last)).data?.result.length ?? 0) === 0; i++)
    await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 4_000));

  // Grafana's own macros, as Grafana would fill them for a 1-second scrape and the "All" workflow.
  const grafana = (expr: string) => expr.replaceAll("$__rate_interval", "1m").replaceAll("$workflow", ".*");
  let checked = 0;
  console.log("\nEvery Prometheus panel query:");
  for (const { file, source, json } of allDashboards()) {
    if (source !== "prometheus") continue;
    for (const panel of json.panels ?? []) {
      const targets = ("targets" in panel ? panel.targets : undefined) ?? [];
      for (const target of targets as { expr?: string; refId?: string }[]) {
        const expr = target.expr;
        if (!expr) continue;
        checked++;
        const r = await query(grafana(expr));
        const n = r.data?.result.length ?? 0;
        const known = NOT_EXERCISED[panel.title ?? ""];
        const ok = r.status === "success" && (known ? n === 0 : n > 0);
        const what = r.error ?? (known && n === 0 ? `not exercised: ${known}` : `${n} series`);
        console.log(
          `  ${ok ? (known ? "skip" : "ok  ") : "FAIL"} ${file} "${panel.title}" ${target.refId}: ${what}`,
        );
        if (!ok) {
          const why = r.error ?? (known ? "returns series: take it off NOT_EXERCISED" : "no series");
          failures.push(`${file} "${panel.title}" ${target.refId}: ${why} — ${expr}`);
        } else if (known) notExercised.add(panel.title ?? "");
      }
    }
    for (const v of json.templating?.list ?? []) {
      const m = typeof v.query === "string" ? /^label_values\((\w+), (\w+)\)$/.exec(v.query) : null;
      if (!m) continue;
      checked++;
      const r = (await (
        await fetch(`${prom.url}/api/v1/label/${m[2]}/values?match[]=${encodeURIComponent(m[1] as string)}`)
      ).json()) as { data?: string[] };
      const values = r.data ?? [];
      console.log(
        `  ${values.length > 0 ? "ok  " : "FAIL"} ${file} variable $${v.name}: ${values.join(", ")}`,
      );
      if (values.length === 0) failures.push(`${file} variable $${v.name}: no values — ${v.query}`);
    }
  }

  const rules = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as {
    data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
  };
  const all = rules.data.groups.flatMap((g) => g.rules);
  const bad = all.filter((r) => r.health !== "ok");
  console.log(`\nRules loaded by Prometheus: ${all.length}, evaluating with errors: ${bad.length}`);
  for (const r of bad) failures.push(`rule ${r.name}: ${r.health} ${r.lastError ?? ""}`);
  if (all.length === 0) failures.push("Prometheus loaded no rules");
  console.log(`Panel queries and variables checked: ${checked}`);
} finally {
  await prom.stop();
  await api.stop();
  await aws.stop();
}

console.log(
  `\n${failures.length === 0 ? "test:prometheus passed" : "test:prometheus FAILED"} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
for (const f of failures) console.log(`  ✗ ${f}`);
if (notExercised.size > 0)
  console.log(
    `Panels whose query parsed but whose metric the local end of day does not produce: ${[...notExercised].join(", ")}`,
  );
process.exitCode = failures.length === 0 ? 0 : 1;
