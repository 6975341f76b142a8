import { basename } from "node:path";
import { joinUri, localStore, parseDataUri, storeOf } from "#trading";
import type { LocalAws } from "../local/local-aws.ts";
import { UsageError } from "./args.ts";

/**
 * `switchyard upload <folder> <s3://bucket/prefix/>`: copies a day's files into the embedded S3
 * (the data bucket persists in `.switchyard/aws/s3` between runs unless `--memory`), so a run can
 * name the day as it would on AWS: `run reconciliation --data s3://…/`. The manifest goes last,
 * as a desk's upload should: on AWS its arrival is what starts the day's reconciliation.
 */
export async function uploadCommand(options: {
  readonly from: string;
  readonly to: string;
  readonly aws: LocalAws;
  readonly out: (text: string) => void;
}): Promise<number> {
  if (parseDataUri(options.to).scheme !== "s3")
    throw new UsageError(`upload ${options.to}: the target is an s3:// prefix`);
  const files = (await localStore().list(options.from)).sort(
    (a, b) => Number(basename(a) === "manifest.json") - Number(basename(b) === "manifest.json"),
  );
  if (files.length === 0) throw new UsageError(`upload ${options.from}: no files there`);
  const target = storeOf(options.to);
  for (const file of files) {
    const uri = joinUri(options.to, basename(file));
    await target.write(uri, await localStore().readText(file));
    options.out(`${file} → ${uri}`);
  }
  return 0;
}
