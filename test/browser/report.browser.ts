import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkflowDefinition } from "#engine";
import type { Break } from "#trading";
import { reconciliation, triage } from "#workflows";
import { runCommand } from "../../cli/run.ts";
import { launchChromium } from "./chromium.ts";

/**
 * The run report as a person sees it: rendered by headless Chromium, not parsed as text. The DOM
 * tests (test/integration/report.int.test.ts) prove what the page says; these prove it is drawn —
 * the graph has a visible shape per node that does not overlap another, every name fits its box,
 * the result table shows one row per break, in-page links scroll to their evidence, and the page
 * loads with no error and no request leaving the file.
 */
// What the page functions below use of the browser's globals (the project compiles without the DOM library).
declare const window: {
  readonly innerHeight: number;
  readonly location: { readonly hash: string };
  getComputedStyle(element: unknown): { readonly fill: string };
};
let aws: LocalAws;
let dir: string;
let browser: Browser;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "browser" });
  dir = await mkdtemp(join(tmpdir(), "switchyard-browser-"));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await aws?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs a workflow through the CLI's `run` command on Step Functions and returns its report's path. */
async function reportOf(workflow: WorkflowDefinition, inputFlags: Record<string, unknown>) {
  const before = new Set(await readdir(join(dir, "reports")).catch(() => [] as string[]));
  const code = await runCommand({
    workflow,
    inputFlags,
    json: true,
    inProcess: false,
    aws,
    reportDir: dir,
    progress: () => undefined,
    out: () => undefined,
  });
  expect(code).toBe(0);
  const written = (await readdir(join(dir, "reports"))).filter((f) => f.endsWith(".html") && !before.has(f));
  expect(written).toHaveLength(1);
  return join(dir, "reports", written[0] ?? "");
}

/** Opens the report; collects console errors and any request that is not the file itself. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page: ${e.message}`));
  page.on("request", (r) => {
    if (r.url() !== pathToFileURL(path).href) problems.push(`request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(path).href);
  return { page, problems };
}

type Box = { x: number; y: number; width: number; height: number };
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Every graph node drawn: a visible box, its name inside it, no two boxes overlapping. */
async function drawnNodes(page: Page) {
  const nodes = await page.locator("svg.graph g.node").all();
  const drawn: { name: string; outcome: string; box: Box; fill: string }[] = [];
  for (const node of nodes) {
    const box = await node.locator("rect").boundingBox();
    const label = await node.locator("text.name").boundingBox();
    expect(box, "node box").not.toBeNull();
    expect(label, "node label").not.toBeNull();
    if (!box || !label) continue;
    expect(box.width).toBeGreaterThan(20);
    expect(box.height).toBeGreaterThan(10);
    const name = (await node.getAttribute("data-node")) ?? "";
    expect(inside(label, box), `${name}'s name fits its box`).toBe(true);
    drawn.push({
      name,
      outcome: (await node.getAttribute("data-outcome")) ?? "",
      box,
      fill: await node.locator("rect").evaluate((r) => window.getComputedStyle(r).fill),
    });
  }
  for (const [i, a] of drawn.entries())
    for (const b of drawn.slice(i + 1))
      expect(overlap(a.box, b.box), `${a.name} overlaps ${b.name}`).toBe(false);
  return drawn;
}

describe("the run report in headless Chromium", () => {
  it("reconciliation: the graph drawn node by node, one visible row per break, links that reach their evidence", async () => {
    // Act: the documented example day, eight trades per match worker
    const out = join(dir, "recon-out");
    const path = await reportOf(reconciliation, {
      data: { uri: "docs/examples/data" },
      out,
      partitionSize: 8,
    });
    const { page, problems } = await open(path);
    const nodes = await drawnNodes(page);
    const shot = await page.screenshot({ fullPage: true, path: path.replace(/\.html$/, ".png") });

    // Assess: the graph — one shape per node, all succeeded, coloured alike, the fan-out badge visible
    expect(nodes.map((n) => n.name)).toEqual(["partition", "match", "summarize"]);
    expect(new Set(nodes.map((n) => n.outcome))).toEqual(new Set(["ok"]));
    expect(new Set(nodes.map((n) => n.fill)).size).toBe(1);
    await expect(page.locator("svg.graph .fan-out text").first().isVisible()).resolves.toBe(true);

    // Assess: the result above the graph, one rendered row per break of breaks.json, in order
    const breaks = JSON.parse(await readFile(join(out, "breaks.json"), "utf8")) as Break[];
    const rows = page.locator("table.result.breaks tbody tr");
    await expect(rows.count()).resolves.toBe(breaks.length);
    await expect(rows.locator("td:first-child").allTextContents()).resolves.toEqual(
      breaks.map((b) => b.breakId),
    );
    const resultTop = (await page.locator("section.result").boundingBox())?.y ?? Number.NaN;
    const graphTop = (await page.locator("svg.graph").boundingBox())?.y ?? Number.NaN;
    expect(resultTop).toBeLessThan(graphTop);

    // Assess: an evidence link scrolls its tool call into view and marks it as the target
    const link = page.locator("table.result.breaks a.ev").first();
    const target = (await link.getAttribute("href")) ?? "";
    await link.click();
    await expect(page.evaluate(() => window.location.hash)).resolves.toBe(target);
    await expect(page.locator(target).isVisible()).resolves.toBe(true);
    const inView = await page.locator(target).evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(inView).toBe(true);

    // Assess: a real picture, and nothing broke or left the file
    expect(shot.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(shot.length).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("triage: the untaken routes drawn apart from the taken ones, the decision table on top", async () => {
    // Act
    const path = await reportOf(triage, { data: { uri: "docs/examples/data" } });
    const { page, problems } = await open(path);
    const nodes = await drawnNodes(page);

    // Assess: every node of the graph has a shape; those that ran and those that did not look different
    const ran = nodes.filter((n) => n.outcome === "ok");
    const skipped = nodes.filter((n) => n.outcome === "not-run");
    expect(ran.length).toBeGreaterThan(2);
    expect(skipped.length).toBeGreaterThan(0);
    expect(ran.length + skipped.length).toBe(nodes.length);
    const ranFills = new Set(ran.map((n) => n.fill));
    for (const n of skipped) expect(ranFills.has(n.fill), `${n.name} drawn as not run`).toBe(false);
    const aspects = await page.locator("table.result.decision tbody tr td:first-child").allTextContents();
    expect(aspects).toEqual(expect.arrayContaining(["Classification", "Decision"]));
    expect(problems).toEqual([]);
    await page.close();
  });
});
