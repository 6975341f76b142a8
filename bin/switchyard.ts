#!/usr/bin/env node
/**
 * The Switchyard CLI, against the embedded AWS on this machine (in-process emulators on
 * loopback). State persists in .switchyard/aws unless --memory, so `inspect`, `resume` and
 * `redrive` see what an earlier `run` left. With `--target aws`, `run`, `status` and `resume`
 * act on a deployed stage instead (local/cli/aws-target).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { type Env, readEnv } from "#config";
import { SwitchyardError, type WorkflowDefinition } from "#engine";
import { bindEffectsLedger, dynamoEffectsLedger } from "#tools";
import { getWorkflow, workflows } from "#workflows";
import {
  checkpointPositions,
  connectAwsTarget,
  readInputFile,
  remoteResumeCommand,
  remoteRunCommand,
  statusCommand,
  workflowForRun,
} from "../local/cli/aws-target/index.ts";
import { demoCommand } from "../local/cli/demo.ts";
import { inspectCommand } from "../local/cli/inspect.ts";
import { inspectTraceCommand } from "../local/cli/inspect-trace.ts";
import { redriveCommand } from "../local/cli/redrive.ts";
import { resumeCommand } from "../local/cli/resume.ts";
import { runCommand } from "../local/cli/run.ts";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { localSaver } from "../local/saver.ts";
import { runNotifier } from "../local/triggers.ts";

const USAGE = `usage: switchyard demo [--trades n] [--seed n] [--json]       (npm start: reconciliation → investigation)
       switchyard run <workflow> [--input file.json] [--json] [--in-process]
                                 [--hosting per-node|per-superstep|single]
       switchyard inspect <threadId> [--trace] [--fork <checkpointId> --workflow w] [--json]
       switchyard resume [<runId>] [--list] [--dry-run] [--answer json --workflow w]
       switchyard redrive [--list] [--dry-run] [--bulk] [--workflow w] [--error text] [--min-age s] [--id runId]...
       switchyard status <runId> [--workflow w] [--json]
       switchyard alerts
deployed stage (AWS credentials from the standard chain, region from AWS_REGION):
       switchyard run <workflow> --target aws [--stage s] [--input file.json] [--json]
       switchyard status <runId> --target aws [--stage s] [--workflow w] [--json]
       switchyard resume <runId> --target aws [--stage s] --answer json --workflow w [--json]
common: [--memory] [--data-dir dir]   (local AWS state; default .switchyard/aws)
        [--stage s]                   (with --target aws; default SWITCHYARD_STAGE)
workflows: ${Object.keys(workflows).join(", ")}`;

const OPTIONS = {
  input: { type: "string" },
  json: { type: "boolean", default: false },
  "in-process": { type: "boolean", default: false },
  hosting: { type: "string" },
  memory: { type: "boolean", default: false },
  "data-dir": { type: "string", default: ".switchyard/aws" },
  help: { type: "boolean", short: "h", default: false },
  trades: { type: "string" },
  seed: { type: "string" },
  trace: { type: "boolean", default: false },
  fork: { type: "string" },
  list: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
  bulk: { type: "boolean", default: false },
  workflow: { type: "string" },
  error: { type: "string" },
  "min-age": { type: "string" },
  id: { type: "string", multiple: true },
  answer: { type: "string" },
  target: { type: "string", default: "local" },
  stage: { type: "string" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

const out = (text: string) => console.log(text);
const progress = (line: string) => console.error(line);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [command, target] = positionals;
  if (values.help || !command) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  loadDotenv({ quiet: true });
  const env = readEnv();
  const dataDir = values.memory ? undefined : values["data-dir"];
  const telemetry = env.TELEMETRY !== "off";
  if (values.target === "aws") return awsCommand(command, target, values, env);
  if (values.target !== "local") throw new UsageError(`--target ${values.target}: local or aws`);
  if (values.stage !== undefined) throw new UsageError("--stage goes with --target aws");
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
    case "run":
      return withLocalAws(env, dataDir, (aws) =>
        runCommand({
          workflow: withHosting(getWorkflow(required(target, "run needs a workflow")), values.hosting),
          json: values.json,
          inProcess: values["in-process"],
          telemetry,
          aws,
          progress,
          out,
          ...(values.input ? { inputPath: values.input } : {}),
          ...(dataDir ? { dataDir } : {}),
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
          read: checkpointPositions(localSaver(aws)),
          where: "the local AWS",
          json: values.json,
          out,
        }),
      );
    }
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
      ...(values.workflow ? { workflow: values.workflow } : {}),
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

/** `run`, `status` and `resume` on a deployed stage: its stack outputs, the caller's credentials. */
async function awsCommand(
  command: string,
  arg: string | undefined,
  values: Values,
  env: Env,
): Promise<number> {
  const localOnly = (
    ["in-process", "hosting", "memory", "list", "dry-run", "bulk", "trace", "fork"] as const
  ).find((flag) => values[flag]);
  if (localOnly) throw new UsageError(`--${localOnly} is for the embedded AWS, not --target aws`);
  const stage = values.stage ?? env.SWITCHYARD_STAGE;
  const connect = () => connectAwsTarget({ stage, region: env.AWS_REGION });
  switch (command) {
    case "run":
      return remoteRunCommand({
        workflow: getWorkflow(required(arg, "run needs a workflow")),
        input: await readInputFile(values.input),
        connect,
        json: values.json,
        out,
      });
    case "status": {
      const runId = required(arg, "status needs a run id");
      const workflow = getWorkflow(workflowForRun(runId, values.workflow));
      const { saver } = await connect();
      return statusCommand({
        runId,
        workflow,
        read: checkpointPositions(saver),
        where: `stage ${stage} (${env.AWS_REGION})`,
        json: values.json,
        out,
      });
    }
    case "resume":
      return remoteResumeCommand({
        runId: required(arg, "resume --target aws needs a run id"),
        workflow: getWorkflow(required(values.workflow, "resume --target aws needs --workflow")),
        answer: parseJson("--answer", required(values.answer, "resume --target aws needs --answer json")),
        connect,
        json: values.json,
        out,
      });
    default:
      throw new UsageError(`${command} has no --target aws (run, status and resume have)`);
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

function withHosting(workflow: WorkflowDefinition, hosting: string | undefined): WorkflowDefinition {
  if (hosting === undefined) return workflow;
  if (hosting !== "per-node" && hosting !== "per-superstep" && hosting !== "single") {
    throw new UsageError(`--hosting ${hosting}: per-node, per-superstep or single`);
  }
  return { ...workflow, hosting };
}

function required(value: string | undefined, message: string): string {
  if (!value) throw new UsageError(message);
  return value;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} ${text}: a whole number`);
  return n;
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} ${text} is not JSON`);
  }
}

class UsageError extends Error {}

const KNOWN_ERRORS = ["ConfigurationError", "InputFileError", "InspectTargetError", "RunNotCapturedError"];

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const name = (err as Error)?.name ?? "";
    const known = err instanceof SwitchyardError || err instanceof UsageError || KNOWN_ERRORS.includes(name);
    console.error(known ? `switchyard: ${(err as Error).message}` : err);
    if (err instanceof UsageError) console.error(USAGE);
    process.exit(known ? 2 : 1);
  },
);
