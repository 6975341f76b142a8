import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { lazily } from "#core";
import { TaskListUnreadableError } from "./errors.ts";
import type {
  ManifestRef,
  SuperstepPlan,
  TaskFailure,
  TaskListRef,
  TaskListStore,
  TaskRef,
} from "./types.ts";

/**
 * A wide superstep's task list and its Map run's results, in S3 (docs/engine.md, "Scale: the
 * Distributed Map"): `start`/`commit` write the list, the Distributed Map's `ItemReader` reads it
 * and its `ResultWriter` writes each child execution's outcome beside it, and `commit` reads the
 * failed ones back from the manifest. Locally the same code runs on the embedded S3.
 *
 * ```
 * engine/<workflow>/<thread>/<checkpoint>/tasks.json                     [{ id, node }, …]
 * engine/<workflow>/<thread>/<checkpoint>/results/<map run>/manifest.json  ResultWriter's
 * ```
 */
export const TASK_LIST_PREFIX = "engine/";

/** One child execution's record in a `ResultWriter` result file (the fields the engine reads). */
// Each schema here is built on first use (lazily, #core): only a wide superstep reads one.
const ResultEntry = lazily(() =>
  z.object({
    Input: z.string(),
    Status: z.string().optional(),
    Error: z.string().nullish(),
    Cause: z.string().nullish(),
  }),
);
export type MapResultEntry = z.infer<ReturnType<typeof ResultEntry>>;

/** A `ResultWriter` manifest: result files by the child executions' status. */
const Manifest = lazily(() =>
  z.object({
    DestinationBucket: z.string().optional(),
    MapRunArn: z.string().optional(),
    ResultFiles: z.object({
      FAILED: z.array(z.object({ Key: z.string() })).default([]),
      PENDING: z.array(z.object({ Key: z.string() })).default([]),
      SUCCEEDED: z.array(z.object({ Key: z.string() })).default([]),
    }),
  }),
);
export type MapRunManifest = z.input<ReturnType<typeof Manifest>>;

/** The item each child execution started with: the Map's `ItemSelector`. */
const ChildInput = lazily(() => z.object({ taskId: z.string().min(1), node: z.string().min(1) }));
const TaskList = lazily(() => z.array(z.object({ id: z.string().min(1), node: z.string().min(1) })));

/** Where a plan's task list and its Map run's results go, keyed by the superstep's checkpoint. */
export function taskListKeys(plan: Pick<SuperstepPlan, "workflow" | "threadId" | "checkpointId">): {
  key: string;
  resultsPrefix: string;
} {
  const folder = [plan.workflow, plan.threadId, plan.checkpointId].map(encodeURIComponent).join("/");
  return {
    key: `${TASK_LIST_PREFIX}${folder}/tasks.json`,
    resultsPrefix: `${TASK_LIST_PREFIX}${folder}/results`,
  };
}

/**
 * The failed tasks among a Map run's FAILED child executions: each names its task in its input
 * and carries the error and cause a `Catch` would have recorded (`TaskFailure`).
 */
export function failuresOf(entries: readonly unknown[], file: string): TaskFailure[] {
  return entries.map((raw, i) => {
    const entry = ResultEntry().safeParse(raw);
    if (!entry.success)
      throw new TaskListUnreadableError(`result file ${file}`, `entry ${i}: ${issues(entry.error)}`);
    let input: unknown;
    try {
      input = JSON.parse(entry.data.Input);
    } catch {
      throw new TaskListUnreadableError(`result file ${file}`, `entry ${i}: Input is not JSON`);
    }
    const child = ChildInput().safeParse(input);
    if (!child.success)
      throw new TaskListUnreadableError(`result file ${file}`, `entry ${i}: Input: ${issues(child.error)}`);
    const { Error: code, Cause: cause } = entry.data;
    return {
      taskId: child.data.taskId,
      node: child.data.node,
      error: { ...(code ? { Error: code } : {}), ...(cause ? { Cause: cause } : {}) },
    };
  });
}

/**
 * An S3 client, or what makes one when a task list is first written or read: a Lambda whose
 * supersteps all fit in the payload then never loads the S3 SDK (see {@link S3TaskLists}).
 */
export type S3ClientSource = S3Client | (() => S3Client | Promise<S3Client>);

/** A task list in S3: one JSON array per superstep (the `ItemReader`'s `InputType: JSON`). */
export class S3TaskLists implements TaskListStore {
  private client: Promise<S3Client> | undefined;

  constructor(private readonly options: { readonly client: S3ClientSource; readonly bucket: string }) {}

  /** The client and the SDK's commands, both loaded on first use (an `import()`, once per process). */
  private async s3() {
    const source = this.options.client;
    // A client that failed to load is asked for again at the next list, not kept failed.
    this.client ??= Promise.resolve(typeof source === "function" ? source() : source).catch(
      (error: unknown) => {
        this.client = undefined;
        throw error;
      },
    );
    const [client, { GetObjectCommand, PutObjectCommand }] = await Promise.all([
      this.client,
      import("./s3-commands.ts"),
    ]);
    return { client, GetObjectCommand, PutObjectCommand };
  }

  async write(plan: SuperstepPlan, maxConcurrency: number): Promise<TaskListRef> {
    const { key, resultsPrefix } = taskListKeys(plan);
    const tasks = plan.tasks.map(({ id, node }) => ({ id, node }));
    const { client, PutObjectCommand } = await this.s3();
    await client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Body: JSON.stringify(tasks),
        ContentType: "application/json",
      }),
    );
    return { bucket: this.options.bucket, key, count: tasks.length, resultsPrefix, maxConcurrency };
  }

  async read(list: Pick<TaskListRef, "bucket" | "key">): Promise<TaskRef[]> {
    const parsed = TaskList().safeParse(await this.json(list.bucket, list.key));
    if (!parsed.success) throw new TaskListUnreadableError(`task list ${list.key}`, issues(parsed.error));
    return parsed.data;
  }

  async failures(manifest: ManifestRef): Promise<TaskFailure[]> {
    const parsed = Manifest().safeParse(await this.json(manifest.bucket, manifest.key));
    if (!parsed.success) throw new TaskListUnreadableError(`manifest ${manifest.key}`, issues(parsed.error));
    const bucket = parsed.data.DestinationBucket ?? manifest.bucket;
    const failed: TaskFailure[] = [];
    // Only FAILED files: a succeeded child ran its task and left its output in the checkpoint,
    // so commit's cost follows the failures, not the width of the fan-out.
    for (const { Key } of parsed.data.ResultFiles.FAILED) {
      const entries = await this.json(bucket, Key);
      if (!Array.isArray(entries))
        throw new TaskListUnreadableError(`result file ${Key}`, "not a JSON array");
      failed.push(...failuresOf(entries, Key));
    }
    return failed;
  }

  private async json(bucket: string, key: string): Promise<unknown> {
    const { client, GetObjectCommand } = await this.s3();
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await object.Body?.transformToString("utf-8")) ?? "";
    try {
      return JSON.parse(text);
    } catch {
      throw new TaskListUnreadableError(key, "not JSON");
    }
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}
