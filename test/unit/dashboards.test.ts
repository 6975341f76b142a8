import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_METRICS, CATALOG, DASHBOARDS, metricNamed } from "#telemetry";
import { allDashboards } from "../../dashboards/grafana.ts";

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

const panelMetrics = (json: { panels: { switchyardMetric?: string | string[] }[] }) =>
  json.panels.flatMap((p) => [p.switchyardMetric ?? []].flat());

describe("dashboards generated from the catalog", () => {
  it("put every catalog metric on a panel, and every panel's metric is in the catalog", () => {
    const onPanels = DASHBOARDS.flatMap((d) => d.panels.map((p) => p.metric));
    for (const m of ALL_METRICS) expect(onPanels, m.name).toContain(m);
    for (const { file, json } of allDashboards()) {
      for (const name of panelMetrics(json)) expect(metricNamed(name), `${file}: ${name}`).toBeDefined();
      const shown = new Set(panelMetrics(json));
      const spec = DASHBOARDS.find((d) => file.startsWith(`${d.id}.`));
      for (const p of spec?.panels ?? [])
        expect(shown.has(p.metric.name), `${file}: ${p.metric.name}`).toBe(true);
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
      expect(JSON.parse(readFileSync(join(ROOT, "dashboards", file), "utf8")), file).toEqual(json);
    }
  });

  it("show the remaining error budget on the overview, for both data sources", () => {
    for (const source of ["cloudwatch", "prometheus"]) {
      const json = allDashboards().find((d) => d.file === `overview.${source}.json`)?.json;
      expect(
        json?.panels.some((p) => (p as { title?: string }).title?.startsWith("Error budget remaining")),
      ).toBe(true);
    }
  });
});
