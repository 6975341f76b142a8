import { DynamoDBSaver } from "#checkpoint";
import type { LocalAws } from "./local-aws.ts";

const savers = new WeakMap<LocalAws, DynamoDBSaver>();

/**
 * The DynamoDB checkpoint saver over the embedded AWS's table — the same saver the Lambdas use
 * on AWS, only the client's endpoint differs. One per local AWS, like a warm Lambda's.
 */
export function localSaver(aws: LocalAws): DynamoDBSaver {
  let saver = savers.get(aws);
  if (!saver) {
    saver = new DynamoDBSaver({
      client: aws.clients.dynamodb,
      tableName: aws.resources.checkpointTable.name,
    });
    savers.set(aws, saver);
  }
  return saver;
}
