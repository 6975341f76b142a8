import { SWITCHYARD } from "#telemetry";
import type { StoredSpan } from "./spans.ts";

/** Everything one run's report shows; built from the run result and its captured telemetry. */
export interface ReportData {
  readonly workflow: string;
  readonly threadId: string;
  readonly status: "succeeded" | "waiting" | "failed";
  readonly mode: string;
  readonly durationMs: number;
  readonly supersteps: number;
  /** `getGraph().drawMermaid()` of the workflow's graph. */
  readonly mermaid: string;
  readonly spans: readonly StoredSpan[];
  readonly error?: { readonly code: string; readonly message: string };
  /** Warnings and errors logged during the run (already redacted). */
  readonly logs: readonly Record<string, unknown>[];
  readonly generatedAt: Date;
}

interface Attempt {
  readonly node: string;
  /** LangGraph's task id: a second attempt of the same task is a retry; another task of the same node is not. */
  readonly taskId: string;
  readonly step: number;
  readonly start: number;
  readonly end: number;
  readonly error?: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly toolCalls: number;
  readonly modelCalls: number;
}

const ROW = 34;
const LABEL = 120;
const WIDTH = 960;

/**
 * One self-contained HTML page for a run — no script, no network: a headline with the status
 * and the figures that matter (duration, supersteps, retries, tokens, estimated cost), an SVG
 * timeline of node attempts per superstep (failed attempts red, retries marked), a per-node
 * table, the errors, and the graph's Mermaid source.
 *
 * @example
 * await writeFile(".switchyard/reports/th-1.html", renderReport(data));
 */
