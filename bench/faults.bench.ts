/**
 * `npm run bench -- faults`: injects faults into the ingress, the checkpoint store, the engine's
 * Lambdas and alerting on the embedded AWS, and judges every run by what it observes of it
 * (bench/lib/faults-ledger.ts): started once, ended once, final state equal to an in-process
 * reference run on the same input, no finished task run again. "injected" is the bench's own
 * count of the failures it threw (bench/lib/faults-inject.ts), beside how many it armed.
 *
 * Goals (exit 1 when one fails): no run lost and none doubled, in any row; and every armed
 * fault fired, so no zero is vacuous.
 */
import { startLocalAws } from "switchyard/local";
import { snsOutage } from "./lib/faults-alerts.ts";
import { commitDies, dynamoThrottles, nodeKilled, nodeThrows } from "./lib/faults-engine.ts";
import type { Bench, Row } from "./lib/faults-harness.ts";
import { duplicates, poison, startThrottled } from "./lib/faults-ingress.ts";
import { faultBenchWorkflow } from "./lib/faults-workflow.ts";
import { reportGoals } from "./lib/goals.ts";
import { printTable } from "./lib/table.ts";

const ROWS = [
  duplicates,
  startThrottled,
  poison,
  dynamoThrottles,
  nodeThrows,
  nodeKilled,
  commitDies,
  snsOutage,
];

export default async function faultsBench(_args: string[]): Promise<void> {
  const aws = await startLocalAws({ stage: "faultbench" });
  const bench: Bench = { aws, workflow: faultBenchWorkflow() };
  const rows: Row[] = [];
  try {
    for (const scenario of ROWS) rows.push(await scenario(bench));
  } finally {
    await aws.stop();
  }
  printTable("Injected faults vs outcome, judged per run id (embedded AWS)", rows);
  const sum = (key: "armed" | "injected" | "runs" | "lost" | "doubled") =>
    rows.reduce((n, r) => n + r[key], 0);
  console.log(
    `\n${sum("injected")} faults injected over ${sum("runs")} runs: ${sum("lost")} lost, ${sum("doubled")} doubled`,
  );
  const idle = rows.filter((r) => r.injected !== r.armed).map((r) => `${r.fault} (${r.injected}/${r.armed})`);
  const held = reportGoals([
    [
      `every armed fault fired: ${sum("injected")}/${sum("armed")}${idle.length ? `; short: ${idle.join(", ")}` : ""}`,
      idle.length === 0,
    ],
    [`0 runs lost: ${sum("lost")} lost`, sum("lost") === 0],
    [`0 runs doubled: ${sum("doubled")} doubled`, sum("doubled") === 0],
  ]);
  if (!held) process.exitCode = 1;
}
