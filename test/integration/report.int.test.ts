import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkflowDefinition } from "#engine";
import type { Break } from "#trading";
import { reconciliation, triage } from "#workflows";
import { inspectTraceCommand } from "../../cli/inspect-trace.ts";
import { runCommand } from "../../cli/run.ts";
import { agentWorkflow } from "../unit/telemetry-fixture.ts";

let aws: LocalAws;
let dir: string;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "report" });
  dir = await mkdtemp(join(tmpdir(), "switchyard-report-"));
});
afterAll(async () => {
  await aws?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI's `run` command and returns the report path it printed. */
async function runAndReport(
  workflow: WorkflowDefinition,
  inProcess: boolean,
  inputFlags: Record<string, unknown> = {},
) {
  let printed = "";
  const code = await runCommand({
    workflow,
    inputFlags,
    json: true,
    inProcess,
    aws,
    reportDir: dir,
    progress: () => undefined,
    out: (text) => {
      printed += text;
    },
  });
  // The run view (docs/schemas/run-view.schema.json): the report's path is under `execution`.
  const view = JSON.parse(printed) as { threadId: string; status: string; execution: { report: string } };
  return { code, status: view.status, thread: view.threadId, report: view.execution.report };
}

type Doc = ReturnType<typeof parseHTML>["document"];
const html = (doc: Doc) => doc.toString();
const cells = (doc: Doc, selector: string) =>
  [...doc.querySelectorAll(selector)].map((c) => c.textContent ?? "");
const dollars = (text: string) => Number(text.replace("$", ""));

/** Every in-page link of the report's result and timeline lands on an element of the page. */
function expectLinksResolve(doc: Doc) {
  const targets = [...doc.querySelectorAll('a[href^="#"]')].map(
    (a) => a.getAttribute("href")?.slice(1) ?? "",
  );
  expect(targets.length).toBeGreaterThan(0);
  for (const id of targets) expect(doc.getElementById(id), `#${id}`).not.toBeNull();
}

/** The report as a DOM (linkedom): the structure a browser would render. */
async function readReport(path: string) {
  return parseHTML(await readFile(path, "utf8")).document;
}

describe("the local run report", () => {
  it("shows an agent run: status, figures, a bar per node attempt with the retry, tokens and the graph", async () => {
    // Act
    const run = await runAndReport(agentWorkflow({ name: "agent-report" }), true);
    const doc = await readReport(run.report);

    // Assess
    expect(run.report).toBe(join(dir, "reports", `${run.thread}.html`));
    expect(doc.querySelector(".badge")?.getAttribute("data-status")).toBe("succeeded");
    const figures = Object.fromEntries(
      [...doc.querySelectorAll(".figure")].map((f) => [
        f.querySelector(".k")?.textContent,
        f.querySelector(".v")?.textContent,
      ]),
    );
    expect(figures.Retries).toBe("1");
    expect(Number(figures["Model calls"])).toBeGreaterThanOrEqual(2);
    expect(figures["Tokens in / out"]).toMatch(/^[1-9][\d,]* \/ [1-9][\d,]*$/);
    const bars = [...doc.querySelectorAll("svg.timeline g.bar")];
    expect(bars.map((b) => b.getAttribute("data-node"))).toEqual(["research", "flaky", "flaky", "report"]);
    expect(doc.querySelectorAll("svg.timeline g.bar.failed")).toHaveLength(1);
    expect(doc.querySelectorAll("svg.timeline g.bar.retry")).toHaveLength(1);
    expect(doc.querySelectorAll("table.nodes tbody tr")).toHaveLength(3);
    expect(doc.querySelector("ul.errors")?.textContent).toContain("Test.Flaky");
    const nodes = [...doc.querySelectorAll("svg.graph g.node")];
    expect(nodes.map((n) => n.getAttribute("data-node"))).toEqual(["research", "flaky", "report"]);
    expect(nodes.map((n) => n.getAttribute("data-outcome"))).toEqual(["ok", "recovered", "ok"]);
    expect(doc.querySelector('svg.graph g.node[data-node="flaky"] .facts')?.textContent).toBe(
      "1 run  ↻ 1  ✗ 1",
    );
    expect(doc.querySelector("pre")).toBeNull();
    expect(html(doc)).not.toMatch(/graph TD|flowchart|mermaid/i);
    expect(doc.querySelectorAll("script")).toHaveLength(0);
  });

  it("shows a Step Functions run, and `inspect --trace` prints its span tree", async () => {
    // Act
    const run = await runAndReport(agentWorkflow({ name: "agent-sfn-report" }), false);
    const doc = await readReport(run.report);
    let tree = "";
    await inspectTraceCommand({ run: run.thread, dir, out: (t) => (tree = t) });

    // Assess
    expect(run.status).toBe("succeeded");
    const nodes = new Set(
      [...doc.querySelectorAll("svg.timeline g.bar")].map((b) => b.getAttribute("data-node")),
    );
    expect(nodes).toEqual(new Set(["research", "flaky", "report"]));
    const lines = tree.split("\n");
    expect(lines[0]).toMatch(/^invoke_workflow agent-sfn-report {2}\d+ ms/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}invoke_agent research {2}\d+ ms/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {4}chat switchyard-offline-policy {2}\d+ ms {2}tokens \d+→\d+/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}execute_tool get_trade {2}\d+ ms/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}invoke_agent flaky {2}\d+ ms {2}✗ Test.Flaky/));
  });

  it("reconciliation: breaks by category with amounts, one row per break, the fan-out drawn, costs that add up", async () => {
    // Act: the documented example day on Step Functions, eight trades per worker
    const out = join(dir, "recon-out");
    const run = await runAndReport(reconciliation, false, {
      data: { uri: "docs/examples/data" },
      out,
      partitionSize: 8,
    });
    const doc = await readReport(run.report);

    // Assess: the result on top, one row per break of breaks.json, with the match workers as evidence
    expect(run.status).toBe("succeeded");
    const breaks = JSON.parse(await readFile(join(out, "breaks.json"), "utf8")) as Break[];
    expect(breaks).toHaveLength(16);
    expect(doc.querySelector("section")?.className).toBe("result");
    const rows = [...doc.querySelectorAll("table.result.breaks tbody tr")];
    expect(rows.map((r) => r.querySelector("td")?.textContent)).toEqual(breaks.map((b) => b.breakId));
    const categories = cells(doc, "table.result.categories tbody tr td:first-child");
    expect(new Set(categories)).toEqual(new Set(breaks.map((b) => b.category)));
    const price = breaks.filter((b) => b.category === "PRICE_MISMATCH");
    const priceRow = [...doc.querySelectorAll("table.result.categories tbody tr")].find(
      (r) => r.querySelector("td")?.textContent === "PRICE_MISMATCH",
    );
    expect(priceRow?.children[1]?.textContent).toBe(String(price.length));
    expect(priceRow?.children[2]?.textContent).toContain(price[0]?.currency);
    expect(rows[0]?.querySelectorAll("a.ev")[0]?.textContent).toMatch(/^match @\d+$/);
    expectLinksResolve(doc);

    // Assess: the graph, one shape per node, the fan-out counted on partition → match
    const workers = doc.querySelectorAll('svg.timeline g.bar[data-node="match"]').length;
    expect(workers).toBeGreaterThan(1);
    expect(cells(doc, "svg.graph g.node .name")).toEqual(["partition", "match", "summarize"]);
    expect(doc.querySelectorAll("svg.graph g.node rect")).toHaveLength(3);
    expect(
      doc.querySelector('svg.graph g.edge[data-source="partition"][data-target="match"] .fan-out')
        ?.textContent,
    ).toBe(`×${workers}`);

    // Assess: each node's cost is its tasks' AWS requests, and the column adds up to the run's total
    const costRows = [...doc.querySelectorAll("table.nodes tbody tr")];
    const byNode: Record<string, number> = Object.fromEntries(
      costRows.map((r) => [
        r.getAttribute("data-node") ?? "",
        dollars(r.querySelector("td.cost")?.textContent ?? ""),
      ]),
    );
    expect(byNode.match).toBeGreaterThan(byNode.partition ?? 0);
    expect(byNode["(orchestration)"]).toBeGreaterThan(0);
    const total = dollars(doc.querySelector("table.nodes td.total")?.textContent ?? "");
    const sum = Object.values(byNode).reduce((t, v) => t + v, 0);
    expect(Math.abs(sum - total)).toBeLessThan(costRows.length * 1e-6);
    expect(total).toBeGreaterThan(0);
  });

  it("triage: the decision on top, each step linked to the tool calls it rests on; untaken routes drawn as not run", async () => {
    // Act
    const run = await runAndReport(triage, true, { data: { uri: "docs/examples/data" } });
    const doc = await readReport(run.report);

    // Assess
    expect(run.status).toBe("succeeded");
    const aspects = cells(doc, "table.result.decision tbody tr td:first-child");
    expect(aspects).toEqual(
      expect.arrayContaining([
        "Break",
        "Settlement cut-off",
        "Classification",
        "Risk",
        "Compliance",
        "Decision",
        "Outcome",
      ]),
    );
    const cutoff = [...doc.querySelectorAll("table.result.decision tbody tr")].find(
      (r) => r.querySelector("td")?.textContent === "Settlement cut-off",
    );
    expect(cutoff?.querySelectorAll("td")[1]?.textContent).toMatch(
      /^.+: \d{4}-\d{2}-\d{2} \d{2}:\d{2} [A-Za-z_/]+/,
    );
    // The decision audit, verified as the report was written, with the command that checks it again.
    const audit = doc.querySelector("section.audit");
    expect(audit?.querySelector("p.ok")?.textContent).toMatch(
      /^Verified: (\d+) records on an unbroken hash chain, \1 under a valid seal/,
    );
    expect(audit?.textContent).toContain(`switchyard audit verify ${run.thread}`);
    const classification = [...doc.querySelectorAll("table.result.decision tbody tr")].find(
      (r) => r.querySelector("td")?.textContent === "Classification",
    );
    const links = [...(classification?.querySelectorAll("a.ev") ?? [])];
    expect(links.map((a) => a.textContent)).toContain("get_trade");
    for (const a of links) {
      const target = doc.getElementById(a.getAttribute("href")?.slice(1) ?? "");
      expect(target?.className).toContain("tool");
      expect(target?.closest("li.attempt")?.querySelector("strong")?.textContent).toBe("classify");
    }
    expectLinksResolve(doc);
    const graphNodes = cells(doc, "svg.graph g.node .name");
    expect(graphNodes).toHaveLength(8);
    expect(graphNodes.some((n) => n.startsWith("__"))).toBe(false);
    expect(doc.querySelector('svg.graph g.node[data-node="auto_fix"]')?.getAttribute("data-outcome")).toBe(
      "not-run",
    );
    expect(doc.querySelector('svg.graph g.node[data-node="classify"]')?.getAttribute("data-outcome")).toBe(
      "ok",
    );
  });

  it("says which run it has no trace for", async () => {
    await expect(inspectTraceCommand({ run: "no-such-thread", dir, out: () => undefined })).rejects.toThrow(
      /No telemetry was captured for run "no-such-thread"/,
    );
  });
});
