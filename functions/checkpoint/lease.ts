/**
 * One execution per thread: a lease item beside the thread's checkpoints (same partition key,
 * sort key `lease`), taken with a conditional write by whatever starts an execution on the
 * thread (start, resume, recover) and renewed by every commit. A second execution on a thread
 * whose lease is held fails at once with `Switchyard.ThreadBusy`; a holder that died stops
 * renewing, and its lease expires.
 *
 *   execution A ─take────────renew (commit)────renew (commit)──release (ended)
 *   execution B          ─take ✗ ThreadBusy
 *   A crashed   ─take──renew ╳ ·····expires···· B ─take ✓   (A's late commit: renew ✗ ThreadBusy)
 *
 * A renewal succeeds while nobody else has taken the lease, even past its expiry: expiry only
 * lets a newcomer in, it never stops a slow holder that nobody has replaced.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { z } from "zod";
import { lazily, SwitchyardError } from "#core";
import { CheckpointCorruptError } from "./errors.ts";
import { DEFAULT_RETRY, withStorageRetry } from "./retry.ts";

/** The lease's sort key, under the thread's partition key (never a `c#`/`s#` checkpoint key). */
export const LEASE_SORT_KEY = "lease";

/**
 * A thread's lease as read back. `expiresAt` (epoch ms, 0 once released) is stored as `leaseUntil`:
 * the table's TTL attribute holds epoch seconds under a name of its own.
 */
export interface LeaseRecord {
  readonly threadId: string;
  /** The execution holding it: the run id of the execution that took it. */
  readonly holder: string;
  /** Where the holder runs (`pid 123 on host` for a local CLI); absent on AWS. */
  readonly owner?: string;
  readonly workflow?: string;
  readonly takenAt: number;
  readonly expiresAt: number;
  /**
   * How the run failed, when its holder gave the lease up on a failure — by the engine (a failed
   * plan) or by the failed-run handler (an execution that stopped: timeout, abort, a Lambda
   * failing). The next execution's `take` clears it.
   */
  readonly failure?: LeaseFailure;
}

/**
 * A run's failure as its lease records it; `status` is the execution's (FAILED when absent),
 * `checkpointId` the thread's last checkpoint when it failed. Parsed, not cast, when read back: an
 * item that does not fit is a {@link CheckpointCorruptError}, never a made-up status.
 */
const LeaseFailureSchema = lazily(() =>
  z.object({
    code: z.string().min(1),
    message: z.string(),
    node: z.string().optional(),
    status: z.enum(["FAILED", "TIMED_OUT", "ABORTED"]).optional(),
    checkpointId: z.string().optional(),
  }),
);
export type LeaseFailure = z.infer<ReturnType<typeof LeaseFailureSchema>>;

export interface ThreadLeasesOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly partitionKey?: string;
  readonly sortKey?: string;
  readonly ttlAttribute?: string;
  /**
   * How long a lease lives without a renewal. Default 900 s: the longest a Lambda runs, so a
   * live holder is never passed over between two of its commits on account of one slow call.
   */
  readonly seconds?: number;
  /**
   * How long a lease that records a failure is kept (TTL), from the release. Default 14 days, as
   * long as the failed-runs queue keeps its records: `GET /runs/{id}` reads the failure here.
   */
  readonly failureKeepDays?: number;
  /** Written on every lease this store takes (a local CLI's pid and host). */
  readonly owner?: string;
  readonly now?: () => number;
}

/** Another execution holds the thread: this one stops before touching it. Never retried. */
export class ThreadBusyError extends SwitchyardError {
  constructor(
    readonly threadId: string,
    readonly held?: LeaseRecord,
  ) {
    const by = held
      ? ` by execution ${held.holder}${held.owner ? ` (${held.owner})` : ""} until ${new Date(held.expiresAt).toISOString()}`
      : "";
    super("Switchyard.ThreadBusy", `Thread "${threadId}" is held${by}: one execution per thread.`);
  }
}

/**
 * The lease store over the checkpoint table.
 *
 * @example
 * const leases = new ThreadLeases({ client, tableName: "switchyard-dev-checkpoints" });
 * await leases.take("triage_1", "exec-1", { workflow: "triage" }); // or ThreadBusyError
 * await leases.renew("triage_1", "exec-1");
 * await leases.release("triage_1", "exec-1");
 */
