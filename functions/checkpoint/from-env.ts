/** Saver options from the environment, through the shared config module (fail fast on bad values). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { checkpointTableName, readEnv, resources } from "#config";
import type { DynamoDBSaverOptions } from "./types.ts";

export type FromEnvOptions = Partial<DynamoDBSaverOptions> & { env?: Record<string, string | undefined> };

/**
 * `CHECKPOINT_TABLE` (else the stage's table), `CHECKPOINT_TTL_DAYS`, `AWS_REGION`, and the key
 * and TTL attribute names of the stage's resource module; explicit options win. The SDK client
 * honours `AWS_ENDPOINT_URL_DYNAMODB`, which the embedded AWS sets.
 *
 * @example
 * const saver = new DynamoDBSaver(saverOptionsFromEnv({ env: { CHECKPOINT_TTL_DAYS: "7" } }));
 */
export function saverOptionsFromEnv(options: FromEnvOptions = {}): DynamoDBSaverOptions {
  const { env: source, ...overrides } = options;
  const env = readEnv(source);
  const spec = resources(env.SWITCHYARD_STAGE).checkpointTable;
  return {
    partitionKey: spec.partitionKey,
    sortKey: spec.sortKey,
    ttlAttribute: spec.ttlAttribute,
    ttlDays: env.CHECKPOINT_TTL_DAYS,
    ...overrides,
    // One attempt per send: the saver's own loop (retry.ts) retries throttles with backoff; the
    // SDK's three attempts inside it would make up to 24 calls of one.
    client: overrides.client ?? new DynamoDBClient({ region: env.AWS_REGION, maxAttempts: 1 }),
    tableName: overrides.tableName ?? checkpointTableName(env),
  };
}
