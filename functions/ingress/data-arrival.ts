import { createHash } from "node:crypto";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { z } from "zod";
import { SwitchyardError } from "#core";
import { runRequestMessage } from "./messages.ts";
import { RUN_ID_PATTERN, type RunRequest, RunRequestSchema } from "./run-request.ts";

/**
 * Data arrival: a day's `manifest.json` created under the data bucket's `incoming/<day>/` starts
 * one run (the reconciliation) on that folder, through the requests queue like any other entry
 * point. The manifest is the day's last file (docs/data.md, "Arrival"): the data files are
 * uploaded first, so the run starts on a complete day, once.
 *
 * ```
 * s3://<bucket>/incoming/2026-11-24/trades.csv, instruments.json, … created   (no run)
 * s3://<bucket>/incoming/2026-11-24/manifest.json created                      (last)
 *   ─ S3 → EventBridge "Object Created" (rule: this bucket, key wildcard incoming/*manifest.json)
 *   ─▶ data-arrived Lambda ─ runRequestForArrival ─▶ requests queue ─▶ dispatcher ─▶ execution
 *        input {"data":{"uri":"s3://<bucket>/incoming/2026-11-24/"}}
 *   any other key reaching the handler: skipped, with the reason (the rule should not send it)
 *   a failed delivery or send: EventBridge / Lambda async retries, then the arrivals DLQ
 * ```
 * One run per manifest written: the run id is derived from the manifest's key and its S3
 * sequencer, so a redelivered event (EventBridge and Lambda retry; S3 may announce a write
 * twice) names the same execution and the dispatcher starts nothing new, while uploading the
 * manifest again — after a corrected file — starts a run that sees the day as it is now.
 */

/** The object whose arrival completes a day and starts its run: the day's manifest, uploaded last. */
export const ARRIVAL_OBJECT = "manifest.json";

/** The EventBridge event S3 sends for a new object (the fields this module reads). */
export const ObjectCreatedEventSchema = z.object({
  id: z.string().min(1).max(128),
  source: z.literal("aws.s3"),
  "detail-type": z.literal("Object Created"),
  detail: z.object({
    bucket: z.object({ name: z.string().min(3).max(63) }),
    object: z.object({
      /** URL-encoded as in every S3 notification (`+` for a space). */
      key: z.string().min(1).max(4096),
      etag: z.string().max(200).optional(),
      sequencer: z.string().max(200).optional(),
    }),
  }),
});

export type ObjectCreatedEvent = z.infer<typeof ObjectCreatedEventSchema>;

/** An event that is not an S3 "Object Created" event of the shape above: never retried into a run. */
export class InvalidObjectCreatedEventError extends SwitchyardError {
  constructor(detail: string) {
    super("Switchyard.InvalidObjectCreatedEvent", `Invalid S3 Object Created event: ${detail}`);
  }
}

export interface DataArrivalOptions {
  /** The bucket whose arrivals start runs; events of any other bucket are skipped. */
  readonly bucket: string;
  /** `incoming/`: only a day's `manifest.json`, in a folder below it, starts a run. */
  readonly incomingPrefix: string;
  /** The workflow to start (`resources().dataBucket.arrivalWorkflow`). */
  readonly workflow: string;
}

export type DataArrivalOutcome =
  | { readonly outcome: "sent"; readonly runId: string; readonly uri: string; readonly key: string }
  | { readonly outcome: "skipped"; readonly key: string; readonly reason: string };

/**
 * The object key an S3 notification names, decoded (`incoming/day+1/a%2Bb.csv` → `incoming/day 1/a+b.csv`).
 *
 * @example
 * decodeEventKey("incoming/2026-11-24/trades+v2.csv"); // "incoming/2026-11-24/trades v2.csv"
 */
export function decodeEventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replaceAll("+", "%20"));
  } catch {
    throw new InvalidObjectCreatedEventError(
      `the key ${JSON.stringify(encoded.slice(0, 200))} is not URL-encoded`,
    );
  }
}

/**
 * The folder an arrived object belongs to (its key up to the last '/', kept), or undefined when
 * it starts no run: outside the incoming prefix, directly in it (no day folder), or a folder
 * marker (a key ending in '/').
 *
 * @example
 * arrivalFolder("incoming/2026-11-24/trades.csv", "incoming/"); // "incoming/2026-11-24/"
 * arrivalFolder("incoming/trades.csv", "incoming/"); // undefined
 */
export function arrivalFolder(key: string, incomingPrefix: string): string | undefined {
  if (!key.startsWith(incomingPrefix) || key.endsWith("/")) return undefined;
  const folder = key.slice(0, key.lastIndexOf("/") + 1);
  return folder.length > incomingPrefix.length ? folder : undefined;
}

