import type { WorkflowDefinition } from "#engine";
import type { LocalAws } from "../local/local-aws.ts";
import { type LocalRun, listLocalRuns } from "../local/runs.ts";

export interface RunsCommandOptions {
  readonly aws: LocalAws;
  readonly workflowNamed: (name: string) => WorkflowDefinition;
  /** Succeeded runs too; by default only those with something left (running, interrupted, waiting, failed). */
  readonly all: boolean;
  readonly json: boolean;
  readonly out: (text: string) => void;
  /** The data directory when not the default: the resume commands printed name it. */
  readonly dataDir?: string;
}

/**
 * `switchyard runs [--all] [--json]`: the runs in the local AWS's checkpoint table, newest first,
 * with where each stands and what continues it.
 */
export async function runsCommand(o: RunsCommandOptions): Promise<number> {
  const runs = (await listLocalRuns(o.aws, o.workflowNamed)).filter((r) => o.all || r.status !== "succeeded");
  if (o.json) {
    o.out(JSON.stringify(runs, null, 2));
    return 0;
  }
  o.out(`${runs.length} run(s)${o.all ? "" : " not finished (--all lists the succeeded too)"}`);
  const flag = o.dataDir ? ` --data-dir ${o.dataDir}` : "";
  for (const r of runs) o.out(`  ${r.runId}  ${r.status.padEnd(11)}  ${where(r)}${next(r, flag)}`);
  return 0;
}

function where(r: LocalRun): string {
  const tasks = r.tasks.total > 0 ? `, ${r.tasks.done}/${r.tasks.total} task(s) done` : "";
  const error = r.error ? `, ${r.error.code}${r.error.node ? ` in ${r.error.node}` : ""}` : "";
  return `step ${r.step}${tasks}${error}`;
}

function next(r: LocalRun, flag: string): string {
  switch (r.status) {
    case "interrupted":
    case "failed":
      return `  → switchyard resume ${r.runId}${flag}`;
    case "waiting":
      return `  → switchyard resume ${r.runId} --answer <json> --workflow ${r.workflow}${flag}`;
    case "running":
      return `  (held by ${r.heldBy})`;
    default:
      return "";
  }
}
