import { readFile } from "node:fs/promises";
import { newRunId } from "#api";
import { fieldIssues } from "#core";
import { InvalidInputError, type WorkflowDefinition } from "#engine";
import { InputFileError } from "../run.ts";
import { sendRunRequest, watchHints } from "./send.ts";
import type { AwsTarget } from "./target.ts";

export interface RemoteRunOptions {
  readonly workflow: WorkflowDefinition;
  /** The parsed `--input` file, or `{}`. */
  readonly input: unknown;
  /** Connects only once the input is known to be valid: a bad file costs no AWS call. */
  readonly connect: () => Promise<Pick<AwsTarget, "deployed" | "sqs">>;
  readonly json: boolean;
  readonly out: (text: string) => void;
  /** Run id source (`<workflow>_<uuid>`); injected in tests. */
  readonly uuid?: () => string;
  readonly now?: () => Date;
}

/**
 * `switchyard run <workflow> --target aws`: checks the input against the workflow's own schema
 * here (the dispatcher would only dead-letter it), then queues one run request on the deployed
 * stage and prints the run id and how to watch it. Returns 0; invalid input throws the engine's
 * `InvalidInputError` (exit 2) and sends nothing.
 *
 * @example
 * await remoteRunCommand({ workflow: getWorkflow("triage"), input: {}, connect, json: false, out: console.log });
 */
export async function remoteRunCommand(o: RemoteRunOptions): Promise<number> {
  const { workflow } = o;
  const checked = workflow.input.safeParse(o.input);
  if (!checked.success) {
    throw new InvalidInputError(workflow.name, fieldIssues(checked.error, { at: ["input"] }));
  }
  const target = await o.connect();
  // The raw input, as the API sends it: the workflow applies its own defaults when it starts.
  const request = await sendRunRequest(
    target,
    { runId: newRunId(workflow.name, o.uuid), workflow: workflow.name, input: o.input },
    o.now,
  );
  const { stage, requestsQueueUrl } = target.deployed;
  if (o.json) {
    o.out(
      JSON.stringify({ runId: request.runId, workflow: workflow.name, stage, queueUrl: requestsQueueUrl }),
    );
  } else {
    o.out(
      [
        `Run ${request.runId} (${workflow.name}) queued on stage ${stage}.`,
        "Watch it:",
        ...watchHints(target, request.runId, workflow.name),
      ].join("\n"),
    );
  }
  return 0;
}

/**
 * The `--input` file as JSON, or `{}` without one.
 *
 * @example
 * await readInputFile("examples/triage.json"); // { tradeId: "T20261124-000750" }
 */
export async function readInputFile(path: string | undefined): Promise<unknown> {
  if (path === undefined) return {};
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputFileError(`--input ${path} is not valid JSON: ${(err as Error).message}`);
  }
}
