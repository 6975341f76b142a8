import { attemptsOf, type Engine, nodeCosts } from "./attempts.ts";
import { esc, formatMs, formatUsd } from "./format.ts";
import { type GraphShape, graphSvg } from "./graph-svg.ts";
import { businessResult, type ResultInput } from "./result.ts";
import {
  type AuditStatus,
  auditSection,
  errorList,
  evidenceList,
  nodeTable,
  resultSection,
} from "./sections.ts";
import type { StoredSpan } from "./spans.ts";
import { REPORT_CSS as CSS } from "./style.ts";
import { timelineSvg } from "./timeline-svg.ts";

/** Everything one run's report shows; built from the run result and its captured telemetry. */
export interface ReportData {
  readonly workflow: string;
  readonly threadId: string;
  readonly status: "succeeded" | "waiting" | "failed";
  readonly mode: string;
  /** Where the node tasks ran: on Step Functions each task's AWS requests are part of its cost. */
  readonly engine: Engine;
  readonly durationMs: number;
  readonly supersteps: number;
  /** The compiled graph's nodes and edges (`graph.compile().getGraph()`). */
  readonly graph: GraphShape;
  readonly spans: readonly StoredSpan[];
  /** What {@link businessResult} builds the run's result from, besides the node attempts. */
  readonly outcome: Omit<ResultInput, "attempts">;
  readonly error?: { readonly code: string; readonly message: string };
  /** Warnings and errors logged during the run (already redacted). */
  readonly logs: readonly Record<string, unknown>[];
  /** The run's decision audit as verified when the report was written (docs/controls.md); absent when not audited. */
  readonly audit?: AuditStatus;
  readonly generatedAt: Date;
}

/**
 * One self-contained HTML page for a run — no script, no network. On top, the business result
 * (each row linking to the tool calls it rests on) and the figures that matter; then the graph
 * drawn as SVG (nodes coloured by outcome, retries and failures marked, fan-out counts on
 * edges), a timeline of node attempts per superstep, the per-node table whose cost column adds
 * up to the run's total, the evidence (every attempt and its tool calls) and the errors.
 *
 * @example
 * await writeFile(".switchyard/reports/th-1.html", renderReport(data));
 */
export function renderReport(data: ReportData): string {
  const attempts = attemptsOf(data.spans, data.engine);
  const runSpan = data.spans.find((s) => s.name.startsWith("invoke_workflow"));
  const runCost = runSpan?.attributes["switchyard.cost.usd"];
  const costs = nodeCosts(attempts, runCost === undefined ? undefined : Number(runCost));
  const total = costs.reduce((t, r) => t + r.costUsd, 0);
  const sum = (f: (r: (typeof costs)[number]) => number) => costs.reduce((t, r) => t + f(r), 0);
  const figures: [string, string][] = [
    ["Duration", formatMs(data.durationMs)],
    ["Supersteps", String(data.supersteps)],
    ["Node attempts", String(attempts.length)],
    ["Retries", String(attempts.filter((a) => a.retry).length)],
    ["Model calls", String(sum((r) => r.modelCalls))],
    ["Tool calls", String(sum((r) => r.toolCalls))],
    [
      "Tokens in / out",
      `${sum((r) => r.inputTokens).toLocaleString("en-US")} / ${sum((r) => r.outputTokens).toLocaleString("en-US")}`,
    ],
    ["Est. cost", formatUsd(total)],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.workflow)} · ${esc(data.status)} · Switchyard run report</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <div class="title"><h1>${esc(data.workflow)}</h1><span class="badge ${esc(data.status)}" data-status="${esc(data.status)}">${esc(data.status)}</span></div>
  <p class="meta">thread <code>${esc(data.threadId)}</code> · ${esc(data.mode)} · ${esc(data.generatedAt.toISOString())}</p>
  ${data.error ? `<p class="run-error"><strong>${esc(data.error.code)}</strong> ${esc(data.error.message)}</p>` : ""}
</header>
<section class="result" aria-labelledby="result-h">
  <h2 id="result-h">Result</h2>
  ${resultSection(businessResult({ ...data.outcome, attempts }))}
</section>
${data.audit ? `<section class="audit" aria-labelledby="audit-h">\n  <h2 id="audit-h">Decision audit</h2>\n  ${auditSection(data.threadId, data.audit)}\n</section>\n` : ""}<section class="figures" aria-label="Figures">
${figures.map(([k, v]) => `  <div class="figure"><span class="k">${esc(k)}</span><span class="v">${esc(v)}</span></div>`).join("\n")}
</section>
<div class="pair">
<section aria-labelledby="graph-h" class="graph-box">
  <h2 id="graph-h">Graph</h2>
  <p class="legend"><span class="sw ok"></span>ran <span class="sw recovered"></span>failed, then succeeded <span class="sw failed"></span>failed <span class="sw not-run"></span>not run · ×N: tasks fanned out in one superstep</p>
  ${graphSvg(data.graph, attempts, data.status === "succeeded")}
</section>
<section aria-labelledby="nodes-h" class="nodes-box">
  <h2 id="nodes-h">Nodes</h2>
  ${nodeTable(costs, total)}
  <p class="hint">Cost: model tokens at the price table's rates${data.engine === "step-functions" ? ", plus each task's Lambda request and state transitions; orchestration is the rest of the run's AWS requests" : ""}.</p>
</section>
</div>
<section aria-labelledby="timeline-h">
  <h2 id="timeline-h">Timeline</h2>
  <p class="hint">Each row is a superstep; each bar a node attempt. Red: the attempt threw; ↻ marks a retry.</p>
  ${timelineSvg(attempts)}
</section>
<section aria-labelledby="evidence-h">
  <h2 id="evidence-h">Evidence</h2>
  <p class="hint">Every node attempt and the tool calls it made, from the run's spans (<code>switchyard inspect ${esc(data.threadId)} --trace</code> prints the whole tree).</p>
  ${evidenceList(attempts)}
</section>
<section aria-labelledby="errors-h">
  <h2 id="errors-h">Errors</h2>
  ${errorList(attempts, data.logs)}
</section>
<footer>Switchyard · costs are estimates from the price table in <code>functions/telemetry/cost.ts</code></footer>
</body>
</html>
`;
}