export class ThreadLeases {
  /**
   * The leases in a saver's own table, under its key names: every holder of a saver (engine
   * Lambdas, the failed-run handler, the API, the local runner) builds them the same way.
   *
   * @example
   * const leases = ThreadLeases.beside(DynamoDBSaver.fromEnv(), { ttlAttribute: "ttl" });
   */
  static beside(
    saver: {
      readonly table: {
        readonly client: DynamoDBClient;
        readonly name: string;
        readonly pk: string;
        readonly sk: string;
      };
    },
    options: Omit<ThreadLeasesOptions, "client" | "tableName" | "partitionKey" | "sortKey"> = {},
  ): ThreadLeases {
    const { table } = saver;
    return new ThreadLeases({
      client: table.client,
      tableName: table.name,
      partitionKey: table.pk,
      sortKey: table.sk,
      ...options,
    });
  }

  private readonly pk: string;
  private readonly sk: string;
  private readonly ttl: string;
  private readonly ms: number;
  private readonly keepSeconds: number;
  private readonly now: () => number;

  constructor(private readonly options: ThreadLeasesOptions) {
    this.pk = options.partitionKey ?? "pk";
    this.sk = options.sortKey ?? "sk";
    this.ttl = options.ttlAttribute ?? "ttl";
    this.ms = (options.seconds ?? 900) * 1000;
    this.keepSeconds = Math.round((options.failureKeepDays ?? 14) * 86_400);
    this.now = options.now ?? Date.now;
  }

  /**
   * Takes the thread's lease for `holder` (again, if it already holds it); throws
   * {@link ThreadBusyError}. `info.from`: the holder it passes from — a continued execution's
   * successor takes it over while its predecessor still holds it (continue-as-new), and only
   * from that holder.
   */
  async take(
    threadId: string,
    holder: string,
    info: { workflow?: string; from?: string } = {},
  ): Promise<void> {
    const now = this.now();
    const expiresAt = now + this.ms;
    const item: Record<string, AttributeValue> = {
      ...this.key(threadId),
      holder: { S: holder },
      takenAt: { N: String(now) },
      leaseUntil: { N: String(expiresAt) },
      [this.ttl]: { N: String(removableAfter(expiresAt)) },
      ...(this.options.owner ? { owner: { S: this.options.owner } } : {}),
      ...(info.workflow ? { workflow: { S: info.workflow } } : {}),
    };
    await this.conditional(
      threadId,
      new PutItemCommand({
        TableName: this.options.tableName,
        Item: item,
        ConditionExpression: `attribute_not_exists(#pk) OR #holder = :holder OR #exp < :now${info.from ? " OR #holder = :from" : ""}`,
        ExpressionAttributeNames: { "#pk": this.pk, "#holder": "holder", "#exp": "leaseUntil" },
        ExpressionAttributeValues: {
          ":holder": { S: holder },
          ":now": { N: String(now) },
          ...(info.from ? { ":from": { S: info.from } } : {}),
        },
      }),
    );
  }

  /** Extends `holder`'s lease; throws {@link ThreadBusyError} when another execution took it. */
  async renew(threadId: string, holder: string): Promise<void> {
    await this.conditional(threadId, this.setExpiry(threadId, holder, this.now() + this.ms));
  }

