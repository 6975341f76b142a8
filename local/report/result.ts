import type { RunSummary } from "#engine";
import type { Break } from "#trading";
import type { InvestigationStateValue, ReconciliationStateValue, TriageStateValue } from "#workflows";
import type { Attempt } from "./attempts.ts";
import { formatAmount } from "./format.ts";

/** A span the report can link to: a node attempt, or a tool call under one. */
export interface EvidenceRef {
  readonly spanId: string;
  readonly label: string;
  readonly error?: string;
}

export interface ResultRow {
  readonly cells: readonly string[];
  /** The tool calls (else the node attempts) the row rests on. */
  readonly evidence: readonly EvidenceRef[];
  /** A row a person must act on (an escalation, a failure): drawn apart. */
  readonly attention?: boolean;
}

export interface ResultTable {
  /** Also the table's class: `breaks`, `findings`, `decision`, ... */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly ResultRow[];
  /** Said under the title: where the full data is, what was left out. */
  readonly note?: string;
}

/** What the run decided or found, for the top of the report. */
export interface BusinessResult {
  readonly headline: string;
  readonly tables: readonly ResultTable[];
}

/** What a result is built from: the final state, the node attempts and, for reconciliation, the breaks file. */
export interface ResultInput {
  readonly workflow: string;
  readonly state: unknown;
  readonly attempts: readonly Attempt[];
  readonly summary?: RunSummary;
  /** `breaks.json` of a reconciliation run, when it could be read. */
  readonly breaks?: readonly Break[];
}

/**
 * The business result of a run, per workflow: reconciliation's breaks by category (with
 * amounts) and one row per break; investigation's root causes and findings (escalations marked);
 * triage's decision, approval and amendment. Each row links to the tool calls of the node that
 * produced it (the node's attempts when it called no tool). Another workflow gets its summary's
 * figures.
 */
export function businessResult(input: ResultInput): BusinessResult {
  switch (input.workflow) {
    case "reconciliation":
      return reconciliationResult(input, input.state as ReconciliationStateValue);
    case "investigation":
      return investigationResult(input, input.state as InvestigationStateValue);
    case "triage":
      return triageResult(input, input.state as TriageStateValue);
    default:
      return summaryResult(input);
  }
}

/** The tool calls of the attempts (each attempt itself when it called none). */
export function evidenceOf(attempts: readonly Attempt[]): EvidenceRef[] {
  return attempts.flatMap((a) =>
    a.tools.length > 0
      ? a.tools.map((t) => ({
          spanId: t.spanId,
          label: String(t.attributes["gen_ai.tool.name"] ?? t.name),
          ...(t.error ? { error: t.error } : {}),
        }))
      : [{ spanId: a.spanId, label: `${a.node} @${a.step}`, ...(a.error ? { error: a.error } : {}) }],
  );
}

const ofNodes = (attempts: readonly Attempt[], ...nodes: string[]) =>
  evidenceOf(attempts.filter((a) => nodes.includes(a.node)));

