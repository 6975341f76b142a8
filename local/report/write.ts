import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunResult, WorkflowDefinition } from "#engine";
import type { Capture } from "#telemetry";
import { renderReport } from "./html.ts";
import { storeSpans, writeTrace } from "./spans.ts";

/**
 * Writes a local run's HTML report to `<root>/reports/<thread>.html` and its spans to
 * `<root>/traces/<thread>.json` (for `switchyard inspect <thread> --trace`); returns both paths.
 *
 * @example
 * const { report } = await writeRunReport(".switchyard", { workflow, result, capture, mode: "in-process", durationMs });
 */
export async function writeRunReport(
  root: string,
  run: {
    workflow: WorkflowDefinition;
    result: RunResult;
    capture: Capture;
    mode: string;
    durationMs: number;
  },
): Promise<{ report: string; trace: string }> {
  const spans = storeSpans(run.capture.spans());
  const threadId = run.result.threadId;
  const html = renderReport({
    workflow: run.workflow.name,
    threadId,
    status: run.result.status,
    mode: run.mode,
    durationMs: run.durationMs,
    supersteps: run.result.supersteps,
    mermaid: run.workflow.graph.compile().getGraph().drawMermaid(),
    spans: spans.filter(
      (s) => s.attributes["switchyard.thread.id"] === threadId || !s.attributes["switchyard.thread.id"],
    ),
    ...(run.result.error ? { error: run.result.error } : {}),
    logs: run.capture.logs.filter((l) => l.level === "WARN" || l.level === "ERROR"),
    generatedAt: new Date(),
  });
  const dir = join(root, "reports");
  await mkdir(dir, { recursive: true });
  const report = join(dir, `${threadId}.html`);
  await writeFile(report, html);
  const trace = await writeTrace(join(root, "traces"), threadId, spans);
  return { report, trace };
}
