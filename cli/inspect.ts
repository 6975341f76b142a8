import type { BaseCheckpointSaver, CheckpointTuple } from "@langchain/langgraph-checkpoint";
import { SwitchyardError } from "#core";
import {
  compileWorkflow,
  type RunResult,
  readRunResult,
  threadConfig,
  type WorkflowDefinition,
} from "#engine";
import type { LocalAws } from "../local/local-aws.ts";
import { localSaver } from "../local/saver.ts";

/** One checkpoint of a thread as `inspect` shows it. */
export interface CheckpointRow {
  readonly checkpointId: string;
  readonly parentId: string | null;
  readonly step: number;
  /** `input`, `loop`, `update` or `fork` (LangGraph's checkpoint metadata). */
  readonly source: string;
  /** Nodes that ran in the step that wrote this checkpoint. */
  readonly nodes: readonly string[];
  /** State channels whose version moved since the parent checkpoint. */
  readonly changed: readonly string[];
}

/** A thread or checkpoint that `inspect` was asked about and the saver does not hold. */
export class InspectTargetError extends SwitchyardError {
  constructor(message: string) {
    super("Switchyard.InspectTarget", message);
  }
}

// LangGraph's bookkeeping channels and pseudo-nodes (`branch:to:x`, `__start__`, `__interrupt__`).
const isInternal = (name: string) => name.startsWith("__") || name.includes(":");

/**
 * The thread's checkpoint history, newest first, from `saver.list`: for each checkpoint, the
 * nodes that ran to write it (their `versions_seen` moved) and the channels that changed
 * (their `channel_versions` moved) against its parent. A fork shows as a second child of one parent.
 *
 * @example
 * for (const row of await threadHistory(saver, threadId)) console.log(row.step, row.nodes, row.changed);
 */
export async function threadHistory(saver: BaseCheckpointSaver, threadId: string): Promise<CheckpointRow[]> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of saver.list(threadConfig(threadId))) tuples.push(tuple);
  if (tuples.length === 0) throw new InspectTargetError(`No checkpoints for thread ${threadId}.`);
  const byId = new Map(tuples.map((t) => [t.checkpoint.id, t]));
  return tuples.map((t) => {
    const parentId: string | null = t.parentConfig?.configurable?.checkpoint_id ?? null;
    const parent = parentId ? byId.get(parentId)?.checkpoint : undefined;
    const seen = t.checkpoint.versions_seen;
    const nodes = Object.keys(seen).filter(
      (node) =>
        !isInternal(node) && JSON.stringify(seen[node]) !== JSON.stringify(parent?.versions_seen[node]),
    );
    const versions = t.checkpoint.channel_versions;
    const changed = Object.keys(versions).filter(
      (channel) => !isInternal(channel) && versions[channel] !== parent?.channel_versions[channel],
    );
    return {
      checkpointId: t.checkpoint.id,
      parentId,
      step: Number(t.metadata?.step ?? 0),
      source: String(t.metadata?.source ?? "?"),
      nodes,
      changed,
    };
  });
}

/** What a fork did: where it branched, where the branch's head is now, and how it ended. */
export interface ForkResult {
  readonly threadId: string;
  readonly forkedFrom: string;
  readonly head: string;
  readonly result: RunResult;
  /** The checkpoints the branch added, oldest first. */
  readonly branch: readonly CheckpointRow[];
}

/**
 * LangGraph time travel: runs the graph again from `checkpointId` on the same thread
 * (`invoke(null, { configurable: { thread_id, checkpoint_id } })`). The new checkpoints branch
 * from that one; the original history stays. Side effects replayed by the branch land once (the
 * effects ledger); an interrupt on the branch waits again, to be resumed as usual.
 *
 * @example
 * const fork = await forkRun(triage, saver, threadId, checkpointId);
 * fork.result.status; // "succeeded" | "waiting" | "failed"
 */