/**
 * The run id of an arrival: `s3-`, the day folder (below the incoming prefix, as id characters,
 * at most 40), and a hash of bucket, key and S3 sequencer (else etag, else the event id) — the
 * same for every delivery of one write, different for the next write.
 *
 * @example
 * arrivalRunId(event, "incoming/2026-11-24/manifest.json", "incoming/"); // "s3-2026-11-24-1f0c9a3b7d2e"
 */
export function arrivalRunId(event: ObjectCreatedEvent, key: string, incomingPrefix: string): string {
  const folder = key.slice(incomingPrefix.length, key.lastIndexOf("/"));
  const slug = folder.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);
  const { sequencer, etag } = event.detail.object;
  const hash = createHash("sha256")
    .update(`${event.detail.bucket.name}\n${key}\n${sequencer ?? etag ?? event.id}`)
    .digest("hex")
    .slice(0, 12);
  const id = `s3-${slug}-${hash}`;
  if (!RUN_ID_PATTERN.test(id)) throw new InvalidObjectCreatedEventError(`cannot derive a run id from ${id}`);
  return id;
}

/**
 * Reads an EventBridge event as an S3 Object Created event, or throws a typed, non-retryable error.
 *
 * @example
 * parseObjectCreatedEvent(event).detail.object.key; // "incoming/2026-11-24/manifest.json"
 */
export function parseObjectCreatedEvent(event: unknown): ObjectCreatedEvent {
  const parsed = ObjectCreatedEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidObjectCreatedEventError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
    );
  }
  return parsed.data;
}

/**
 * The run request an arrival makes — `{ data: { uri: "s3://<bucket>/<folder>/" } }` for the
 * arrival workflow, `source: "s3"` — or the reason it makes none: another bucket, a key not in
 * a day folder under the incoming prefix, or any object other than the day's `manifest.json`.
 *
 * @example
 * runRequestForArrival(event, { bucket: "switchyard-dev-data", incomingPrefix: "incoming/", workflow: "reconciliation" });
 * // for incoming/2026-11-24/manifest.json:
 * // { request: { runId: "s3-2026-11-24-…", workflow: "reconciliation", input: { data: { uri: "s3://switchyard-dev-data/incoming/2026-11-24/" } }, source: "s3", … } }
 */
export function runRequestForArrival(
  event: ObjectCreatedEvent,
  options: DataArrivalOptions,
  now: Date = new Date(),
): { request: RunRequest; uri: string; key: string } | { skipped: string; key: string } {
  const key = decodeEventKey(event.detail.object.key);
  const bucket = event.detail.bucket.name;
  if (bucket !== options.bucket) return { skipped: `bucket ${bucket} is not the data bucket`, key };
  const folder = arrivalFolder(key, options.incomingPrefix);
  if (!folder) return { skipped: `not in a folder under ${options.incomingPrefix}`, key };
  if (key.slice(folder.length) !== ARRIVAL_OBJECT) {
    return {
      skipped: `not the day's ${ARRIVAL_OBJECT}: a day's run starts when its manifest arrives (uploaded last)`,
      key,
    };
  }
  const uri = `s3://${bucket}/${folder}`;
  const parsed = RunRequestSchema.safeParse({
    runId: arrivalRunId(event, key, options.incomingPrefix),
    workflow: options.workflow,
    input: { data: { uri } },
    source: "s3",
    idempotencyKey: event.id,
    requestedAt: now.toISOString(),
  });
  if (!parsed.success) {
    throw new InvalidObjectCreatedEventError(
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  return { request: parsed.data, uri, key };
}

export interface StartRunOnArrivalDeps extends DataArrivalOptions {
  readonly sqs: SQSClient;
  readonly requestsQueueUrl: string;
  readonly now?: () => Date;
}

/**
 * The data-arrived Lambda's whole job: read the event, and put the run request it makes (for a
 * day's manifest) on the requests queue. A failed send throws, so Lambda retries the event and then hands it to the
 * arrivals DLQ — an arrival is never silently dropped; one that starts no run says why.
 *
 * @example
 * export const handler = (event: unknown) => startRunOnArrival(event, { sqs, requestsQueueUrl, ...arrival });
 */
export async function startRunOnArrival(
  event: unknown,
  deps: StartRunOnArrivalDeps,
): Promise<DataArrivalOutcome> {
  const arrival = runRequestForArrival(parseObjectCreatedEvent(event), deps, deps.now?.() ?? new Date());
  if ("skipped" in arrival) return { outcome: "skipped", key: arrival.key, reason: arrival.skipped };
  await deps.sqs.send(
    new SendMessageCommand({ QueueUrl: deps.requestsQueueUrl, ...runRequestMessage(arrival.request) }),
  );
  return { outcome: "sent", runId: arrival.request.runId, uri: arrival.uri, key: arrival.key };
}
