#!/usr/bin/env node
/**
 * The Switchyard CLI. Runs against the embedded AWS on this machine (in-process emulators on
 * loopback); state persists in .switchyard/aws unless --memory.
 *
 *   switchyard run <workflow> [--input file.json] [--json] [--in-process] [--hosting mode] [--memory]
 *   switchyard redrive [--list] [--dry-run] [--bulk] [--workflow w] [--error text] [--min-age s] [--id runId]...
 *   switchyard resume [<runId>] [--list] [--dry-run] [--answer json --workflow w]
 *   switchyard alerts            (runs the notifier over the local alerts inbox and prints what it sent)
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { readEnv } from "#config";
import { SwitchyardError } from "#engine";
import { getWorkflow, workflows } from "#workflows";
import { redriveCommand } from "../local/cli/redrive.ts";
import { resumeCommand } from "../local/cli/resume.ts";
import { runCommand } from "../local/cli/run.ts";
import { startLocalAws } from "../local/index.ts";
import { runNotifier } from "../local/triggers.ts";

const USAGE = `usage: switchyard run <workflow> [--input file.json] [--json] [--in-process]
                       [--hosting per-node|per-superstep|single] [--memory] [--data-dir dir]
       switchyard redrive [--list] [--dry-run] [--bulk] [--workflow w] [--error text] [--min-age s] [--id runId]...
       switchyard resume [<runId>] [--list] [--dry-run] [--answer json --workflow w]
       switchyard alerts
workflows: ${Object.keys(workflows).join(", ")}`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: "string" },
      json: { type: "boolean", default: false },
      "in-process": { type: "boolean", default: false },
      hosting: { type: "string" },
      memory: { type: "boolean", default: false },
      "data-dir": { type: "string", default: ".switchyard/aws" },
      help: { type: "boolean", short: "h", default: false },
      list: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      bulk: { type: "boolean", default: false },
      workflow: { type: "string" },
      error: { type: "string" },
      "min-age": { type: "string" },
      id: { type: "string", multiple: true },
      answer: { type: "string" },
    },
  });
  const [command, name] = positionals;
  if (!values.help && (command === "redrive" || command === "resume" || command === "alerts")) {
    return opsCommand(command, name, values);
  }
  if (values.help || command !== "run" || !name) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  loadDotenv({ quiet: true });
  const env = readEnv();
  let workflow = getWorkflow(name);
  if (values.hosting) {
    if (!["per-node", "per-superstep", "single"].includes(values.hosting))
      throw new UsageError(`--hosting ${values.hosting}`);
    workflow = { ...workflow, hosting: values.hosting as typeof workflow.hosting };
  }
  const dataDir = values.memory ? undefined : values["data-dir"];
  const aws = await startLocalAws({
    stage: env.SWITCHYARD_STAGE,
    region: env.AWS_REGION,
    ...(dataDir ? { dataDir } : {}),
  });
  try {
    return await runCommand({
      workflow,
      json: values.json,
      inProcess: values["in-process"],
      aws,
      ...(values.input ? { inputPath: values.input } : {}),
      ...(dataDir ? { dataDir } : {}),
      progress: (line) => console.error(line),
      out: (text) => console.log(text),
    });
  } finally {
    await aws.stop();
  }
}

/** `redrive`, `resume` and `alerts`, on the same embedded AWS (and data directory) as `run`. */
async function opsCommand(
  command: "redrive" | "resume" | "alerts",
  runId: string | undefined,
  values: {
    memory: boolean;
    "data-dir": string;
    list: boolean;
    "dry-run": boolean;
    bulk: boolean;
    workflow?: string;
    error?: string;
    "min-age"?: string;
    id?: string[];
    answer?: string;
  },
): Promise<number> {
  loadDotenv({ quiet: true });
  const env = readEnv();
  const dataDir = values.memory ? undefined : values["data-dir"];
  const aws = await startLocalAws({
    stage: env.SWITCHYARD_STAGE,
    region: env.AWS_REGION,
    ...(dataDir ? { dataDir } : {}),
  });
  const common = {
    aws,
    workflowNamed: getWorkflow,
    ...(dataDir ? { executionsFile: join(dataDir, "executions.json") } : {}),
    out: (text: string) => console.log(text),
  };
  try {
    if (command === "alerts") {
      const sent = await runNotifier(aws, {
        windowSeconds: env.ALERT_WINDOW_SECONDS,
        ...(env.SLACK_WEBHOOK_URL ? { slackWebhookUrl: env.SLACK_WEBHOOK_URL } : {}),
      });
      for (const n of sent) console.log(`── ${n.subject}\n${n.text}\n`);
      console.log(`${sent.length} notification(s) sent; windows still open are sent once they end.`);
      return 0;
    }
    if (command === "resume") {
      let answer: unknown;
      if (values.answer !== undefined) {
        try {
          answer = JSON.parse(values.answer);
        } catch {
          throw new UsageError(`--answer ${values.answer} is not JSON`);
        }
      }
      return await resumeCommand({
        ...common,
        list: values.list,
        dryRun: values["dry-run"],
        ...(runId ? { runId } : {}),
        ...(answer !== undefined ? { answer } : {}),
        ...(values.workflow ? { workflow: values.workflow } : {}),
      });
    }
    return await redriveCommand({
      ...common,
      list: values.list,
      dryRun: values["dry-run"],
      bulk: values.bulk,
      filter: {
        ...(values.workflow ? { workflow: values.workflow } : {}),
        ...(values.error ? { error: values.error } : {}),
        ...(values["min-age"] ? { minAgeSeconds: Number(values["min-age"]) } : {}),
        ...(values.id ? { ids: values.id } : {}),
      },
    });
  } finally {
    await aws.stop();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known =
      err instanceof SwitchyardError ||
      err instanceof UsageError ||
      ["ConfigurationError", "InputFileError"].includes((err as Error)?.name);
    console.error(known ? `switchyard: ${(err as Error).message}` : err);
    if (err instanceof UsageError) console.error(USAGE);
    process.exit(known ? 2 : 1);
  },
);
