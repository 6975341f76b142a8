import type { AddressInfo } from "node:net";
import dynalite from "dynalite";
import { startFauxqs } from "fauxqs";

/** A running emulator: where to reach it and how to stop it. */
export interface Emulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const LOOPBACK = "127.0.0.1";

/**
 * DynamoDB on loopback (dynalite). In memory unless `path` is given, in which case the LevelDB
 * files there survive restarts. Tables become ACTIVE at once (`createTableMs: 0`).
 */
export async function startDynamoDb(path?: string): Promise<Emulator> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path ? { path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * SQS, SNS and S3 on loopback, one endpoint (fauxqs). In memory unless `dataDir` is given
 * (queues and topics in SQLite there); S3 objects are kept as plain files under `s3Dir` when it
 * is given — inspectable, and large objects stay out of the database.
 */
export async function startSqsSns(dataDir?: string, region = "us-east-1", s3Dir?: string): Promise<Emulator> {
  const server = await startFauxqs({
    port: 0,
    host: LOOPBACK,
    logger: false,
    defaultRegion: region,
    ...(dataDir ? { dataDir } : {}),
    ...(s3Dir ? { s3StorageDir: s3Dir } : {}),
  });
  return { endpoint: `http://${LOOPBACK}:${server.port}`, stop: () => server.stop() };
}