function reconciliationResult(input: ResultInput, state: ReconciliationStateValue): BusinessResult {
  const report = state?.report ?? null;
  const headline = input.summary?.headline ?? "Reconciliation";
  if (!report) return { headline, tables: [] };
  const matchEvidence = ofNodes(input.attempts, "match");
  // The full list from breaks.json; the report's largest breaks when the file could not be read.
  const breaks = input.breaks ?? report.worst;
  const categories = Object.entries(report.byCategory).filter(([, n]) => n > 0);
  const byCategory: ResultTable = {
    id: "categories",
    title: "Breaks by category",
    columns: ["Category", "Breaks", "Notional"],
    rows: categories.map(([category, n]) => {
      const notional = new Map<string, number>();
      for (const b of breaks.filter((x) => x.category === category))
        notional.set(b.currency, (notional.get(b.currency) ?? 0) + b.notional);
      return {
        cells: [
          category,
          String(n),
          [...notional].map(([ccy, amount]) => formatAmount(amount, ccy)).join(" · ") || "—",
        ],
        evidence: matchEvidence,
      };
    }),
  };
  const table: ResultTable = {
    id: "breaks",
    title: `Breaks (${breaks.length})`,
    note: input.breaks
      ? `From ${report.outputs.breaks} (also ${report.outputs.breaksCsv}).`
      : `The ${breaks.length} largest of ${report.breaksFound}; the full list is in ${report.outputs.breaks}.`,
    columns: ["Break", "Category", "Trades / confirmations", "Desk", "Notional", "Detail"],
    rows: breaks.map((b) => ({
      cells: [
        b.breakId,
        b.category,
        [...b.tradeIds, ...b.confirmationIds].join(", "),
        b.desk ?? "—",
        formatAmount(b.notional, b.currency),
        b.detail,
      ],
      evidence: matchEvidence,
    })),
  };
  return { headline, tables: [byCategory, table] };
}

function investigationResult(input: ResultInput, state: InvestigationStateValue): BusinessResult {
  const headline = input.summary?.headline ?? "Investigation";
  const findings = state?.findings ?? [];
  // Specialists of round r ran in the r-th superstep that ran any specialist.
  const specialistSteps = [
    ...new Set(
      input.attempts.filter((a) => ["pricing", "settlement", "booking"].includes(a.node)).map((a) => a.step),
    ),
  ].sort((a, b) => a - b);
  const evidenceFor = (specialist: string | null, round: number) => {
    if (!specialist) return ofNodes(input.attempts, "supervisor");
    const step = specialistSteps[round - 1];
    const mine = input.attempts.filter((a) => a.node === specialist);
    const inRound = mine.filter((a) => a.step === step);
    return evidenceOf(inRound.length > 0 ? inRound : mine);
  };
  const causes = new Map<string, { n: number; evidence: EvidenceRef[] }>();
  for (const f of findings) {
    if (f.status !== "resolved" || !f.rootCause) continue;
    const entry = causes.get(f.rootCause) ?? { n: 0, evidence: [] };
    entry.n++;
    for (const e of evidenceFor(f.specialist, f.round))
      if (!entry.evidence.some((x) => x.spanId === e.spanId)) entry.evidence.push(e);
    causes.set(f.rootCause, entry);
  }
  const rootCauses: ResultTable = {
    id: "root-causes",
    title: "Root causes",
    columns: ["Root cause", "Breaks resolved"],
    rows: [...causes].map(([cause, { n, evidence }]) => ({ cells: [cause, String(n)], evidence })),
  };
  // People's work first (escalations), the most urgent cut-off first among them.
  const deadlines = state?.deadlines ?? {};
  const dueAt = (breakId: string) => deadlines[breakId]?.at ?? "\uffff";
  const rows = [...findings]
    .sort(
      (a, b) =>
        Number(b.status === "escalated") - Number(a.status === "escalated") ||
        dueAt(a.breakId).localeCompare(dueAt(b.breakId)),
    )
    .map((f) => ({
      cells: [
        f.breakId,
        f.category,
        deadlines[f.breakId]?.local ?? "—",
        f.status,
        f.rootCause ?? "—",
        `${Math.round(f.confidence * 100)}%`,
        f.escalation ? `${f.escalation.code}: ${f.escalation.reason}` : "—",
        f.nextAction,
      ],
      evidence: evidenceFor(f.specialist, f.round),
      attention: f.status !== "resolved",
    }));
  const table: ResultTable = {
    id: "findings",
    title: `Findings (${findings.length}; ${rows.filter((r) => r.attention).length} escalated or inconclusive)`,
    columns: [
      "Break",
      "Category",
      "Cut-off",
      "Status",
      "Root cause",
      "Confidence",
      "Escalation",
      "Next action",
    ],
    rows,
  };
  return { headline, tables: [rootCauses, table] };
}

