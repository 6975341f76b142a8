import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { type RetryPolicy, withRetry } from "#core";
import { encodeMessageBody } from "#ingress";
import type { Alert } from "./alerts.ts";

/**
 * Grouping and rate limiting of alerts, in DynamoDB: one item per alert key and window, counted
 * with conditional updates, so any number of notifier instances agree without coordination.
 *
 * ```
 * alert k at t ─▶ item (pk = k, sk = window start): ADD count 1, keep the first and last alert
 *                   condition: not yet claimed (else it counts in the next window)
 * window ended ─▶ flush: claim (conditional SET claimedAt) ─▶ send ONE notification ×count ─▶ sentAt
 *                   a lost claim means another notifier sends it; a failed send releases the claim
 * ```
 * Items expire through TTL a day after their window.
 */
export interface AlertGroup {
  readonly key: string;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly count: number;
  readonly first: Alert;
  readonly last: Alert;
}

export interface AlertWindowsOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly windowSeconds: number;
  /** DynamoDB throttles and 5xx retry with backoff (default policy of `withRetry`). */
  readonly retry?: RetryPolicy;
  /** A claim older than this is taken over (its notifier died mid-send). Default 300 s. */
  readonly claimTimeoutSeconds?: number;
}

const TTL_AFTER_WINDOW_SECONDS = 86_400;

export class AlertWindows {
  readonly #o: AlertWindowsOptions;

  constructor(options: AlertWindowsOptions) {
    if (!(options.windowSeconds >= 1)) throw new RangeError("windowSeconds must be ≥ 1");
    this.#o = options;
  }

  /** The start of the window `at` falls in (windows are aligned, so every notifier agrees). */
  windowStart(at: Date): number {
    const w = this.#o.windowSeconds;
    return Math.floor(at.getTime() / 1000 / w) * w;
  }

  /**
   * Counts one alert in its window; returns the window's count so far.
   *
   * @example
   * await windows.record(alert, new Date()); // 1, then 2, 3, ... for the same key and window
   */
  async record(alert: Alert, now: Date = new Date()): Promise<number> {
    let start = this.windowStart(now);
    // A window already flushed (a late arrival) counts in the next one, never silently.
    for (let hop = 0; hop < 3; hop++, start += this.#o.windowSeconds) {
      try {
        const out = await this.#update({
          TableName: this.#o.tableName,
          Key: { pk: { S: alert.key }, sk: { S: String(start).padStart(12, "0") } },
          UpdateExpression:
            "ADD #count :one SET #first = if_not_exists(#first, :alert), #last = :alert, " +
            "#windowEnd = :end, #expiresAt = :ttl",
          ConditionExpression: "attribute_not_exists(#claimedAt)",
          ExpressionAttributeNames: {
            "#count": "count",
            "#first": "first",
            "#last": "last",
            "#windowEnd": "windowEnd",
            "#expiresAt": "expiresAt",
            "#claimedAt": "claimedAt",
          },
          ExpressionAttributeValues: {
            ":one": { N: "1" },
            ":alert": { S: encodeMessageBody(alert) },
            ":end": { N: String(start + this.#o.windowSeconds) },
            ":ttl": { N: String(start + this.#o.windowSeconds + TTL_AFTER_WINDOW_SECONDS) },
          },
          ReturnValues: "UPDATED_NEW",
        });
        return Number(out.Attributes?.count?.N ?? 1);
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    throw new Error(`Alert ${alert.key}: three consecutive windows already flushed; clock skew?`);
  }

  /**
   * Sends every ended, unsent window once: claims it, calls `send`, marks it sent. A failing
   * `send` releases the claim and is rethrown after the other windows were tried.
   *
   * @example
   * const sent = await windows.flush(new Date(), (group) => slack(group));
   */
  async flush(now: Date, send: (group: AlertGroup) => Promise<void>): Promise<AlertGroup[]> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const due = await this.#due(nowSeconds);
    const sent: AlertGroup[] = [];
    const failures: unknown[] = [];
    for (const group of due) {
      const sk = String(group.windowStart.getTime() / 1000).padStart(12, "0");
      if (!(await this.#claim(group.key, sk, nowSeconds))) continue;
      try {
        await send(group);
      } catch (err) {
        await this.#mark(group.key, sk, "REMOVE #claimedAt", {});
        failures.push(err);
        continue;
      }
      await this.#mark(group.key, sk, "SET #sentAt = :now", { ":now": { N: String(nowSeconds) } });
      sent.push(group);
    }
    if (failures.length > 0)
      throw new AggregateError(failures, `${failures.length} alert notification(s) failed`);
    return sent;
  }

  async #due(nowSeconds: number): Promise<AlertGroup[]> {
    const groups: AlertGroup[] = [];
    let startKey: Record<string, never> | undefined;
    // The table holds a day of alert windows at most (TTL): a filtered scan is the simple way.
    do {
      const out = await this.#scan({
        TableName: this.#o.tableName,
        FilterExpression: "attribute_not_exists(#sentAt) AND #windowEnd <= :now",
        ExpressionAttributeNames: { "#sentAt": "sentAt", "#windowEnd": "windowEnd" },
        ExpressionAttributeValues: { ":now": { N: String(nowSeconds) } },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      for (const item of out.Items ?? []) {
        const start = Number(item.sk?.S ?? 0);
        groups.push({
          key: item.pk?.S ?? "",
          windowStart: new Date(start * 1000),
          windowEnd: new Date(Number(item.windowEnd?.N ?? start) * 1000),
          count: Number(item.count?.N ?? 0),
          first: JSON.parse(item.first?.S ?? "{}") as Alert,
          last: JSON.parse(item.last?.S ?? "{}") as Alert,
        });
      }
      startKey = out.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey);
    return groups.sort((a, b) => a.windowStart.getTime() - b.windowStart.getTime());
  }

  async #claim(key: string, sk: string, nowSeconds: number): Promise<boolean> {
    try {
      await this.#update({
        TableName: this.#o.tableName,
        Key: { pk: { S: key }, sk: { S: sk } },
        UpdateExpression: "SET #claimedAt = :now",
        ConditionExpression:
          "attribute_exists(pk) AND attribute_not_exists(#sentAt) AND " +
          "(attribute_not_exists(#claimedAt) OR #claimedAt < :stale)",
        ExpressionAttributeNames: { "#claimedAt": "claimedAt", "#sentAt": "sentAt" },
        ExpressionAttributeValues: {
          ":now": { N: String(nowSeconds) },
          ":stale": { N: String(nowSeconds - (this.#o.claimTimeoutSeconds ?? 300)) },
        },
      });
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async #mark(key: string, sk: string, update: string, values: Record<string, { N: string }>): Promise<void> {
    await this.#update({
      TableName: this.#o.tableName,
      Key: { pk: { S: key }, sk: { S: sk } },
      UpdateExpression: update,
      ExpressionAttributeNames: update.includes("#sentAt")
        ? { "#sentAt": "sentAt" }
        : { "#claimedAt": "claimedAt" },
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    });
  }

  #update(input: UpdateItemCommandInput): Promise<UpdateItemCommandOutput> {
    return withRetry(() => this.#o.client.send(new UpdateItemCommand(input)), this.#o.retry);
  }

  #scan(input: ScanCommandInput): Promise<ScanCommandOutput> {
    return withRetry(() => this.#o.client.send(new ScanCommand(input)), this.#o.retry);
  }
}