export async function forkRun(
  workflow: WorkflowDefinition,
  saver: BaseCheckpointSaver,
  threadId: string,
  checkpointId: string,
): Promise<ForkResult> {
  const config = { configurable: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: checkpointId } };
  const target = await saver.getTuple(config);
  if (!target) throw new InspectTargetError(`Thread ${threadId} has no checkpoint ${checkpointId}.`);
  const before = new Set((await threadHistory(saver, threadId)).map((r) => r.checkpointId));
  const graph = compileWorkflow(workflow, saver);
  let error: { code: string; message: string } | undefined;
  try {
    await graph.invoke(null, { ...config, durability: "sync" });
  } catch (err) {
    const e = err as Error & { code?: string };
    error = { code: e.code ?? e.name, message: e.message };
  }
  const stepBefore = Number(target.metadata?.step ?? 0);
  const result = await readRunResult(saver, workflow, threadId, { stepBefore, hadInput: false }, error);
  const history = await threadHistory(saver, threadId);
  const branch = history.filter((r) => !before.has(r.checkpointId)).reverse();
  return {
    threadId,
    forkedFrom: checkpointId,
    head: history[0]?.checkpointId ?? checkpointId,
    result,
    branch,
  };
}

/** The rows as a table under `title`. */
export function formatHistory(title: string, rows: readonly CheckpointRow[]): string {
  const lines = [title, ""];
  lines.push(
    "  step  source  checkpoint                            parent                                nodes → changed",
  );
  for (const r of rows) {
    const parent = r.parentId ?? "-";
    const what = `${r.nodes.join(", ") || "-"} → ${r.changed.join(", ") || "-"}`;
    lines.push(
      `  ${String(r.step).padStart(4)}  ${r.source.padEnd(6)}  ${r.checkpointId.padEnd(36)}  ${parent.padEnd(36)}  ${what}`,
    );
  }
  return lines.join("\n");
}

export interface InspectCommandOptions {
  readonly threadId: string;
  /** The thread's workflow; needed for `fork` (the graph to run). */
  readonly workflow?: WorkflowDefinition;
  readonly fork?: string;
  readonly json: boolean;
  readonly aws: LocalAws;
  readonly out: (text: string) => void;
}

/**
 * `switchyard inspect <threadId> [--fork <checkpointId>] [--json]`: prints the thread's
 * checkpoint history from the DynamoDB saver; with `--fork`, runs a branch from that checkpoint
 * and prints it. Returns the exit code (0, or 1 when the fork failed).
 */
export async function inspectCommand(options: InspectCommandOptions): Promise<number> {
  const saver = localSaver(options.aws);
  if (!options.fork) {
    const rows = await threadHistory(saver, options.threadId);
    options.out(
      options.json
        ? JSON.stringify({ threadId: options.threadId, checkpoints: rows }, null, 2)
        : formatHistory(`Thread ${options.threadId}: ${rows.length} checkpoints, newest first`, rows),
    );
    return 0;
  }
  if (!options.workflow)
    throw new InspectTargetError("--fork needs the thread's workflow (--workflow <name>).");
  const fork = await forkRun(options.workflow, saver, options.threadId, options.fork);
  if (options.json) {
    const { result, ...rest } = fork;
    options.out(
      JSON.stringify(
        { ...rest, status: result.status, interrupts: result.interrupts, error: result.error },
        null,
        2,
      ),
    );
  } else {
    options.out(
      [
        `Forked thread ${fork.threadId} at ${fork.forkedFrom}: ${fork.result.status}`,
        `branch head: ${fork.head}`,
        `resume or inspect it as thread ${fork.threadId}`,
        ...(fork.result.error ? [`error: ${fork.result.error.code}: ${fork.result.error.message}`] : []),
        "",
        formatHistory(`The branch: ${fork.branch.length} new checkpoints, oldest first`, fork.branch),
      ].join("\n"),
    );
  }
  return fork.result.status === "failed" ? 1 : 0;
}
