import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG, DEFAULT_THRESHOLDS, prometheusName } from "#telemetry";
import { BUCKETS_MS } from "../../functions/telemetry/prometheus.ts";
import { RULE_TESTS_FILES, RULES_FILE, ruleFiles } from "../../prometheus/files.ts";
import { ruleTests } from "../../prometheus/rule-tests.ts";
import { alertRules, burnWindows, errorRatio, ruleGroups } from "../../prometheus/rules.ts";
import { definitionOfPrometheusName } from "../fixtures/prometheus-names.ts";

const DIR = new URL("../../prometheus/", import.meta.url).pathname;
const rules = ruleGroups().flatMap((g) => g.rules);
const recorded = new Set(rules.flatMap((r) => ("record" in r ? [r.record] : [])));

describe("Prometheus rules generated from the catalog", () => {
  it("are committed as generated (run `npx tsx prometheus/generate.ts` after changing the catalog or thresholds)", () => {
    const committed = readdirSync(DIR).filter((f) => f.endsWith(".yml"));
    expect(committed.sort()).toEqual([RULES_FILE, ...RULE_TESTS_FILES].sort());
    for (const { file, text } of ruleFiles()) expect(readFileSync(join(DIR, file), "utf8"), file).toBe(text);
  });

  it("read only catalog metrics and rules recorded in the same file", () => {
    for (const r of rules) {
      const names = [...r.expr.matchAll(/[a-z_:]*switchyard_[\w:]+/g)].map((m) => m[0]);
      expect(names.length, r.expr).toBeGreaterThan(0);
      for (const n of names) {
        if (n.includes(":")) expect(recorded.has(n), `${n} in ${r.expr}`).toBe(true);
        else expect(definitionOfPrometheusName(n), `${n} in ${r.expr}`).toBeDefined();
      }
    }
  });

  it("alert on failure rate, p95 duration, model errors and dead letters at the CloudWatch thresholds", () => {
    const expr = (alert: string) => alertRules().find((r) => r.alert === alert)?.expr;
    expect(expr("SwitchyardRunFailureRate")).toMatch(new RegExp(`> ${DEFAULT_THRESHOLDS.runFailureRate}$`));
    expect(expr("SwitchyardRunDurationP95")).toMatch(new RegExp(`> ${DEFAULT_THRESHOLDS.p95RunDurationMs}$`));
    expect(expr("SwitchyardModelErrorRate")).toMatch(new RegExp(`> ${DEFAULT_THRESHOLDS.modelErrorRate}$`));
    expect(expr("SwitchyardDeadLetters")).toContain(prometheusName(CATALOG.deadLetters));
    // A p95 is interpolated within a bucket: past the last finite bound it cannot exceed that bound.
    expect(BUCKETS_MS).toContain(DEFAULT_THRESHOLDS.p95RunDurationMs);
  });

  it("alert on the SLO over two windows per burn rate, the paging pairs those of the CloudWatch alarms", () => {
    const budget = 1 - DEFAULT_THRESHOLDS.sloTarget;
    const { fast, slow } = DEFAULT_THRESHOLDS.burnRates;
    const windows = burnWindows();
    expect(windows.filter((w) => w.severity === "page").map((w) => [w.rate, w.long, w.short])).toEqual([
      [fast.rate, `${fast.longMinutes / 60}h`, `${fast.shortMinutes}m`],
      [slow.rate, `${slow.longMinutes / 60}h`, `${slow.shortMinutes}m`],
    ]);
    expect(windows.map((w) => w.rate)).toEqual([14.4, 6, 3, 1]);
    for (const w of windows) {
      const rule = alertRules().find((r) => r.alert === `SwitchyardErrorBudgetBurn${w.name}`);
      const threshold = Number((w.rate * budget).toPrecision(6));
      expect(rule?.expr).toBe(
        `${errorRatio(w.long)} > ${threshold}\nand\n${errorRatio(w.short)} > ${threshold}`,
      );
      expect(rule?.labels.severity).toBe(w.severity);
      expect(recorded.has(errorRatio(w.long)) && recorded.has(errorRatio(w.short))).toBe(true);
    }
  });

  it("have a promtool test per alert: firing for a breach, silent for a healthy series and after", () => {
    const tests = ruleTests(RULES_FILE).flatMap((f) => f.tests);
    for (const { alert } of alertRules()) {
      const checks = tests.flatMap((t) =>
        t.alert_rule_test.filter((a) => a.alertname === alert).map((a) => ({ t, a })),
      );
      expect(checks.length, alert).toBeGreaterThan(0);
      // Fires for exactly one label set; the others (healthy, recovered) have series and stay silent.
      const firing = checks.flatMap(({ a }) => a.exp_alerts);
      expect(firing.length, alert).toBeGreaterThan(0);
      for (const { t, a } of checks) {
        const fired = new Set(a.exp_alerts.map((e) => JSON.stringify(e.exp_labels)));
        const labelSets = t.input_series.length;
        expect(labelSets, alert).toBeGreaterThan(fired.size);
      }
      const silent =
        checks.some(({ a }) => a.exp_alerts.length === 0) ||
        checks.some(({ t }) => t.input_series.some((s) => s.series.includes('workflow="recovered"')));
      expect(silent, `${alert}: a check where it must stay quiet`).toBe(true);
    }
  });
});