export function renderReport(data: ReportData): string {
  const attempts = attemptsOf(data.spans);
  const retries = countRetries(attempts);
  const totals = attempts.reduce(
    (t, a) => ({
      input: t.input + a.inputTokens,
      output: t.output + a.outputTokens,
      cost: t.cost + a.costUsd,
      tools: t.tools + a.toolCalls,
      models: t.models + a.modelCalls,
    }),
    { input: 0, output: 0, cost: 0, tools: 0, models: 0 },
  );
  const runSpan = data.spans.find((s) => s.name.startsWith("invoke_workflow"));
  const runCost = Number(runSpan?.attributes["switchyard.cost.usd"] ?? totals.cost);
  const figures: [string, string][] = [
    ["Duration", formatMs(data.durationMs)],
    ["Supersteps", String(data.supersteps)],
    ["Node attempts", String(attempts.length)],
    ["Retries", String(retries)],
    ["Model calls", String(totals.models)],
    ["Tool calls", String(totals.tools)],
    ["Tokens in / out", `${totals.input.toLocaleString("en-US")} / ${totals.output.toLocaleString("en-US")}`],
    ["Est. cost", `$${runCost.toFixed(6)}`],
  ];
  const errors = attempts.filter((a) => a.error);
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
<section class="figures" aria-label="Figures">
${figures.map(([k, v]) => `  <div class="figure"><span class="k">${esc(k)}</span><span class="v">${esc(v)}</span></div>`).join("\n")}
</section>
<section aria-labelledby="timeline-h">
  <h2 id="timeline-h">Timeline</h2>
  <p class="hint">Each row is a superstep; each bar a node attempt. Red: the attempt threw; ↻ marks a retry.</p>
  ${timelineSvg(attempts)}
</section>
<section aria-labelledby="nodes-h">
  <h2 id="nodes-h">Nodes</h2>
  ${nodeTable(attempts)}
</section>
<section aria-labelledby="errors-h">
  <h2 id="errors-h">Errors</h2>
  ${errors.length === 0 && data.logs.length === 0 ? `<p class="none">No errors.</p>` : errorList(errors, data.logs)}
</section>
<section aria-labelledby="graph-h">
  <h2 id="graph-h">Graph</h2>
  <p class="hint">Mermaid source of the compiled graph (render with any Mermaid viewer).</p>
  <pre class="mermaid-src">${esc(data.mermaid)}</pre>
</section>
<footer>Switchyard · token costs are estimates from the price table in <code>functions/telemetry/cost.ts</code></footer>
</body>
</html>
`;
}

function attemptsOf(spans: readonly StoredSpan[]): Attempt[] {
  const byParent = new Map<string, StoredSpan[]>();
  for (const s of spans)
    if (s.parentSpanId) byParent.set(s.parentSpanId, [...(byParent.get(s.parentSpanId) ?? []), s]);
  const descendants = (id: string): StoredSpan[] =>
    (byParent.get(id) ?? []).flatMap((c) => [c, ...descendants(c.spanId)]);
  return spans
    .filter((s) => s.attributes["gen_ai.operation.name"] === "invoke_agent")
    .map((s) => {
      const under = descendants(s.spanId);
      const chats = under.filter((c) => c.attributes["gen_ai.operation.name"] === "chat");
      const num = (c: StoredSpan, k: string) => Number(c.attributes[k] ?? 0);
      return {
        node: String(s.attributes["switchyard.node"] ?? s.name.replace("invoke_agent ", "")),
        taskId: String(s.attributes[SWITCHYARD.taskId] ?? s.spanId),
        step: Number(s.attributes["switchyard.step"] ?? 0),
        start: s.start,
        end: s.end,
        ...(s.error ? { error: s.error } : {}),
        inputTokens: chats.reduce((t, c) => t + num(c, "gen_ai.usage.input_tokens"), 0),
        outputTokens: chats.reduce((t, c) => t + num(c, "gen_ai.usage.output_tokens"), 0),
        costUsd: chats.reduce((t, c) => t + num(c, "switchyard.cost.usd"), 0),
        toolCalls: under.filter((c) => c.attributes["gen_ai.operation.name"] === "execute_tool").length,
        modelCalls: chats.length,
      };
    });
}

function countRetries(attempts: readonly Attempt[]): number {
  const seen = new Set<string>();
  let retries = 0;
  for (const a of attempts) {
    const key = `${a.step}:${a.taskId}`;
    if (seen.has(key)) retries++;
    seen.add(key);
  }
  return retries;
}

function timelineSvg(attempts: readonly Attempt[]): string {
  if (attempts.length === 0) return `<p class="none">No node ran in this run.</p>`;
  const t0 = Math.min(...attempts.map((a) => a.start));
  const t1 = Math.max(...attempts.map((a) => a.end));
  const span = Math.max(1, t1 - t0);
  const steps = [...new Set(attempts.map((a) => a.step))].sort((a, b) => a - b);
  const height = steps.length * ROW + 30;
  const x = (t: number) => LABEL + ((t - t0) / span) * (WIDTH - LABEL - 10);
  const seen = new Set<string>();
  const bars = attempts.map((a) => {
    const row = steps.indexOf(a.step);
    const key = `${a.step}:${a.taskId}`;
    const retry = seen.has(key);
    seen.add(key);
    const bx = x(a.start);
    const bw = Math.max(3, x(a.end) - bx);
    const y = row * ROW + 6;
    const title = `${a.node} (step ${a.step}) ${formatMs(a.end - a.start)}${a.error ? ` — ${a.error}` : ""}${a.inputTokens ? ` — tokens ${a.inputTokens}→${a.outputTokens}` : ""}`;
    return `<g class="bar${a.error ? " failed" : ""}${retry ? " retry" : ""}" data-node="${esc(a.node)}" data-step="${a.step}"><title>${esc(title)}</title><rect x="${bx.toFixed(1)}" y="${y}" width="${bw.toFixed(1)}" height="${ROW - 12}" rx="4"></rect><text x="${(bx + 4).toFixed(1)}" y="${y + 15}">${retry ? "↻ " : ""}${esc(a.node)}</text></g>`;
  });
  const labels = steps.map((s, i) => `<text class="step" x="8" y="${i * ROW + 21}">step ${s}</text>`);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const gx = LABEL + f * (WIDTH - LABEL - 10);
    // The last tick's label ends at its line, so it stays inside the picture.
    const anchor = f === 1 ? ' text-anchor="end"' : "";
    return `<line x1="${gx.toFixed(1)}" y1="0" x2="${gx.toFixed(1)}" y2="${height - 22}"></line><text class="tick" x="${gx.toFixed(1)}" y="${height - 6}"${anchor}>${esc(formatMs(f * span))}</text>`;
  });
  return `<svg class="timeline" role="img" aria-label="Node attempts per superstep over time" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg"><g class="grid">${grid.join("")}</g>${labels.join("")}${bars.join("")}</svg>`;
}