function triageResult(input: ResultInput, state: TriageStateValue): BusinessResult {
  const headline = input.summary?.headline ?? "Triage";
  const at = (...nodes: string[]) => ofNodes(input.attempts, ...nodes);
  const rows: ResultRow[] = [];
  const add = (aspect: string, value: string, evidence: EvidenceRef[], attention = false) =>
    rows.push({ cells: [aspect, value], evidence, attention });
  const s = state ?? ({} as TriageStateValue);
  if (s.exception)
    add(
      "Break",
      `${s.exception.breakId} · ${s.exception.category} · ${formatAmount(s.exception.notional, s.exception.currency)} — ${s.exception.detail}`,
      at("detect"),
    );
  if (s.deadline)
    add(
      "Settlement cut-off",
      `${s.deadline.cutoff}: ${s.deadline.local}${s.deadline.tradeId ? ` (trade ${s.deadline.tradeId}, settles ${s.deadline.settleDate})` : ""}`,
      at("detect"),
      s.decision?.hold !== undefined,
    );
  if (s.classification)
    add(
      "Classification",
      `${s.classification.exceptionClass}, severity ${s.classification.severity}, fault: ${s.classification.faultSide}${s.classification.fixable ? ", fixable" : ""}`,
      at("classify"),
    );
  if (s.risk)
    add(
      "Risk",
      `${s.risk.wouldBreach ? "would breach" : "within"} the desk limit (headroom ${formatAmount(s.risk.headroomUsd, "USD")})`,
      at("risk_check"),
      s.risk.wouldBreach,
    );
  if (s.compliance)
    add(
      "Compliance",
      `${s.compliance.status}${s.compliance.reasons.length ? ` — ${s.compliance.reasons.join("; ")}` : ""}`,
      at("compliance_check"),
      s.compliance.status === "blocked",
    );
  if (s.decision) add("Decision", `${s.decision.route} — ${s.decision.reason}`, at("compliance_check"));
  if (s.proposal)
    add(
      "Amendment proposed",
      `${s.proposal.action} on ${s.proposal.tradeId}: ${s.proposal.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(", ")}`,
      at("auto_fix", "human_approval"),
    );
  if (s.approval)
    add(
      "Approval",
      `${s.approval.decision} by ${s.approval.by}${s.approval.comment ? ` — ${s.approval.comment}` : ""}`,
      at("human_approval"),
      s.approval.decision === "reject",
    );
  else if (s.proposal && s.decision?.route === "human_approval") {
    // Four eyes: the approvals given so far, while the run waits for the rest.
    const given = (s.approvals ?? []).filter((v) => v.proposalId === s.proposal?.proposalId);
    add(
      "Approval",
      given.length > 0
        ? `approved by ${given.map((v) => v.by).join(", ")}; awaiting another person's decision`
        : "awaiting a person's decision",
      at("human_approval"),
      true,
    );
  }
  if ((s.effects ?? []).length > 0)
    add("Effects applied", s.effects.map((e) => e.tool).join(", "), at("auto_fix", "human_approval"));
  if (s.escalation)
    add(
      "Escalation",
      `to ${s.escalation.queue}: ${s.escalation.reason} — next: ${s.escalation.nextAction}`,
      at("escalate"),
      true,
    );
  if (s.triageReport) add("Outcome", `${s.triageReport.outcome} — ${s.triageReport.reason}`, at("report"));
  return {
    headline,
    tables: [{ id: "decision", title: "Decision", columns: ["", "What"], rows }],
  };
}

function summaryResult(input: ResultInput): BusinessResult {
  const summary = input.summary;
  if (!summary) return { headline: `${input.workflow}`, tables: [] };
  return {
    headline: summary.headline,
    tables: [
      {
        id: "steps",
        title: "What each node did",
        columns: ["Node", "Did"],
        rows: summary.steps.map((s) => ({
          cells: [s.node, s.did],
          evidence: ofNodes(input.attempts, s.node),
        })),
      },
    ],
  };
}
