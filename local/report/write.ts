import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunResult, WorkflowDefinition } from "#engine";
import type { Capture } from "#telemetry";
import { type Break, storeOf } from "#trading";
import type { ReconciliationStateValue } from "#workflows";
import type { Engine } from "./attempts.ts";
import { renderReport } from "./html.ts";
import type { AuditStatus } from "./sections.ts";
import { storeSpans, writeTrace } from "./spans.ts";

/**
 * Writes a local run's HTML report to `<root>/reports/<thread>.html` and its spans to
 * `<root>/traces/<thread>.json` (for `switchyard inspect <thread> --trace`); returns both paths.
 *
 * @example
 * const { report } = await writeRunReport(".switchyard", { workflow, result, capture, mode: "in-process", engine: "in-process", durationMs });
 */
export async function writeRunReport(
  root: string,
  run: {
    workflow: WorkflowDefinition;
    result: RunResult;
    capture: Capture;
    mode: string;
    engine: Engine;
    durationMs: number;
    audit?: AuditStatus;
  },
): Promise<{ report: string; trace: string }> {
  const spans = storeSpans(run.capture.spans());
  const threadId = run.result.threadId;
  const drawn = run.workflow.graph.compile().getGraph();
  const summary = run.workflow.summarize?.(run.result.state as never);
  const breaks = run.workflow.name === "reconciliation" ? await readBreaks(run.result.state) : undefined;
  const html = renderReport({
    workflow: run.workflow.name,
    threadId,
    status: run.result.status,
    mode: run.mode,
    engine: run.engine,
    durationMs: run.durationMs,
    supersteps: run.result.supersteps,
    graph: {
      nodes: Object.keys(drawn.nodes),
      edges: drawn.edges.map((e) => ({
        source: e.source,
        target: e.target,
        conditional: e.conditional ?? false,
      })),
    },
    spans: spans.filter(
      (s) => s.attributes["switchyard.thread.id"] === threadId || !s.attributes["switchyard.thread.id"],
    ),
    outcome: {
      workflow: run.workflow.name,
      state: run.result.state,
      ...(summary ? { summary } : {}),
      ...(breaks ? { breaks } : {}),
    },
    ...(run.result.error ? { error: run.result.error } : {}),
    logs: run.capture.logs.filter((l) => l.level === "WARN" || l.level === "ERROR"),
    ...(run.audit ? { audit: run.audit } : {}),
    generatedAt: new Date(),
  });
  const dir = join(root, "reports");
  await mkdir(dir, { recursive: true });
  const report = join(dir, `${threadId}.html`);
  await writeFile(report, html);
  const trace = await writeTrace(join(root, "traces"), threadId, spans);
  return { report, trace };
}

/**
 * The `breaks.json` a finished reconciliation wrote; undefined when it wrote none or it cannot
 * be read here (the report then lists the largest breaks the final state keeps).
 */
async function readBreaks(state: unknown): Promise<Break[] | undefined> {
  const uri = (state as ReconciliationStateValue | undefined)?.report?.outputs.breaks;
  if (!uri) return undefined;
  try {
    return JSON.parse(await storeOf(uri).readText(uri)) as Break[];
  } catch {
    return undefined;
  }
}
