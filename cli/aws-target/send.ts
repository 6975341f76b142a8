import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { type RunRequest, RunRequestSchema, runRequestMessage } from "#ingress";
import type { AwsTarget } from "./target.ts";

/** A run request's fields that vary; the id, source and time are set here. */
export type RunRequestFields = Omit<RunRequest, "source" | "requestedAt">;

/**
 * Puts one run request (`source: "cli"`) on the stage's requests queue, for the dispatcher
 * Lambda to start. Parsed first: a request the dispatcher would refuse is a bug here, not a
 * dead letter there.
 *
 * @example
 * await sendRunRequest(target, { runId: "triage_3f0c…", workflow: "triage", input: {} });
 */
export async function sendRunRequest(
  target: Pick<AwsTarget, "deployed" | "sqs">,
  fields: RunRequestFields,
  now: () => Date = () => new Date(),
): Promise<RunRequest> {
  const request = RunRequestSchema.parse({ ...fields, source: "cli", requestedAt: now().toISOString() });
  await target.sqs.send(
    new SendMessageCommand({ QueueUrl: target.deployed.requestsQueueUrl, ...runRequestMessage(request) }),
  );
  return request;
}

/** How to follow a run once its request is queued: this CLI, and the REST API when deployed. */
export function watchHints(target: Pick<AwsTarget, "deployed">, runId: string, workflow: string): string[] {
  const { stage, apiUrl } = target.deployed;
  const hints = [`  switchyard status ${runId} --target aws --stage ${stage} --workflow ${workflow}`];
  if (apiUrl) hints.push(`  GET ${apiUrl.replace(/\/?$/, "/")}runs/${runId}   (SigV4)`);
  return hints;
}
