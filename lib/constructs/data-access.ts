import { Aws, Validations } from "aws-cdk-lib";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { IConstruct } from "constructs";
import { TASK_LIST_PREFIX } from "#engine";

/**
 * The data bucket as other stacks see it: by name (fixed by `resources().dataBucket`, so no
 * cross-stack export of the bucket is needed) and the key it is encrypted with.
 */
export interface DataBucketRef {
  readonly name: string;
  /** `incoming/`: where arrivals land. */
  readonly incomingPrefix: string;
  /** `runs/`: where runs write. */
  readonly outputPrefix: string;
  /** `generated/`: where a run with no data of its own writes the synthetic day it generates. */
  readonly generatedPrefix: string;
  /** The bucket's default-encryption key (the core stack's messages key). */
  readonly key: IKey;
}

export function dataBucketArn(bucket: DataBucketRef): string {
  return `arn:${Aws.PARTITION}:s3:::${bucket.name}`;
}

/**
 * Grants on the data bucket, each the exact actions a `DataStore` (`functions/trading/store`)
 * uses — not `bucket.grantRead/Put`, whose `s3:GetObject*`, `s3:List*` and `kms:GenerateDataKey*`
 * wildcards cover actions no handler calls. Key use is limited to requests S3 makes for this
 * bucket (`kms:ViaService`, and the bucket in the encryption context).
 *
 * ```
 * readAll    s3:ListBucket (bucket) + s3:GetObject (every key)            + kms:Decrypt   node functions, the API
 * writeRuns  s3:PutObject, s3:AbortMultipartUpload (runs/*, generated/*)  + kms:GenerateDataKey, kms:Decrypt
 * taskLists  the given actions on engine/* (task lists, Map results)     + kms:GenerateDataKey, kms:Decrypt
 * ```
 * The API reads every key: it checks a day's folder (list, manifest, mapping) before it accepts
 * a run, and reads what runs wrote under `runs/`; it writes nothing.
 * Object ARNs end in a wildcard because keys are named by the data (days, run ids), unknown at
 * deploy; each grant acknowledges exactly its own `AwsSolutions-IAM5` finding on `owner`.
 */
export const dataAccess = {
  readAll(grantee: IGrantable, owner: IConstruct, bucket: DataBucketRef): void {
    listBucket(grantee, bucket);
    objects(grantee, owner, bucket, ["s3:GetObject"], ["*"]);
    useKey(grantee, bucket, ["kms:Decrypt"]);
  },

  writeRuns(grantee: IGrantable, owner: IConstruct, bucket: DataBucketRef): void {
    // PutObject covers the multipart calls too; a failed multipart upload is aborted by the writer.
    const keys = [`${bucket.outputPrefix}*`, `${bucket.generatedPrefix}*`];
    objects(grantee, owner, bucket, ["s3:AbortMultipartUpload", "s3:PutObject"], keys);
    useKey(grantee, bucket, ["kms:GenerateDataKey", "kms:Decrypt"]);
  },

  /**
   * The engine's task lists and Distributed Map results under `engine/` (TASK_LIST_PREFIX):
   * start and commit write lists and commit reads the Map's results; the state machine's
   * `ItemReader` reads lists and its `ResultWriter` writes results. Each caller names its actions.
   */
  taskLists(grantee: IGrantable, owner: IConstruct, bucket: DataBucketRef, actions: string[]): void {
    objects(grantee, owner, bucket, actions, [`${TASK_LIST_PREFIX}*`]);
    const writes = actions.includes("s3:PutObject");
    useKey(grantee, bucket, writes ? ["kms:GenerateDataKey", "kms:Decrypt"] : ["kms:Decrypt"]);
  },
};

function listBucket(grantee: IGrantable, bucket: DataBucketRef): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ["s3:ListBucket"], resources: [dataBucketArn(bucket)] }),
  );
}

function objects(
  grantee: IGrantable,
  owner: IConstruct,
  bucket: DataBucketRef,
  actions: string[],
  keys: string[],
): void {
  const resources = keys.map((k) => `${dataBucketArn(bucket)}/${k}`);
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
  for (const k of keys) {
    Validations.of(owner).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket.name}/${k}]`,
      reason:
        `${actions.join(", ")} on the data bucket's ${k === "*" ? "objects" : `${k} objects`}: keys are named by ` +
        "the data (business days, run ids), unknown at deploy; the grant is limited to this bucket and prefix.",
    });
  }
}

function useKey(grantee: IGrantable, bucket: DataBucketRef, actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions,
      resources: [bucket.key.keyArn],
      conditions: {
        StringEquals: { "kms:ViaService": `s3.${Aws.REGION}.amazonaws.com` },
        // With an S3 Bucket Key the context is the bucket's ARN; without, the object's.
        StringLike: {
          "kms:EncryptionContext:aws:s3:arn": [dataBucketArn(bucket), `${dataBucketArn(bucket)}/*`],
        },
      },
    }),
  );
}
