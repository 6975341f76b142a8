import { randomUUID } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ManifestRef, MapResultEntry, MapRunManifest, SuperstepPlan } from "#engine";

/** One inline Map item's result, as the emulated `RunTaskList` leaves it (`TaskFailed` or the task's). */
interface ItemResult {
  readonly taskId: string;
  readonly outcome: string;
  readonly node?: string;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/** What `WriteMapResults` receives: its `Parameters` (docs/engine.md, "Scale: the inline Map and the Distributed Map"). */
interface WriteMapResultsInput {
  readonly Bucket: string;
  readonly Prefix: string;
  readonly Plan: SuperstepPlan & { results?: readonly ItemResult[] };
}

/**
 * The local stand-in for a Distributed Map's `ResultWriter` (aws-local-stepfunctions has no
 * Distributed Map): writes the emulated Map run's outcomes to S3 in the `ResultWriter`'s layout —
 * `<Prefix>/<map run>/SUCCEEDED_0.json`, `FAILED_0.json` and `manifest.json` — and hands commit
 * the state a Distributed Map leaves: the plan, without tasks or results, plus `manifest`. A task
 * the inline Map caught as failed is a FAILED child execution, with the same error and cause.
 */
export async function writeMapResults(
  s3: S3Client,
  input: WriteMapResultsInput,
): Promise<SuperstepPlan & { manifest: ManifestRef }> {
  const { results = [], ...plan } = input.Plan;
  const run = randomUUID();
  const folder = `${input.Prefix}/${run}`;
  const mapRunArn = `arn:aws:states:us-east-1:000000000000:mapRun:local/RunTaskList:${run}`;
  const entry = (
    r: ItemResult,
    status: "SUCCEEDED" | "FAILED",
  ): MapResultEntry & Record<string, unknown> => ({
    ExecutionArn: `${mapRunArn}:${r.taskId}`,
    Name: r.taskId,
    Status: status,
    Input: JSON.stringify({
      workflow: plan.workflow,
      threadId: plan.threadId,
      checkpointId: plan.checkpointId,
      taskId: r.taskId,
      node: r.node,
    }),
    ...(status === "FAILED"
      ? { Error: r.error?.Error ?? "States.TaskFailed", Cause: r.error?.Cause ?? "" }
      : { Output: JSON.stringify({ taskId: r.taskId, outcome: r.outcome }) }),
  });
  const failed = results.filter((r) => r.outcome === "failed").map((r) => entry(r, "FAILED"));
  const succeeded = results.filter((r) => r.outcome !== "failed").map((r) => entry(r, "SUCCEEDED"));
  const files: MapRunManifest["ResultFiles"] = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const [status, entries] of [
    ["FAILED", failed],
    ["SUCCEEDED", succeeded],
  ] as const) {
    if (entries.length === 0) continue;
    const key = `${folder}/${status}_0.json`;
    const body = JSON.stringify(entries);
    await put(s3, input.Bucket, key, body);
    files[status]?.push({ Key: key, Size: Buffer.byteLength(body) } as { Key: string });
  }
  const manifestKey = `${folder}/manifest.json`;
  const manifest: MapRunManifest = {
    DestinationBucket: input.Bucket,
    MapRunArn: mapRunArn,
    ResultFiles: files,
  };
  await put(s3, input.Bucket, manifestKey, JSON.stringify(manifest));
  return { ...plan, tasks: [], manifest: { bucket: input.Bucket, key: manifestKey } };
}

function put(s3: S3Client, bucket: string, key: string, body: string) {
  return s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }),
  );
}
