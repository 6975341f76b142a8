#!/usr/bin/env node
/**
 * The Switchyard CLI. Runs against the embedded AWS on this machine (in-process emulators on
 * loopback); state persists in .switchyard/aws unless --memory.
 *
 *   switchyard run <workflow> [--input file.json] [--json] [--in-process] [--hosting mode] [--memory]
 */
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { readEnv } from "#config";
import { SwitchyardError } from "#engine";
import { getWorkflow, workflows } from "#workflows";
import { runCommand } from "../local/cli/run.ts";
import { startLocalAws } from "../local/index.ts";

const USAGE = `usage: switchyard run <workflow> [--input file.json] [--json] [--in-process]
                       [--hosting per-node|per-superstep|single] [--memory] [--data-dir dir]
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
    },
  });
  const [command, name] = positionals;
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
