/**
 * The saver's only door to DynamoDB: every request goes through retry and the cost counters.
 * Reads are strongly consistent: the next superstep may run in another Lambda right after a put.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  UpdateItemCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import type { RetryPolicy } from "#core";
import { untilProcessed, withStorageRetry } from "./retry.ts";
import { itemSize, readUnits, writeUnits } from "./size.ts";
import type { CheckpointStats } from "./types.ts";

export type Item = Record<string, AttributeValue>;

const BATCH_WRITE_MAX = 25;
const BATCH_GET_MAX = 100;

export function emptyStats(): CheckpointStats {
  return {
    readRequests: 0,
    writeRequests: 0,
    itemsRead: 0,
    itemsWritten: 0,
    bytesRead: 0,
    bytesWritten: 0,
    readUnits: 0,
    writeUnits: 0,
    retries: 0,
  };
}

/** One table, its key names, a retry policy and the counters. */
export class Table {
  readonly stats: CheckpointStats = emptyStats();
  constructor(
    readonly client: DynamoDBClient,
    readonly name: string,
    readonly pk: string,
    readonly sk: string,
    private readonly retry: RetryPolicy,
  ) {}

  key(pk: string, sk: string): Item {
    return { [this.pk]: { S: pk }, [this.sk]: { S: sk } };
  }

  private send<T>(run: () => Promise<T>): Promise<T> {
    return withStorageRetry(this.retry, run, () => this.stats.retries++);
  }

  /** `sign` -1 takes back items DynamoDB returned unprocessed: they were not written (or billed). */
  private countWrite(items: readonly Item[], sign = 1): void {
    for (const item of items) {
      const size = itemSize(item);
      this.stats.itemsWritten += sign;
      this.stats.bytesWritten += sign * size;
      this.stats.writeUnits += sign * writeUnits(size);
    }
  }

  private countRead(items: readonly Item[], perItemUnits: boolean): void {
    let bytes = 0;
    for (const item of items) {
      const size = itemSize(item);
      bytes += size;
      if (perItemUnits) this.stats.readUnits += readUnits(size);
    }
    if (!perItemUnits) this.stats.readUnits += readUnits(bytes);
    this.stats.itemsRead += items.length;
    this.stats.bytesRead += bytes;
  }

  /** PutItem; with `ifAbsent` it fails with `ConditionalCheckFailedException` when the key exists. */
  async put(item: Item, ifAbsent = false): Promise<void> {
    const cmd = new PutItemCommand({
      TableName: this.name,
      Item: item,
      ...(ifAbsent
        ? { ConditionExpression: "attribute_not_exists(#sk)", ExpressionAttributeNames: { "#sk": this.sk } }
        : {}),
    });
    this.stats.writeRequests++;
    this.countWrite([item]);
    await this.send(() => this.client.send(cmd));
  }

  /**
   * Sets one number attribute of an existing item (a TTL refresh); false when the item is gone.
   * Billed on the item's size, which only DynamoDB knows: its consumed capacity is counted.
   */
  async setNumber(pk: string, sk: string, attribute: string, value: number): Promise<boolean> {
    const cmd = new UpdateItemCommand({
      TableName: this.name,
      Key: this.key(pk, sk),
      UpdateExpression: "SET #a = :v",
      ConditionExpression: "attribute_exists(#sk)",
      ExpressionAttributeNames: { "#a": attribute, "#sk": this.sk },
      ExpressionAttributeValues: { ":v": { N: String(value) } },
      ReturnConsumedCapacity: "TOTAL",
    });
    this.stats.writeRequests++;
    try {
      const out = await this.send(() => this.client.send(cmd));
      this.stats.itemsWritten++;
      this.stats.writeUnits += out.ConsumedCapacity?.CapacityUnits ?? 1;
      return true;
    } catch (err) {
      if ((err as Error)?.name !== "ConditionalCheckFailedException") throw err;
      this.stats.writeUnits += 1;
      return false;
    }
  }

