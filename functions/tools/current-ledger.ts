import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ConfigurationError, checkpointTableName, readEnv, resources } from "#config";
import { dynamoEffectsLedger } from "./dynamodb-ledger.ts";
import type { EffectsLedger } from "./effect-types.ts";
import { inMemoryEffectsLedger } from "./memory-ledger.ts";

let bound: EffectsLedger | undefined;
let fromEnv: EffectsLedger | undefined;

/**
 * Binds the ledger that side-effect nodes apply through, until the returned function restores the
 * previous one. The composition root binds it: tests an in-memory or embedded-DynamoDB ledger,
 * the CLI the embedded AWS's table. Node functions receive only their state, so the ledger is
 * found here rather than passed in.
 *
 * @example
 * const unbind = bindEffectsLedger(inMemoryEffectsLedger());
 * try { await runInProcess(triage, input, { aws }); } finally { unbind(); }
 */
export function bindEffectsLedger(ledger: EffectsLedger): () => void {
  const previous = bound;
  bound = ledger;
  return () => {
    bound = previous;
  };
}

/**
 * The ledger in force: the bound one; else, with `CHECKPOINT_TABLE` set (every deployed node
 * Lambda), the DynamoDB ledger on that table; else one in-memory ledger for this process.
 * A Lambda without the table refuses to fall back to memory: across invocations, memory would
 * forget an effect and apply it again.
 *
 * @throws ConfigurationError in a Lambda without `CHECKPOINT_TABLE`.
 */
export function currentEffectsLedger(
  source: Record<string, string | undefined> = process.env,
): EffectsLedger {
  if (bound) return bound;
  if (source.AWS_LAMBDA_FUNCTION_NAME && !source.CHECKPOINT_TABLE) {
    throw new ConfigurationError("Side-effect tools need CHECKPOINT_TABLE for their effects ledger.");
  }
  if (fromEnv) return fromEnv;
  const env = readEnv(source);
  if (env.CHECKPOINT_TABLE) {
    const spec = resources(env.SWITCHYARD_STAGE).checkpointTable;
    fromEnv = dynamoEffectsLedger({
      client: new DynamoDBClient({ region: env.AWS_REGION }),
      tableName: checkpointTableName(env),
      partitionKey: spec.partitionKey,
      sortKey: spec.sortKey,
    });
  } else {
    fromEnv = inMemoryEffectsLedger();
  }
  return fromEnv;
}
