/**
 * The two S3 commands task lists send, behind task-list.ts's `import()`: a namespace import of
 * the SDK package itself would keep every S3 command in the bundle.
 */
export { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