  async get(pk: string, sk: string, projection?: string[]): Promise<Item | undefined> {
    const names = projection ? Object.fromEntries(projection.map((p, i) => [`#p${i}`, p])) : undefined;
    const cmd = new GetItemCommand({
      TableName: this.name,
      Key: this.key(pk, sk),
      ConsistentRead: true,
      ...(names
        ? { ProjectionExpression: Object.keys(names).join(","), ExpressionAttributeNames: names }
        : {}),
    });
    this.stats.readRequests++;
    const out = await this.send(() => this.client.send(cmd));
    if (out.Item) this.countRead([out.Item], true);
    return out.Item;
  }

  /** Query pages until the caller stops reading or the results end. */
  query(input: Omit<QueryCommandInput, "TableName">): AsyncGenerator<Item[]> {
    return this.pages(
      (start) =>
        new QueryCommand({ ...input, TableName: this.name, ConsistentRead: true, ExclusiveStartKey: start }),
    );
  }

  /** Scan pages (admin listing across threads). */
  scan(input: Omit<ScanCommandInput, "TableName">): AsyncGenerator<Item[]> {
    return this.pages(
      (start) =>
        new ScanCommand({ ...input, TableName: this.name, ConsistentRead: true, ExclusiveStartKey: start }),
    );
  }

  private async *pages(
    command: (start: Item | undefined) => QueryCommand | ScanCommand,
  ): AsyncGenerator<Item[]> {
    let start: Item | undefined;
    do {
      const cmd = command(start);
      this.stats.readRequests++;
      const out = await this.send(() => this.client.send(cmd as QueryCommand));
      const items = out.Items ?? [];
      this.countRead(items, false);
      yield items;
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** BatchWriteItem in batches of 25, sent together, each resending its unprocessed items. */
  async batchWrite(requests: WriteRequest[]): Promise<void> {
    const batches: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX)
      batches.push(requests.slice(i, i + BATCH_WRITE_MAX));
    await inWaves(
      batches.map(
        (batch) => () =>
          untilProcessed(
            this.retry,
            batch,
            async (left) => {
              this.stats.writeRequests++;
              const out = await this.client.send(
                new BatchWriteItemCommand({ RequestItems: { [this.name]: left } }),
              );
              const unprocessed = out.UnprocessedItems?.[this.name] ?? [];
              this.countWrite(puts(left));
              this.countWrite(puts(unprocessed), -1);
              return unprocessed;
            },
            () => this.stats.retries++,
          ),
      ),
    );
  }

  /** BatchGetItem in batches of 100, sent together, resending unprocessed keys; order not kept. */
  async batchGet(keys: Item[]): Promise<Item[]> {
    const found: Item[] = [];
    const batches: Item[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) batches.push(keys.slice(i, i + BATCH_GET_MAX));
    await inWaves(
      batches.map(
        (batch) => () =>
          untilProcessed(
            this.retry,
            batch,
            async (left) => {
              this.stats.readRequests++;
              const out = await this.client.send(
                new BatchGetItemCommand({
                  RequestItems: { [this.name]: { Keys: left, ConsistentRead: true } },
                }),
              );
              const items = out.Responses?.[this.name] ?? [];
              this.countRead(items, true);
              found.push(...items);
              return out.UnprocessedKeys?.[this.name]?.Keys ?? [];
            },
            () => this.stats.retries++,
          ),
      ),
    );
    return found;
  }
}

/** Batches at most 8 at a time: a big thread deletion should not trip throttling on its own. */
async function inWaves(jobs: (() => Promise<void>)[], width = 8): Promise<void> {
  for (let i = 0; i < jobs.length; i += width)
    await Promise.all(jobs.slice(i, i + width).map((job) => job()));
}

const puts = (requests: readonly WriteRequest[]): Item[] =>
  requests.flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item] : []));
