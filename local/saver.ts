import { hostname } from "node:os";
import { DynamoDBSaver, ThreadLeases } from "#checkpoint";
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

const leaseStores = new WeakMap<LocalAws, ThreadLeases>();

/**
 * The thread leases over the embedded AWS's checkpoint table, as the Lambdas take them on AWS;
 * each lease names this process, so a later CLI can tell a crashed holder from a live one.
 */
export function localLeases(aws: LocalAws): ThreadLeases {
  let leases = leaseStores.get(aws);
  if (!leases) {
    leases = ThreadLeases.beside(localSaver(aws), {
      ttlAttribute: aws.resources.checkpointTable.ttlAttribute,
      owner: localOwner(),
    });
    leaseStores.set(aws, leases);
  }
  return leases;
}

/** How a local lease names its holder's process: `pid <pid> on <host>`. */
export function localOwner(pid = process.pid): string {
  return `pid ${pid} on ${hostname()}`;
}
