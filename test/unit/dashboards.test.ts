import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { Stack } from "aws-cdk-lib";
import type { Metric } from "aws-cdk-lib/aws-cloudwatch";
import { DefinitionBody, Pass, StateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { describe, expect, it } from "vitest";
import {
  ALL_METRICS,
  CATALOG,
  DASHBOARDS,
  type DataSource,
  metricNamed,
  panelsFor,
  STATES_METRICS,
} from "#telemetry";
import { allDashboards } from "../../dashboards/grafana.ts";
import { definitionOfPrometheusName } from "../fixtures/prometheus-names.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Every .ts file under a folder (tests excluded). */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** Catalog ids that code emits: `CATALOG.<id>` in a file that calls `emit(` — definitions and panels do not count. */
function emittedIds(): Set<string> {
  const ids = new Set<string>();
  for (const file of sources("functions")) {
    if (/telemetry\/(catalog|panels|thresholds)\.ts$/.test(file)) continue;
    const text = readFileSync(file, "utf8");
    if (!text.includes(".emit(")) continue;
    for (const m of text.matchAll(/CATALOG\.(\w+)/g)) ids.add(m[1] as string);
  }
  return ids;
}

/** The fields of a Prometheus or CloudWatch query that name what it reads. */
type Target = { expr?: string; namespace?: string; metricName?: string };
const targetsOf = (json: Dashboard) =>
  (json.panels ?? []).flatMap((p) => ("targets" in p ? (p.targets ?? []) : []) as Target[]);
/** The catalog metrics a dashboard's queries read: CloudWatch metric names, or the series PromQL names. */
const panelMetrics = (json: Dashboard) =>
  targetsOf(json).flatMap((t) =>
    t.expr !== undefined
      ? [...t.expr.matchAll(/switchyard_\w+/g)].map((m) => definitionOfPrometheusName(m[0])?.name ?? m[0])
      : t.namespace === "${namespace}" && t.metricName
        ? [t.metricName]
        : [],
  );
/** The `AWS/States` metrics a dashboard's CloudWatch queries read. */
const panelStatesMetrics = (json: Dashboard) =>
  targetsOf(json).flatMap((t) => (t.namespace === "AWS/States" && t.metricName ? [t.metricName] : []));

/**
 * What Step Functions publishes per state machine, as aws-cdk-lib knows it: every
 * `stateMachine.metricX()` of a throwaway state machine, by method name (not our own list).
 */
function cdkStatesMetrics(): Map<string, Metric> {
  const stack = new Stack();
  const sm = new StateMachine(stack, "Machine", {
    definitionBody: DefinitionBody.fromChainable(new Pass(stack, "P")),
  });
  const methods: string[] = [];
  for (let proto = Object.getPrototypeOf(sm); proto; proto = Object.getPrototypeOf(proto))
    methods.push(...Object.getOwnPropertyNames(proto));
  const metrics = new Map<string, Metric>();
  for (const name of methods.filter((n) => /^metric[A-Z]/.test(n))) {
    metrics.set(name, (sm as unknown as Record<string, () => Metric>)[name]?.call(sm) as Metric);
  }
  return metrics;
}
const REAL_STATES = new Set([...cdkStatesMetrics().values()].map((m) => m.metricName));
const catalogOn = (source: DataSource) =>
  DASHBOARDS.flatMap((d) => panelsFor(d, source)).flatMap((p) => (p.source === "catalog" ? [p.metric] : []));
const statesOn = (source: DataSource) =>
  DASHBOARDS.flatMap((d) => panelsFor(d, source)).flatMap((p) =>
    p.source === "AWS/States" ? p.metrics : [],
  );

describe("dashboards generated from the catalog", () => {
  it("put every catalog metric on a panel: engine metrics everywhere, local ones on Prometheus only", () => {
    const cloudwatch = catalogOn("cloudwatch");
    const prometheus = catalogOn("prometheus");
    for (const m of ALL_METRICS) {
      expect(prometheus, m.name).toContain(m);
      if (m.scope === "engine") expect(cloudwatch, m.name).toContain(m);
      else expect(cloudwatch, `${m.name} is local: on AWS it comes from AWS/States`).not.toContain(m);
    }
    expect(statesOn("prometheus")).toEqual([]);
  });

  it("read whole runs on CloudWatch from AWS/States metrics that Step Functions publishes", () => {
    const cdk = cdkStatesMetrics();
    expect(REAL_STATES.size).toBeGreaterThanOrEqual(6);
    // Each id is the aws-cdk-lib method the construct calls (`started` → metricStarted()).
    for (const [id, m] of Object.entries(STATES_METRICS)) {
      const metric = cdk.get(`metric${id.charAt(0).toUpperCase()}${id.slice(1)}`);
      expect(metric?.metricName, id).toBe(m.name);
      expect(metric?.namespace, id).toBe("AWS/States");
      expect(Object.keys(metric?.dimensions ?? {}), id).toEqual(["StateMachineArn"]);
    }
    const shown = statesOn("cloudwatch").map((m) => m.name);
    for (const name of shown) expect(REAL_STATES.has(name), name).toBe(true);
    for (const m of [
      STATES_METRICS.started,
      STATES_METRICS.failed,
      STATES_METRICS.succeeded,
      STATES_METRICS.time,
    ])
      expect(shown, m.name).toContain(m.name);
  });

  it("render exactly their spec's panels, naming catalog or real AWS/States metrics", () => {
    for (const { file, source, json } of allDashboards()) {
      for (const name of panelMetrics(json)) expect(metricNamed(name), `${file}: ${name}`).toBeDefined();
      for (const name of panelStatesMetrics(json))
        expect(REAL_STATES.has(name), `${file}: ${name}`).toBe(true);
      if (source === "prometheus") expect(panelStatesMetrics(json), file).toEqual([]);
      const shown = new Set(panelMetrics(json));
      const shownStates = new Set(panelStatesMetrics(json));
      const spec = DASHBOARDS.find((d) => file.startsWith(`${d.id}.`));
      if (!spec) throw new Error(`${file}: no spec`);
      for (const p of panelsFor(spec, source)) {
        if (p.source === "catalog") expect(shown.has(p.metric.name), `${file}: ${p.metric.name}`).toBe(true);
        else for (const m of p.metrics) expect(shownStates.has(m.name), `${file}: ${m.name}`).toBe(true);
      }
      if (source === "cloudwatch")
        for (const name of shown) expect(metricNamed(name)?.scope, `${file}: ${name}`).toBe("engine");
    }
  });

  it("show only metrics the code emits, and the code emits every catalog metric", () => {
    const emitted = emittedIds();
    const ids = Object.keys(CATALOG);
    expect(ids.filter((id) => !emitted.has(id))).toEqual([]);
    expect([...emitted].filter((id) => !ids.includes(id))).toEqual([]);
  });

  it("are committed as generated (run `npx tsx dashboards/generate.ts` after changing the catalog)", () => {
    const files = readdirSync(join(ROOT, "dashboards")).filter((f) => f.endsWith(".json"));
    const generated = allDashboards();
    expect(files.sort()).toEqual(generated.map((g) => g.file).sort());
    for (const { file, json } of generated) {
      // As serialised: the builders' queries carry a variant marker function JSON drops.
      expect(JSON.parse(readFileSync(join(ROOT, "dashboards", file), "utf8")), file).toEqual(
        JSON.parse(JSON.stringify(json)),
      );
    }
  });

  it("show the remaining error budget on the overview, for both data sources", () => {
    for (const source of ["cloudwatch", "prometheus"]) {
      const json = allDashboards().find((d) => d.file === `overview.${source}.json`)?.json;
      expect(
        json?.panels?.some((p) => (p as { title?: string }).title?.startsWith("Error budget remaining")),
      ).toBe(true);
    }
  });
});
