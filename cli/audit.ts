import type { AuditRecord, ChainReport, ReplayReport } from "#audit";
import { replayRun, verifyChain } from "#audit";
import { compileWorkflow, threadConfig, type WorkflowDefinition } from "#engine";
import { bindEffectsLedger, inMemoryEffectsLedger } from "#tools";
import type { LocalAws } from "../local/local-aws.ts";
import { localSaver } from "../local/saver.ts";
import { UsageError } from "./args.ts";

export interface AuditCommandOptions {
  /** `list` (default), `verify` or `replay`. */
  readonly action: "list" | "verify" | "replay";
  readonly runId: string;
  /** The run's workflow (needed to replay it). */
  readonly workflow?: WorkflowDefinition;
  readonly aws: LocalAws;
  readonly json: boolean;
  readonly redactFields?: readonly string[];
  readonly out: (text: string) => void;
}

/**
 * `switchyard audit <runId>`: the run's decisions in order — input, model calls, tool calls,
 * approvals. `audit verify <runId>`: recomputes the chain and checks its signed seal; exit 1 at
 * the first altered, missing or reordered record. `audit replay <runId>`: re-runs the decisions
 * against the recorded model answers (side effects into a throwaway ledger); exit 1 unless they
 * reproduce the same tool calls, answers and outcome.
 */
export async function auditCommand(options: AuditCommandOptions): Promise<number> {
  const { aws, runId } = options;
  const report = await verifyChain(aws.audit.log, aws.audit.signer, runId);
  if (report.records === 0) throw new UsageError(`audit ${runId}: no audit records for this run`);
  if (options.action === "list") {
    options.out(options.json ? JSON.stringify(report.chain, null, 2) : formatChain(report));
    return 0;
  }
  if (options.action === "verify") {
    options.out(options.json ? JSON.stringify(withoutChain(report), null, 2) : formatVerdict(report));
    return report.ok ? 0 : 1;
  }
  const workflow = options.workflow;
  if (!workflow) throw new UsageError(`audit replay ${runId}: name the run's workflow with --workflow`);
  if (!report.ok) {
    options.out(formatVerdict(report));
    return 1;
  }
  const saver = localSaver(aws);
  const recorded = await compileWorkflow(workflow, saver).getState(threadConfig(runId));
  // Side effects of the replay go to a ledger nobody reads: the real one already has them.
  const unbind = bindEffectsLedger(inMemoryEffectsLedger());
  let replay: ReplayReport;
  try {
    replay = await replayRun({
      runId,
      chain: report.chain,
      workflow,
      recordedState: recorded.values as Record<string, unknown>,
      ...(options.redactFields ? { redactFields: options.redactFields } : {}),
    });
  } finally {
    unbind();
  }
  options.out(options.json ? JSON.stringify(replay, null, 2) : formatReplay(replay));
  return replay.ok ? 0 : 1;
}

const withoutChain = ({ chain: _chain, ...rest }: ChainReport) => rest;

function formatVerdict(report: ChainReport): string {
  if (report.ok) {
    return `✓ audit of ${report.runId}: ${report.records} records, chain intact, seal verifies (covers ${report.sealed})`;
  }
  const p = report.problem;
  return `✗ audit of ${report.runId}: ${p?.kind.toUpperCase()} at record ${p?.at} — ${p?.detail} (${report.records} records read, seal covers ${report.sealed})`;
}

function formatChain(report: ChainReport): string {
  const lines = report.chain.map(formatRecord);
  return [formatVerdict(report), ...lines].join("\n");
}

const short = (value: unknown, max = 90) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

function formatRecord(r: AuditRecord): string {
  const head = `#${String(r.seq).padStart(3)} ${r.at.slice(11, 23)} ${r.kind.padEnd(8)} ${(r.node ?? "").padEnd(18)}`;
  const d = r.data as Record<string, unknown>;
  switch (r.kind) {
    case "input":
      return `${head} ${short(d.input)}`;
    case "approval":
      return `${head} answer ${short(d.answer)}`;
    case "model": {
      if (d.error) return `${head} ${d.provider}/${d.model} ✗ ${short(d.error)}`;
      const response = d.response as { content?: unknown; toolCalls?: { name: string }[] };
      const tokens = d.tokens as { input: number; output: number };
      const said = response.toolCalls?.length
        ? `calls ${response.toolCalls.map((c) => c.name).join(", ")}`
        : `answers ${short(response.content, 70)}`;
      return `${head} ${d.provider}/${d.model} in ${tokens.input} out ${tokens.output} → ${said}`;
    }
    case "tool": {
      const effect = d.sideEffect ? " [side effect]" : "";
      if (d.refused) return `${head} ${d.tool}${effect} ${short(d.args, 60)} ✗ refused ${d.refused}`;
      if (d.error && !("result" in d))
        return `${head} ${d.tool}${effect} ${short(d.args, 60)} ✗ ${short(d.error, 60)}`;
      return `${head} ${d.tool}${effect} ${short(d.args, 60)} → ${short(d.result, 60)}`;
    }
  }
}

function formatReplay(r: ReplayReport): string {
  const lines = [
    `${r.ok ? "✓ reproduced" : "✗ not reproduced"}: ${r.workflow} run ${r.runId}`,
    `  model answers from the record: ${r.modelCalls.replayed} of ${r.modelCalls.recorded}`,
    `  tool calls: ${r.toolCalls.replayed} replayed, ${r.toolCalls.recorded} recorded`,
    `  outcome: ${r.outcome.equal ? "the same" : "DIFFERENT"} — ${short((r.outcome.recorded as { headline?: string })?.headline ?? r.outcome.recorded, 110)}`,
  ];
  if (r.diverged) lines.push(`  diverged: ${r.diverged}`);
  for (const d of r.onlyRecorded) lines.push(`  only in the record: ${short(d, 140)}`);
  for (const d of r.onlyReplayed) lines.push(`  only in the replay: ${short(d, 140)}`);
  return lines.join("\n");
}
