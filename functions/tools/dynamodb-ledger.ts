import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type {
  AmendmentProposal,
  ApplyOutcome,
  EffectRecord,
  EffectsLedger,
  LedgerEntry,
} from "./effect-types.ts";
import { IdempotencyConflictError } from "./errors.ts";
import { sameEffect } from "./memory-ledger.ts";

export interface DynamoEffectsLedgerOptions {
  readonly client: DynamoDBClient;
  /**
   * The checkpoint table (docs/architecture.md, "Checkpoints in DynamoDB"): effects live beside
   * checkpoints under their own prefix.
   */
  readonly tableName: string;
  readonly partitionKey?: string;
  readonly sortKey?: string;
  /** Key prefix, so tests (or tenants) can keep separate ledgers in one table. Default `""`. */
  readonly namespace?: string;
}

// Checkpoint rows have a thread id as pk and a sort key starting `c#` or `s#`; these rows have a
// pk no thread id takes and the sort key `~`, so the saver's Queries and its `c#`-filtered
// admin Scan never see them. No TTL attribute: an effect on the books outlives the run's checkpoints.
const SORT = "~";

/**
 * The {@link EffectsLedger} on DynamoDB. `apply` is ONE conditional PutItem on
 * `effect#<idempotency key>` (`attribute_not_exists`): whichever attempt writes first applied
 * the effect; every later attempt fails the condition, bumps `attempts` and reads the first
 * record back. No transaction, no lock, no read-before-write race.
 *
 * ```
 * attempt 1: PutItem effect#K if absent ✓ → applied
 * (Lambda dies before its pending write is stored; Step Functions retries the node)
 * attempt 2: PutItem effect#K if absent ✗ → UpdateItem ADD attempts 1 → first record, applied: false
 * ```
 *
 * @example
 * const ledger = dynamoEffectsLedger({ client, tableName: "switchyard-dev-checkpoints" });
 * await ledger.apply(effect);
 */
export function dynamoEffectsLedger(options: DynamoEffectsLedgerOptions): EffectsLedger {
  const { client, tableName } = options;
  const pk = options.partitionKey ?? "pk";
  const sk = options.sortKey ?? "sk";
  const ns = options.namespace ?? "";
  const key = (kind: "effect" | "proposal", id: string) => ({
    [pk]: { S: `${kind}#${ns}${id}` },
    [sk]: { S: SORT },
  });
  const read = async (k: ReturnType<typeof key>) =>
    (await client.send(new GetItemCommand({ TableName: tableName, Key: k, ConsistentRead: true }))).Item;

  const getProposal = async (proposalId: string) => {
    const item = await read(key("proposal", proposalId));
    return item?.d?.S ? (JSON.parse(item.d.S) as AmendmentProposal) : undefined;
  };

  return {
    async recordProposal(proposal) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { ...key("proposal", proposal.proposalId), d: { S: JSON.stringify(proposal) } },
            ConditionExpression: "attribute_not_exists(#pk)",
            ExpressionAttributeNames: { "#pk": pk },
          }),
        );
        return proposal;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        return (await getProposal(proposal.proposalId)) ?? proposal;
      }
    },
    proposal: getProposal,
    async apply(effect, now = new Date()): Promise<ApplyOutcome> {
      const k = key("effect", effect.idempotencyKey);
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...k,
              d: { S: JSON.stringify(effect) },
              appliedAt: { S: now.toISOString() },
              attempts: { N: "1" },
            },
            ConditionExpression: "attribute_not_exists(#pk)",
            ExpressionAttributeNames: { "#pk": pk },
          }),
        );
        return { effect, applied: true };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
      const updated = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: k,
          UpdateExpression: "ADD attempts :one",
          ExpressionAttributeValues: { ":one": { N: "1" } },
          ReturnValues: "ALL_NEW",
        }),
      );
      const first = JSON.parse(updated.Attributes?.d?.S ?? "null") as EffectRecord | null;
      if (!first || !sameEffect(first, effect)) throw new IdempotencyConflictError(effect.idempotencyKey);
      return { effect: first, applied: false };
    },
    async effect(idempotencyKey) {
      const item = await read(key("effect", idempotencyKey));
      return item && entryOf(item);
    },
    async entries() {
      const out: LedgerEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: "begins_with(#pk, :p)",
            ExpressionAttributeNames: { "#pk": pk },
            ExpressionAttributeValues: { ":p": { S: `effect#${ns}` } },
            ...(start ? { ExclusiveStartKey: start as never } : {}),
          }),
        );
        for (const item of page.Items ?? []) out.push(entryOf(item));
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
  };
}

function entryOf(item: Record<string, AttributeValue>): LedgerEntry {
  return {
    effect: JSON.parse(item.d?.S ?? "{}") as EffectRecord,
    appliedAt: item.appliedAt?.S ?? "",
    attempts: Number(item.attempts?.N ?? "1"),
  };
}
