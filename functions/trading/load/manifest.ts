import { z } from "zod";
import { IsoDate } from "../model/common.ts";
import { DayFormatError } from "./errors.ts";
import { parseJson, positionOfPath } from "./json-text.ts";
import { type Mapping, MappingSchema } from "./mapping.ts";
import type { DayStore } from "./store.ts";

/** A day's `manifest.json`: the date the reconciliation is for. Strict: nothing else may be in it. */
export const DayManifestSchema = z.strictObject({ businessDate: IsoDate });
export type DayManifest = z.infer<typeof DayManifestSchema>;

/** Reads and validates a day's `manifest.json`; a bad one refuses the load. */
export async function readManifest(store: DayStore, uri: string): Promise<DayManifest> {
  return readJsonFile(store, uri, DayManifestSchema);
}

/** Reads and validates a mapping file; a bad one refuses the load. */
export async function readMapping(store: DayStore, uri: string): Promise<Mapping> {
  return readJsonFile(store, uri, MappingSchema);
}

/** A mapping given as an object, validated like a mapping file. */
export function checkMapping(mapping: unknown, name: string): Mapping {
  const result = MappingSchema.safeParse(mapping);
  if (result.success) return result.data;
  const { path, message } = firstIssue(result.error);
  throw new DayFormatError({ file: name }, `${path.join(".") || "(top level)"}: ${message}`);
}

/** A small JSON file (read whole, a leading BOM dropped), validated by `schema`, its errors located. */
async function readJsonFile<T>(store: DayStore, uri: string, schema: z.ZodType<T>): Promise<T> {
  const text = (await store.readText(uri)).replace(/^\uFEFF/, "");
  const result = schema.safeParse(await parseJson(text, uri));
  if (result.success) return result.data;
  const { path, message } = firstIssue(result.error);
  const at = await positionOfPath(text, path);
  throw new DayFormatError({ file: uri, ...at }, `${path.join(".") || "(top level)"}: ${message}`);
}

/** The first issue's path (an unknown key included) and message. */
function firstIssue(error: z.ZodError): { path: (string | number)[]; message: string } {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
  if (issue.code === "unrecognized_keys")
    return { path: [...path, issue.keys[0] ?? ""], message: "unknown key" };
  return { path, message: issue.message };
}
