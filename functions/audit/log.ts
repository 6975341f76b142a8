import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { type AuditEntry, type AuditRecord, type AuditSeal, link } from "./chain.ts";
import { AuditWriteError } from "./errors.ts";

/**
 * A run's audit chain, append-only. `append` places an entry after the current head; several
 * writers on one run (parallel tasks in their own Lambdas) each win a distinct position through
 * a conditional write, so the chain has no gaps and no forks.
 */
export interface AuditLog {
  append(runId: string, entry: AuditEntry): Promise<AuditRecord>;
  /** Every stored record, in stored position order, as stored (verify checks them). */
  stored(runId: string): Promise<StoredRecord[]>;
  putSeal(seal: AuditSeal): Promise<void>;
  seal(runId: string): Promise<AuditSeal | undefined>;
}

/** A record where the store keeps it: its position (the key) and the body as written. */
export interface StoredRecord {
  readonly position: number;
  readonly body: string;
}

const PK_PREFIX = "audit#";
const RECORD_PREFIX = "rec#";
const SEAL_KEY = "seal";
// Writers on one run in other processes (parallel tasks' Lambdas) take positions in turn: a lost
// position costs a short, jittered wait and a read, so a superstep's fan-out settles quickly.
const MAX_ATTEMPTS = 60;
const MAX_WAIT_MS = 100;
const wait = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_WAIT_MS, 5 * attempt)));

const recordKey = (seq: number) => `${RECORD_PREFIX}${String(seq).padStart(10, "0")}`;

/**
 * The audit chain in DynamoDB, beside the run's checkpoints in the checkpoint table (partition
 * `audit#<runId>`, one item per record, the seal in its own item). Audit items carry no TTL
 * attribute, so they outlive the checkpoints they explain.
 *
 * @example
 * const log = dynamoAuditLog(client, "switchyard-dev-checkpoints");
 * await log.append("run-1", { kind: "tool", node: "classify", data: { tool: "get_trade", args: { tradeId: "T1" } } });
 */
export function dynamoAuditLog(
  client: DynamoDBClient,
  tableName: string,
  clock: () => Date = () => new Date(),
): AuditLog {
  // The last head each run was seen at in this process: most appends then need no read.
  const heads = new Map<string, AuditRecord>();
  // Appends to one run from this process go one after another: they never race each other.
  const queues = new Map<string, Promise<unknown>>();
  const readHead = async (runId: string): Promise<AuditRecord | undefined> => {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :rec)",
        ExpressionAttributeValues: { ":pk": { S: PK_PREFIX + runId }, ":rec": { S: RECORD_PREFIX } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const body = out.Items?.[0]?.body?.S;
    return body === undefined ? undefined : (JSON.parse(body) as AuditRecord);
  };
  const appendNow = async (runId: string, entry: AuditEntry): Promise<AuditRecord> => {
    let head = heads.get(runId) ?? (await readHead(runId));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const record = link(head, runId, entry, clock());
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: PK_PREFIX + runId },
              sk: { S: recordKey(record.seq) },
              seq: { N: String(record.seq) },
              body: { S: JSON.stringify(record) },
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        heads.set(runId, record);
        return record;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) {
          throw new AuditWriteError(runId, "the record could not be stored", { cause: err, retryable: true });
        }
        await wait(attempt);
        head = await readHead(runId); // another writer took the position: follow the new head
      }
    }
    throw new AuditWriteError(runId, `the chain head moved ${MAX_ATTEMPTS} times in a row`, {
      retryable: true,
    });
  };
  return {
    append(runId, entry) {
      const next = (queues.get(runId) ?? Promise.resolve()).then(
        () => appendNow(runId, entry),
        () => appendNow(runId, entry),
      );
      queues.set(runId, next);
      next
        .finally(() => {
          if (queues.get(runId) === next) queues.delete(runId);
        })
        .catch(() => undefined);
      return next;
    },
    async stored(runId) {
      const records: StoredRecord[] = [];
      let start: QueryCommandOutput["LastEvaluatedKey"];
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :rec)",
            ExpressionAttributeValues: { ":pk": { S: PK_PREFIX + runId }, ":rec": { S: RECORD_PREFIX } },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) {
          records.push({ position: Number(item.seq?.N), body: item.body?.S ?? "" });
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return records;
    },
    async putSeal(seal) {
      // Only forward: a seal over fewer records never replaces one over more.
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: PK_PREFIX + seal.runId },
              sk: { S: SEAL_KEY },
              seq: { N: String(seal.seq) },
              body: { S: JSON.stringify(seal) },
            },
            ConditionExpression: "attribute_not_exists(pk) OR seq < :seq",
            ExpressionAttributeValues: { ":seq": { N: String(seal.seq) } },
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) {
          throw new AuditWriteError(seal.runId, "the seal could not be stored", {
            cause: err,
            retryable: true,
          });
        }
      }
    },
    async seal(runId) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "pk = :pk AND sk = :seal",
          ExpressionAttributeValues: { ":pk": { S: PK_PREFIX + runId }, ":seal": { S: SEAL_KEY } },
          ConsistentRead: true,
        }),
      );
      const body = out.Items?.[0]?.body?.S;
      return body === undefined ? undefined : (JSON.parse(body) as AuditSeal);
    },
  };
}

/**
 * The same contract in memory: tests, and a replay's own record of what it did.
 */
export function memoryAuditLog(clock: () => Date = () => new Date()): AuditLog & {
  /** Direct access to stored bodies, so tests can tamper with them. */
  readonly items: Map<string, StoredRecord[]>;
} {
  const items = new Map<string, StoredRecord[]>();
  const seals = new Map<string, AuditSeal>();
  return {
    items,
    async append(runId, entry) {
      const list = items.get(runId) ?? [];
      const last = list.at(-1);
      const record = link(last ? (JSON.parse(last.body) as AuditRecord) : undefined, runId, entry, clock());
      list.push({ position: record.seq, body: JSON.stringify(record) });
      items.set(runId, list);
      return record;
    },
    stored: async (runId) => [...(items.get(runId) ?? [])],
    async putSeal(seal) {
      if ((seals.get(seal.runId)?.seq ?? 0) < seal.seq) seals.set(seal.runId, seal);
    },
    seal: async (runId) => seals.get(runId),
  };
}