  /**
   * Gives the lease up (the execution ended), with why the run failed if it did — a failure the
   * checkpoints cannot show (a task failing before LangGraph ran it, an engine Lambda failing).
   * A lease already taken by another stays theirs.
   */
  async release(threadId: string, holder: string, failure?: LeaseFailure): Promise<void> {
    try {
      await this.send(this.setExpiry(threadId, holder, 0, failure));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /** The thread's lease, if one was ever taken and is not yet removed. */
  async read(threadId: string): Promise<LeaseRecord | undefined> {
    const { Item } = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: this.key(threadId),
        ConsistentRead: true,
      }),
    );
    return Item ? leaseOf(threadId, Item) : undefined;
  }

  /**
   * How the thread's last execution failed, as recorded beside its checkpoints (by the engine or
   * the failed-run handler); undefined when it did not fail, or no lease was ever taken. One
   * consistent read of one item: what `GET /runs/{id}` and `switchyard status` read.
   *
   * @example
   * await leases.failureOf("triage_1"); // { code: "States.Timeout", message: "…", status: "TIMED_OUT" }
   */
  async failureOf(threadId: string): Promise<LeaseFailure | undefined> {
    return (await this.read(threadId))?.failure;
  }

  /** Whether `lease` still keeps newcomers out. */
  isLive(lease: LeaseRecord | undefined): boolean {
    return lease !== undefined && lease.expiresAt >= this.now();
  }

  /**
   * Throttles and dropped connections are retried as the saver retries them; a repeated take or
   * renewal is harmless (the holder's own lease passes the condition again).
   */
  private send(
    command: GetItemCommand | PutItemCommand | UpdateItemCommand,
  ): Promise<{ Item?: Record<string, AttributeValue> }> {
    return withStorageRetry(DEFAULT_RETRY, () => this.options.client.send(command as GetItemCommand));
  }

  private key(threadId: string): Record<string, AttributeValue> {
    return { [this.pk]: { S: threadId }, [this.sk]: { S: LEASE_SORT_KEY } };
  }

  private setExpiry(
    threadId: string,
    holder: string,
    expiresAt: number,
    failure?: LeaseFailure,
  ): UpdateItemCommand {
    const why = failure && {
      code: failure.code,
      message: failure.message.slice(0, 2000),
      node: failure.node,
      status: failure.status,
      checkpointId: failure.checkpointId,
    };
    return new UpdateItemCommand({
      TableName: this.options.tableName,
      Key: this.key(threadId),
      // A recorded failure outlives the lease's own TTL (a day past its last take): it is the
      // run's status for as long as operators may still resume it.
      // A renewal moves the TTL with the lease, so a run longer than a day keeps its lease item.
      UpdateExpression: why
        ? "SET #exp = :exp, failure = :why, #ttl = :keep"
        : expiresAt > 0
          ? "SET #exp = :exp, #ttl = :keep REMOVE failure"
          : "SET #exp = :exp REMOVE failure",
      ConditionExpression: "#holder = :holder",
      ExpressionAttributeNames: {
        "#holder": "holder",
        "#exp": "leaseUntil",
        ...(why || expiresAt > 0 ? { "#ttl": this.ttl } : {}),
      },
      ExpressionAttributeValues: {
        ":holder": { S: holder },
        ":exp": { N: String(expiresAt) },
        ...(why
          ? {
              ":why": { S: JSON.stringify(why) },
              ":keep": { N: String(Math.ceil(this.now() / 1000) + this.keepSeconds) },
            }
          : expiresAt > 0
            ? { ":keep": { N: String(removableAfter(expiresAt)) } }
            : {}),
      },
    });
  }

  private async conditional(threadId: string, command: PutItemCommand | UpdateItemCommand): Promise<void> {
    try {
      await this.send(command as PutItemCommand);
    } catch (err) {
      if (
        !(
          err instanceof ConditionalCheckFailedException ||
          (err as Error).name === "ConditionalCheckFailedException"
        )
      )
        throw err;
      throw new ThreadBusyError(threadId, await this.read(threadId));
    }
  }
}

/** A lease item as a {@link LeaseRecord} (also for scans that read lease items among others). */
export function leaseOf(threadId: string, item: Record<string, AttributeValue>): LeaseRecord {
  return {
    threadId,
    holder: item.holder?.S ?? "",
    ...(item.owner?.S ? { owner: item.owner.S } : {}),
    ...(item.workflow?.S ? { workflow: item.workflow.S } : {}),
    takenAt: Number(item.takenAt?.N ?? 0),
    expiresAt: Number(item.leaseUntil?.N ?? 0),
    ...(item.failure?.S ? { failure: failureOf(threadId, item.failure.S) } : {}),
  };
}

function failureOf(threadId: string, stored: string): LeaseFailure {
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch (cause) {
    throw new CheckpointCorruptError(
      `The lease of thread "${threadId}" records a failure that is not JSON.`,
      {
        cause,
      },
    );
  }
  const parsed = LeaseFailureSchema().safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "failure"}: ${i.message}`).join("; ");
    throw new CheckpointCorruptError(
      `The lease of thread "${threadId}" records an unreadable failure (${why}).`,
    );
  }
  return parsed.data;
}

/**
 * When DynamoDB's TTL may remove a lease item nobody touches again (epoch seconds): a day past the
 * lease's expiry, moved on by every take and renewal.
 */
function removableAfter(expiresAtMs: number): number {
  return Math.ceil(expiresAtMs / 1000) + 86_400;
}
