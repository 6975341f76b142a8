import { join } from "node:path";
import { workflowOfRunId } from "#api";
import type { Env } from "#config";
import { bindEffectsLedger, dynamoEffectsLedger } from "#tools";
import { getWorkflow, workflows } from "#workflows";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { readLocalRun, releaseAbandonedLease } from "../local/runs.ts";
import { localLeases, localSaver } from "../local/saver.ts";
import { runNotifier } from "../local/triggers.ts";
import {
  dataFlagsInput,
  interruptible,
  OPTIONS,
  out,
  parseJson,
  positiveInt,
  progress,
  recursionLimitFlag,
  required,
  stallTimeoutMs,
  UsageError,
  type Values,
  withHosting,
  withRecursionLimit,
} from "./args.ts";
import { auditCommand } from "./audit.ts";
import { checkpointReader, statusCommand, workflowForRun } from "./aws-target/index.ts";
import { demoCommand } from "./demo.ts";
import { describeCommand } from "./describe.ts";
import { inspectCommand } from "./inspect.ts";
import { inspectTraceCommand } from "./inspect-trace.ts";
import { newWorkflowCommand } from "./new-workflow.ts";
import { redriveCommand } from "./redrive.ts";
import { resumeCommand } from "./resume.ts";
import { executeRun, finishRun, runCommand } from "./run.ts";
import { runsCommand } from "./runs.ts";
import { uploadCommand } from "./upload.ts";

