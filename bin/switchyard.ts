#!/usr/bin/env node
/**
 * The Switchyard CLI, against the embedded AWS on this machine (in-process emulators on
 * loopback). State persists in .switchyard/aws unless --memory, so `inspect`, `resume` and
 * `redrive` see what an earlier `run` left. With `--target aws`, `run`, `status` and `resume`
 * act on a deployed stage instead (cli/aws-target).
 */
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { checkModelSettings, readEnv } from "#config";
import { SwitchyardError } from "#engine";
import { workflows } from "#workflows";
import { OPTIONS, UsageError } from "../cli/args.ts";
import { awsCommand } from "../cli/commands-aws.ts";
import { localCommand } from "../cli/commands-local.ts";

const USAGE = `usage: switchyard demo [--trades n] [--seed n] [--json]       (npm start: reconciliation → investigation)
       switchyard run <workflow> [--input file.json] [--json] [--in-process] [--stall-timeout s]
                                 [--data <folder|s3://…> [--mapping m.json] [--business-date d]] [--out <folder|s3://…>]
       switchyard upload <folder> <s3://bucket/prefix/>    (a day's files into the embedded S3)
                                 [--hosting per-node|per-superstep|per-graph]
       switchyard inspect <threadId> [--trace] [--fork <checkpointId> --workflow w] [--json]
       switchyard runs [--all] [--json]                    (runs running, interrupted, waiting, failed)
       switchyard resume [<runId>] [--list] [--dry-run] [--answer json --workflow w] [--stall-timeout s]
       switchyard redrive [--list] [--dry-run] [--bulk] [--workflow w] [--error text] [--min-age s] [--id runId]...
       switchyard status <runId> [--workflow w] [--json]   (a finished run's summary and result; a waiting run's answers)
       switchyard describe <workflow> [--json]             (its input schema, result, answers, an example request)
       switchyard alerts
       switchyard audit [verify|replay] <runId> [--workflow w] [--json]   (a run's decisions, checked, re-run)
       switchyard new workflow <name>                      (a graph, its test, its registration)
deployed stage (AWS credentials from the standard chain, region from AWS_REGION):
       switchyard run <workflow> --target aws [--stage s] [--input file.json] [--json]
       switchyard status <runId> --target aws [--stage s] [--workflow w] [--json]
       switchyard resume <runId> --target aws [--stage s] --answer json --workflow w [--json]
       switchyard doctor --target aws [--stage s] [-c key=value]... [--json]   (before a first deploy)
common: [--memory] [--data-dir dir]   (local AWS state; default .switchyard/aws)
        [--stage s]                   (with --target aws; default SWITCHYARD_STAGE)
workflows: ${Object.keys(workflows).join(", ")}`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [command, target] = positionals;
  if (values.help || !command) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  loadDotenv({ quiet: true });
  const env = readEnv();
  if (values.target === "aws") return awsCommand(command, target, values, env);
  if (values.target !== "local") throw new UsageError(`--target ${values.target}: local or aws`);
  if (values.stage !== undefined) throw new UsageError("--stage goes with --target aws");
  // Agents run in this process: a provider without its settings is exit 2 now, not a failed first agent.
  if (RUNS_AGENTS.has(command) && !values.list && !values["dry-run"]) checkModelSettings(env);
  return localCommand(command, target, values, env, positionals.slice(2));
}

/** Local commands that run workflows, and so agents, in this process (unless only listing: `--list`, `--dry-run`). */
const RUNS_AGENTS = new Set(["demo", "run", "resume", "redrive"]);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Every error of ours extends SwitchyardError: a typed refusal is exit 2, anything else a crash (1).
    const known = err instanceof SwitchyardError;
    console.error(known ? `switchyard: ${(err as Error).message}` : err);
    if (err instanceof UsageError) console.error(USAGE);
    process.exit(known ? 2 : 1);
  },
);