function nodeTable(attempts: readonly Attempt[]): string {
  const byNode = new Map<string, Attempt[]>();
  for (const a of attempts) byNode.set(a.node, [...(byNode.get(a.node) ?? []), a]);
  const rows = [...byNode].map(([node, list]) => {
    const sum = (f: (a: Attempt) => number) => list.reduce((t, a) => t + f(a), 0);
    const failed = list.filter((a) => a.error).length;
    return `<tr${failed ? ' class="has-errors"' : ""}><td>${esc(node)}</td><td>${list.length}</td><td>${failed}</td><td>${esc(formatMs(sum((a) => a.end - a.start)))}</td><td>${sum((a) => a.modelCalls)}</td><td>${sum((a) => a.toolCalls)}</td><td>${sum((a) => a.inputTokens).toLocaleString("en-US")} / ${sum((a) => a.outputTokens).toLocaleString("en-US")}</td><td>$${sum((a) => a.costUsd).toFixed(6)}</td></tr>`;
  });
  return `<table class="nodes"><thead><tr><th>Node</th><th>Attempts</th><th>Failed</th><th>Time</th><th>Model calls</th><th>Tool calls</th><th>Tokens in / out</th><th>Est. cost</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function errorList(errors: readonly Attempt[], logs: readonly Record<string, unknown>[]): string {
  const items = [
    ...errors.map(
      (a) => `<li><strong>${esc(a.node)}</strong> (step ${a.step}): <code>${esc(a.error ?? "")}</code></li>`,
    ),
    ...logs.map(
      (l) =>
        `<li class="log ${esc(String(l.level ?? "").toLowerCase())}"><span class="lvl">${esc(String(l.level ?? ""))}</span> ${esc(String(l.message ?? ""))}${l.node ? ` · <code>${esc(String(l.node))}</code>` : ""}${errorText(l.error)}</li>`,
    ),
  ];
  return `<ul class="errors">${items.join("")}</ul>`;
}

function errorText(error: unknown): string {
  if (!error || typeof error !== "object") return "";
  const e = error as { type?: unknown; code?: unknown; message?: unknown };
  return ` — <code>${esc(String(e.type ?? e.code ?? ""))}</code> ${esc(String(e.message ?? ""))}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function esc(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e3e7ee;--ok:#1f8f5f;--wait:#b7791f;--bad:#c53030;--bar:#3b6fd8;--bg:#f7f8fb}
*{box-sizing:border-box}body{margin:0;padding:28px 36px;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{margin-bottom:18px}.title{display:flex;align-items:center;gap:12px}h1{margin:0;font-size:26px}h2{font-size:17px;margin:26px 0 8px}
.badge{padding:3px 10px;border-radius:999px;color:#fff;font-weight:600;text-transform:uppercase;font-size:12px;letter-spacing:.04em}
.badge.succeeded{background:var(--ok)}.badge.waiting{background:var(--wait)}.badge.failed{background:var(--bad)}
.meta,.hint{color:var(--muted);margin:6px 0}.run-error{background:#fdecec;border-left:4px solid var(--bad);padding:8px 12px;border-radius:4px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.figure{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;display:flex;flex-direction:column}
.figure .k{color:var(--muted);font-size:12px}.figure .v{font-size:19px;font-weight:600;font-variant-numeric:tabular-nums}
svg.timeline{background:#fff;border:1px solid var(--line);border-radius:8px}
.timeline .grid line{stroke:var(--line)}.timeline text{font-size:11px;fill:#fff}.timeline .step,.timeline .tick{fill:var(--muted)}
.timeline .bar rect{fill:var(--bar)}.timeline .bar.failed rect{fill:var(--bad)}.timeline .bar.retry rect{stroke:#111;stroke-dasharray:3 2}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);font-variant-numeric:tabular-nums}th{color:var(--muted);font-weight:600;font-size:12px}
tr.has-errors td:first-child{border-left:3px solid var(--bad)}
ul.errors{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 28px}ul.errors li{margin:4px 0}
.lvl{font-size:11px;font-weight:700;color:var(--wait)}.log.error .lvl{color:var(--bad)}.none{color:var(--muted)}
pre.mermaid-src{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px;overflow:auto;font-size:12px}
footer{margin-top:30px;color:var(--muted);font-size:12px}
`;
