import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkflowDefinition } from "#engine";
import { inspectTraceCommand } from "../../local/cli/inspect-trace.ts";
import { runCommand } from "../../local/cli/run.ts";
import { agentWorkflow } from "../unit/telemetry-fixture.ts";

const CHROMIUM = "/usr/bin/chromium";

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
async function runAndReport(workflow: WorkflowDefinition, inProcess: boolean) {
  let printed = "";
  const code = await runCommand({
    workflow,
    json: true,
    inProcess,
    aws,
    reportDir: dir,
    progress: () => undefined,
    out: (text) => {
      printed += text;
    },
  });
  const facts = JSON.parse(printed) as { report: string; thread: string; status: string };
  return { code, ...facts };
}

/**
 * The report's structure, read the way a browser reads it: in headless Chromium when the
 * machine has Debian's `chromium` (rendered, measured), else with linkedom's DOM.
 */
async function readReport(path: string) {
  const html = await readFile(path, "utf8");
  if (existsSync(CHROMIUM)) {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${path}`);
      const box = await page.locator("svg.timeline").boundingBox();
      expect(errors).toEqual([]);
      expect(box?.width ?? 0).toBeGreaterThan(300);
    } finally {
      await browser.close();
    }
  }
  return parseHTML(html).document;
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
    expect(doc.querySelector("pre.mermaid-src")?.textContent).toMatch(/research[\s\S]*flaky/);
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

  it("says which run it has no trace for", async () => {
    await expect(inspectTraceCommand({ run: "no-such-thread", dir, out: () => undefined })).rejects.toThrow(
      /No telemetry was captured for run "no-such-thread"/,
    );
  });
});