/** Every command on the embedded AWS: maps the parsed options onto the command modules. */
export async function localCommand(
  command: string,
  target: string | undefined,
  values: Values,
  env: Env,
  more: readonly string[] = [],
): Promise<number> {
  const dataDir = values.memory ? undefined : values["data-dir"];
  const telemetry = env.TELEMETRY !== "off";
  switch (command) {
    case "demo":
      return withLocalAws(env, dataDir, (aws) =>
        demoCommand({
          aws,
          json: values.json,
          inProcess: values["in-process"],
          telemetry,
          progress,
          out,
          ...(dataDir ? { dataDir } : {}),
          dataset: {
            ...(values.trades ? { trades: positiveInt("--trades", values.trades) } : {}),
            ...(values.seed ? { seed: positiveInt("--seed", values.seed) } : {}),
          },
        }),
      );
    case "run": {
      const stall = stallTimeoutMs(values["stall-timeout"], env.SWITCHYARD_STALL_SECONDS);
      return withLocalAws(env, dataDir, (aws) =>
        withInterrupt(!values["in-process"], (signal) =>
          runCommand({
            signal,
            stallTimeoutMs: stall,
            workflow: withRecursionLimit(
              withHosting(getWorkflow(required(target, "run needs a workflow")), values.hosting),
              values["recursion-limit"],
            ),
            json: values.json,
            inProcess: values["in-process"],
            telemetry,
            aws,
            progress,
            out,
            ...(values.input ? { inputPath: values.input } : {}),
            inputFlags: dataFlagsInput(values),
            ...(dataDir ? { dataDir } : {}),
          }),
        ),
      );
    }
    case "runs":
      return withLocalAws(env, dataDir, (aws) =>
        runsCommand({
          aws,
          workflowNamed: getWorkflow,
          all: values.all,
          json: values.json,
          out,
          ...(dataDir && dataDir !== OPTIONS["data-dir"].default ? { dataDir } : {}),
        }),
      );
    case "inspect": {
      const threadId = required(target, "inspect needs a thread id");
      if (values.trace) return inspectTraceCommand({ run: threadId, dir: ".switchyard", out });
      return withLocalAws(env, dataDir, (aws) =>
        inspectCommand({
          threadId,
          aws,
          json: values.json,
          out,
          ...(values.fork ? { fork: values.fork } : {}),
          ...(values.workflow ? { workflow: getWorkflow(values.workflow) } : {}),
        }),
      );
    }
    case "status": {
      const runId = required(target, "status needs a run id");
      const workflow = getWorkflow(workflowForRun(runId, values.workflow));
      return withLocalAws(env, dataDir, (aws) =>
        statusCommand({
          runId,
          workflow,
          read: checkpointReader(localSaver(aws), localLeases(aws)),
          where: "the local AWS",
          json: values.json,
          out,
        }),
      );
    }
    case "audit": {
      const action = target === "verify" || target === "replay" ? target : "list";
      const runId = required(
        action === "list" ? target : more[0],
        `audit ${action === "list" ? "" : `${action} `}needs a run id`,
      );
      const workflowName = action === "replay" ? workflowForRun(runId, values.workflow) : undefined;
      return withLocalAws(env, dataDir, (aws) =>
        auditCommand({
          action,
          runId,
          aws,
          json: values.json,
          out,
          ...(workflowName ? { workflow: getWorkflow(workflowName) } : {}),
          ...(env.LOG_REDACT_FIELDS ? { redactFields: env.LOG_REDACT_FIELDS.split(",") } : {}),
        }),
      );
    }
    case "upload":
      return withLocalAws(env, dataDir, (aws) =>
        uploadCommand({
          from: required(target, "upload needs a folder and an s3:// prefix"),
          to: required(more[0], "upload needs an s3:// prefix to copy to"),
          aws,
          out,
        }),
      );
    case "describe":
      return describeCommand({
        workflow: getWorkflow(required(target, "describe needs a workflow")),
        json: values.json,
        out,
      });
    case "new":
      if (target !== "workflow") throw new UsageError("new: switchyard new workflow <name>");
      return newWorkflowCommand({
        name: required(more[0], "new workflow needs a name"),
        taken: Object.keys(workflows),
        out,
      });
    case "resume":
    case "redrive":
    case "alerts":
      return withLocalAws(env, dataDir, (aws) => opsCommand(command, target, values, env, aws, dataDir));
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** `resume`, `redrive` and `alerts`, on the same embedded AWS (and data directory) as `run`. */
async function opsCommand(
  command: "resume" | "redrive" | "alerts",
  runId: string | undefined,
  values: Values,
  env: Env,
  aws: LocalAws,
  dataDir: string | undefined,
): Promise<number> {
  const common = {
    aws,
    workflowNamed: getWorkflow,
    stallTimeoutMs: stallTimeoutMs(values["stall-timeout"], env.SWITCHYARD_STALL_SECONDS),
    ...(dataDir ? { executionsFile: join(dataDir, "executions.json") } : {}),
    out,
  };
  if (command === "alerts") {
    const sent = await runNotifier(aws, {
      windowSeconds: env.ALERT_WINDOW_SECONDS,
      ...(env.SLACK_WEBHOOK_URL ? { slackWebhookUrl: env.SLACK_WEBHOOK_URL } : {}),
    });
    for (const n of sent) out(`── ${n.subject}\n${n.text}\n`);
    out(`${sent.length} notification(s) sent; windows still open are sent once they end.`);
    return 0;
  }
  if (command === "resume") {
    const answer = values.answer === undefined ? undefined : parseJson("--answer", values.answer);
    return resumeCommand({
      ...common,
      list: values.list,
      dryRun: values["dry-run"],
      ...(runId ? { runId } : {}),
      ...(answer !== undefined ? { answer } : {}),
      ...(values["recursion-limit"] ? { recursionLimit: recursionLimitFlag(values["recursion-limit"]) } : {}),
      ...(values.workflow ? { workflow: values.workflow } : {}),
      continueRun: (id) => continueLocalRun(id, values, env, aws, dataDir),
    });
  }
  return redriveCommand({
    ...common,
    list: values.list,
    dryRun: values["dry-run"],
    bulk: values.bulk,
    filter: {
      ...(values.workflow ? { workflow: values.workflow } : {}),
      ...(values.error ? { error: values.error } : {}),
      ...(values["min-age"] ? { minAgeSeconds: positiveInt("--min-age", values["min-age"]) } : {}),
      ...(values.id ? { ids: values.id } : {}),
    },
  });
}

/**
 * `switchyard resume <runId>` for a run the failed-runs queue does not hold: an interrupted one
 * (Ctrl-C, a killed or crashed CLI, the watchdog) or a failed one, continued from its last
 * checkpoint in this process — finished tasks are not run again.
 */
async function continueLocalRun(
  runId: string,
  values: Values,
  env: Env,
  aws: LocalAws,
  dataDir: string | undefined,
): Promise<number> {
  const lease = await releaseAbandonedLease(aws, runId);
  const name = values.workflow ?? lease?.workflow ?? workflowOfRunId(runId);
  if (!name) throw new UsageError(`resume ${runId}: give --workflow (the run id does not name it)`);
  const workflow = getWorkflow(name);
  const run = await readLocalRun(aws, workflow, runId);
  if (!run) {
    out(`no run "${runId}" in ${dataDir ?? "the local AWS"} (switchyard runs lists them)`);
    return 2;
  }
  if (lease)
    progress(`  ${runId} was held by ${lease.holder} (${lease.owner}), no longer running: taken over`);
  if (run.status === "succeeded") {
    out(`run ${runId} already succeeded: nothing to continue`);
    return 0;
  }
  if (run.status === "waiting") {
    out(`run ${runId} waits for a decision: switchyard resume ${runId} --answer <json> --workflow ${name}`);
    return 2;
  }
  if (run.status === "running") {
    out(`run ${runId} is running (held by ${run.heldBy}); one execution per thread`);
    return 2;
  }
  if (values["dry-run"]) {
    out(`  would continue ${runId} at step ${run.step}: ${run.tasks.total - run.tasks.done} task(s) to run`);
    return 0;
  }
  const stall = stallTimeoutMs(values["stall-timeout"], env.SWITCHYARD_STALL_SECONDS);
  const options = {
    workflow,
    aws,
    json: values.json,
    inProcess: false,
    telemetry: env.TELEMETRY !== "off",
    progress,
    out,
    continueRun: runId,
    stallTimeoutMs: stall,
    ...(dataDir ? { dataDir } : {}),
  };
  return withInterrupt(true, async (signal) =>
    finishRun(options, await executeRun({ ...options, signal }, undefined)),
  );
}

/**
 * Runs `body` with Ctrl-C asking it to stop at a clean point (see {@link interruptible}) — on the
 * Step Functions runner; LangGraph's own loop (`--in-process`) keeps Node's Ctrl-C, which ends the
 * process at once (its run id is printed, and its last superstep is checkpointed).
 */
async function withInterrupt<T>(stoppable: boolean, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (!stoppable) return body(new AbortController().signal);
  const interrupt = interruptible(progress);
  try {
    return await body(interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

/**
 * Starts the embedded AWS for one command and binds the effects ledger to its DynamoDB table, so
 * an amendment applied by `run` is seen by a later `resume` or `redrive` (exactly once across
 * CLI processes, as across Lambdas).
 */
async function withLocalAws<T>(
  env: Env,
  dataDir: string | undefined,
  body: (aws: LocalAws) => Promise<T>,
): Promise<T> {
  const aws = await startLocalAws({
    stage: env.SWITCHYARD_STAGE,
    region: env.AWS_REGION,
    ...(dataDir ? { dataDir } : {}),
  });
  bindEffectsLedger(
    dynamoEffectsLedger({ client: aws.clients.dynamodb, tableName: aws.resources.checkpointTable.name }),
  );
  try {
    return await body(aws);
  } finally {
    await aws.stop();
  }
}
