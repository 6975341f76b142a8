import type { LocalAuditStatus } from "../audit.ts";
import { type Attempt, type NodeCost, ORCHESTRATION } from "./attempts.ts";
import { esc, formatMs, formatUsd } from "./format.ts";

/** A run's decision audit as verified when the report was written (`auditStatusOf`). */
export type AuditStatus = LocalAuditStatus;

import type { BusinessResult, EvidenceRef, ResultTable } from "./result.ts";

/** How many evidence links a row shows before folding the rest into "+N". */
const EVIDENCE_SHOWN = 3;

/** The business result: its headline, then each table, every row with links to its evidence. */
export function resultSection(result: BusinessResult): string {
  const tables = result.tables.map(resultTable).join("\n");
  return `<p class="headline">${esc(result.headline)}</p>\n${tables || `<p class="none">This run produced no business result.</p>`}`;
}

function resultTable(table: ResultTable): string {
  const rows = table.rows.map(
    (r) =>
      `<tr${r.attention ? ' class="attention"' : ""}>${r.cells.map((c) => `<td>${esc(c)}</td>`).join("")}<td class="evidence">${evidenceLinks(r.evidence)}</td></tr>`,
  );
  return `<h3>${esc(table.title)}</h3>${table.note ? `<p class="hint">${esc(table.note)}</p>` : ""}
<div class="scroll"><table class="result ${esc(table.id)}"><thead><tr>${table.columns.map((c) => `<th>${esc(c)}</th>`).join("")}<th>Evidence</th></tr></thead><tbody>${rows.join("") || `<tr><td class="none" colspan="${table.columns.length + 1}">None.</td></tr>`}</tbody></table></div>`;
}

function evidenceLinks(evidence: readonly EvidenceRef[]): string {
  const shown = evidence
    .slice(0, EVIDENCE_SHOWN)
    .map(
      (e) =>
        `<a class="ev${e.error ? " failed" : ""}" href="#span-${esc(e.spanId)}"${e.error ? ` title="${esc(e.error)}"` : ""}>${esc(e.label)}</a>`,
    );
  const more = evidence.length - EVIDENCE_SHOWN;
  return shown.join(" ") + (more > 0 ? ` <span class="more">+${more}</span>` : "");
}

/** The audit's verdict, the figures behind it and the command that checks it again. */
export function auditSection(threadId: string, audit: AuditStatus): string {
  const verdict = audit.ok
    ? `<p class="ok">Verified: ${audit.records} records on an unbroken hash chain, ${audit.sealed} under a valid seal${audit.keyId ? ` (${esc(audit.keyId)})` : ""}.</p>`
    : `<p class="attention">Not verified: ${esc(audit.problem ?? "unknown problem")}.</p>`;
  return `${verdict}\n<p class="hint">Check it again, or see every model and tool call in order: <code>switchyard audit verify ${esc(threadId)}</code>, <code>switchyard audit ${esc(threadId)}</code>.</p>`;
}

/** The per-node table; the cost column adds up to the run's total (shown in the footer row). */
export function nodeTable(rows: readonly NodeCost[], totalUsd: number): string {
  const body = rows.map((r) => {
    const orchestration = r.node === ORCHESTRATION;
    const cells = orchestration
      ? `<td title="the planning Lambdas and their state transitions">${esc(r.node)}</td><td colspan="6"></td>`
      : `<td>${esc(r.node)}</td><td>${r.attempts}</td><td>${r.failed}</td><td>${esc(formatMs(r.ms))}</td><td>${r.modelCalls}</td><td>${r.toolCalls}</td><td>${r.inputTokens.toLocaleString("en-US")} / ${r.outputTokens.toLocaleString("en-US")}</td>`;
    return `<tr${r.failed ? ' class="has-errors"' : ""} data-node="${esc(r.node)}">${cells}<td class="cost">${formatUsd(r.costUsd)}</td></tr>`;
  });
  return `<table class="nodes"><thead><tr><th>Node</th><th>Attempts</th><th>Failed</th><th>Time</th><th>Model calls</th><th>Tool calls</th><th>Tokens in / out</th><th>Est. cost</th></tr></thead><tbody>${body.join("")}</tbody><tfoot><tr><td colspan="7">Run total</td><td class="cost total">${formatUsd(totalUsd)}</td></tr></tfoot></table>`;
}

/** Every node attempt with the tool calls under it: what the result's evidence links point to. */
export function evidenceList(attempts: readonly Attempt[]): string {
  if (attempts.length === 0) return `<p class="none">No node ran in this run.</p>`;
  const items = attempts.map((a) => {
    const tools = a.tools.map(
      (t) =>
        `<li id="span-${esc(t.spanId)}" class="tool${t.error ? " failed" : ""}"><code>${esc(String(t.attributes["gen_ai.tool.name"] ?? t.name))}</code> ${esc(formatMs(t.end - t.start))}${t.error ? ` <span class="err">✗ ${esc(t.error)}</span>` : ""}</li>`,
    );
    return `<li id="span-${esc(a.spanId)}" class="attempt${a.error ? " failed" : ""}"><strong>${esc(a.node)}</strong> <span class="hint">step ${a.step}${a.retry ? " · retry" : ""} · ${esc(formatMs(a.end - a.start))}${a.modelCalls ? ` · ${a.modelCalls} model call${a.modelCalls === 1 ? "" : "s"}` : ""}</span>${a.error ? ` <span class="err">✗ ${esc(a.error)}</span>` : ""}${tools.length ? `<ul>${tools.join("")}</ul>` : ""}</li>`;
  });
  return `<ol class="evidence-list">${items.join("")}</ol>`;
}

/** The failed attempts and the warnings and errors logged during the run. */
export function errorList(attempts: readonly Attempt[], logs: readonly Record<string, unknown>[]): string {
  const errors = attempts.filter((a) => a.error);
  if (errors.length === 0 && logs.length === 0) return `<p class="none">No errors.</p>`;
  const items = [
    ...errors.map(
      (a) =>
        `<li><a href="#span-${esc(a.spanId)}"><strong>${esc(a.node)}</strong></a> (step ${a.step}): <code>${esc(a.error ?? "")}</code></li>`,
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
