import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";

/** The real SDK v3 clients, pointed at the emulators: only the endpoint differs from AWS. */
export interface LocalClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
}

export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly sns: string;
  readonly s3: string;
}

// The emulators accept any signature; fixed local credentials keep the SDK from searching
// the machine for real ones (and never sends real ones to loopback).
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export function createLocalClients(endpoints: LocalEndpoints, region: string): LocalClients {
  const common = { region, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 };
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    // fauxqs queue URLs use a *.localhost host that does not resolve: always use the endpoint.
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false }),
    sns: new SNSClient({ ...common, endpoint: endpoints.sns }),
    // Path-style (`<endpoint>/<bucket>/<key>`): virtual-hosted style would need `<bucket>.127.0.0.1`.
    s3: new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true }),
  };
}
