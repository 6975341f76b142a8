import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import { workflowOfRunId } from "#api";
import { LEASE_SORT_KEY, type LeaseRecord, leaseOf } from "#checkpoint";
import { type RunReading, readRunReading, runView, type WorkflowDefinition } from "#engine";
import { isAlive } from "./data-dir-lock.ts";
import type { LocalAws } from "./local-aws.ts";
import { localLeases, localOwner, localSaver } from "./saver.ts";

/**
 * What became of a run, read from the checkpoint table: `interrupted` is a run with tasks left
 * whose execution is gone (Ctrl-C, a killed or crashed process) — nothing holds its lease.
 */
export type LocalRunStatus = "running" | "interrupted" | "waiting" | "failed" | "succeeded";

export interface LocalRun {
  readonly runId: string;
  readonly workflow: string;
  readonly status: LocalRunStatus;
  readonly step: number;
  /** The current superstep's tasks: done (with output) of all. */
  readonly tasks: { readonly done: number; readonly total: number };
  /** The execution holding the thread, while one does. */
  readonly heldBy?: string;
  readonly error?: { readonly code: string; readonly node?: string; readonly message: string };
}

/**
 * Every run whose checkpoints are in the local AWS, newest first: one per checkpoint thread (the
 * audit chains and the effects ledger share the table under keys of their own, and are skipped).
 * A thread whose workflow is not known (not in its lease, not in its run id) is left out.
 *
 * @example
 * const runs = await listLocalRuns(aws, getWorkflow); // [{ runId: "triage_…", status: "interrupted", step: 2, … }]
 */
export async function listLocalRuns(
  aws: LocalAws,
  workflowNamed: (name: string) => WorkflowDefinition,
): Promise<LocalRun[]> {
  const threads = await scanThreads(aws);
  const deps = { saver: localSaver(aws) };
  const runs: LocalRun[] = [];
  for (const thread of threads) {
    const workflow = knownWorkflow(thread.lease?.workflow ?? workflowOfRunId(thread.threadId), workflowNamed);
    if (!workflow) continue;
    runs.push(
      describeRun(
        thread.threadId,
        workflow,
        await readRunReading(deps, workflow, thread.threadId),
        thread.lease,
      ),
    );
  }
  return runs;
}

/** One run, as {@link listLocalRuns} describes it; undefined when the thread has no checkpoint. */
export async function readLocalRun(
  aws: LocalAws,
  workflow: WorkflowDefinition,
  runId: string,
): Promise<LocalRun | undefined> {
  const reading = await readRunReading({ saver: localSaver(aws) }, workflow, runId).catch((err: Error) => {
    if (err.name === "Switchyard.ThreadNotFound") return undefined;
    throw err;
  });
  if (!reading) return undefined;
  return describeRun(runId, workflow, reading, await localLeases(aws).read(runId));
}

/**
 * Frees the thread of a lease whose holder is gone — a local process that is no longer alive
 * (killed, crashed: its data-directory lock was taken over) — so the run can be continued now
 * rather than when the lease expires. A live holder's lease is left alone.
 */
export async function releaseAbandonedLease(aws: LocalAws, runId: string): Promise<LeaseRecord | undefined> {
  const leases = localLeases(aws);
  const lease = await leases.read(runId);
  if (!lease || !leases.isLive(lease) || !abandoned(lease)) return undefined;
  await leases.release(runId, lease.holder);
  return lease;
}

function describeRun(
  runId: string,
  workflow: WorkflowDefinition,
  reading: RunReading,
  lease: LeaseRecord | undefined,
): LocalRun {
  const held = lease && lease.expiresAt >= Date.now() && !abandoned(lease) ? lease : undefined;
  // The checkpoints show a failure LangGraph recorded; the lease, one the execution ended with.
  const failure = held ? undefined : lease?.failure;
  const view = runView(workflow, runId, { ...reading, ...(failure ? { failure } : {}) });
  // Tasks left and nobody holding the thread: the execution is gone (Ctrl-C, a killed process).
  const status: LocalRunStatus = view.status === "running" && !held ? "interrupted" : view.status;
  const { position } = reading;
  return {
    runId,
    workflow: workflow.name,
    status,
    step: view.step ?? 0,
    tasks: {
      done: position.tasks.filter((t) => t.progress === "finished").length,
      total: position.tasks.length,
    },
    ...(held ? { heldBy: `${held.holder}${held.owner ? ` (${held.owner})` : ""}` } : {}),
    ...(view.error ? { error: view.error } : {}),
  };
}

/** A lease taken by a local process (its owner names pid and host) that is not running any more. */
function abandoned(lease: LeaseRecord): boolean {
  const pid = Number(/^pid (\d+) on /.exec(lease.owner ?? "")?.[1]);
  if (!Number.isInteger(pid) || lease.owner !== localOwner(pid)) return false;
  return pid !== process.pid && !isAlive(pid);
}

function knownWorkflow(
  name: string | undefined,
  workflowNamed: (name: string) => WorkflowDefinition,
): WorkflowDefinition | undefined {
  if (!name) return undefined;
  try {
    return workflowNamed(name);
  } catch {
    return undefined;
  }
}

interface Thread {
  readonly threadId: string;
  /** Its newest root-namespace checkpoint id (time-ordered: LangGraph's ids are UUID v6). */
  readonly latest: string;
  readonly lease?: LeaseRecord;
}

/** Checkpoint threads in the table (one Scan, keys only), newest first. */
async function scanThreads(aws: LocalAws): Promise<Thread[]> {
  const { table } = localSaver(aws);
  const latest = new Map<string, string>();
  const leases = new Map<string, LeaseRecord>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({
        TableName: table.name,
        // Root-namespace checkpoint items (`c##<id>#~`) and leases; writes and segments are not read.
        FilterExpression: "begins_with(#sk, :root) OR #sk = :lease",
        ProjectionExpression: "#pk, #sk, holder, #owner, workflow, takenAt, leaseUntil, failure",
        ExpressionAttributeNames: { "#pk": table.pk, "#sk": table.sk, "#owner": "owner" },
        ExpressionAttributeValues: { ":root": { S: "c##" }, ":lease": { S: LEASE_SORT_KEY } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const pk = item[table.pk]?.S ?? "";
      const sk = item[table.sk]?.S ?? "";
      if (pk.startsWith("audit#")) continue;
      if (sk === LEASE_SORT_KEY) {
        leases.set(pk, leaseOf(pk, item));
      } else if (sk.endsWith("#~") && !sk.includes("#w#")) {
        const id = sk.slice(3, -2);
        if ((latest.get(pk) ?? "") < id) latest.set(pk, id);
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return [...latest]
    .map(([threadId, id]) => {
      const lease = leases.get(threadId);
      return { threadId, latest: id, ...(lease ? { lease } : {}) };
    })
    .sort((a, b) => (a.latest < b.latest ? 1 : -1));
}
