import { z } from "zod";
import { RECORD_KINDS, type RecordKind } from "../model/day.ts";
import { isCanonicalField } from "./fields.ts";
import { SCHEMA_OF } from "./kinds.ts";
import { getPath, type JsonObject, pathProblem, readSource, setPath } from "./paths.ts";

/**
 * How one export's rows become canonical records of one kind.
 *
 * - `fields`: source field → canonical field. A source field is a CSV header, or a dotted path
 *   into a JSON row (`trade.id`); a key spelled exactly as the row's own key wins over the path.
 *   A canonical field is a dotted path of the kind's schema (`counterparty.lei`, `versions.0.price`).
 *   Only mapped source fields are read: the export's other columns are ignored.
 * - `values`: canonical field → { source value → canonical value }, applied after `fields`
 *   (`{"side": {"B": "BUY", "S": "SELL"}}`). Values not listed pass unchanged (and the schema
 *   judges them); the match is exact, on the value's text.
 * - `constants`: canonical field → value, filling a field the row leaves absent
 *   (`{"channel": "CTM"}`).
 */
export const KindMappingSchema = z.strictObject({
  fields: z.record(z.string().min(1).max(256), z.string().min(1).max(256)),
  constants: z.record(z.string().min(1).max(256), z.json()).optional(),
  values: z
    .record(z.string().min(1).max(256), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])))
    .optional(),
});
export type KindMapping = z.infer<typeof KindMappingSchema>;

/**
 * A mapping file (`mapping.json`): one {@link KindMapping} per record kind that needs one. A kind
 * without an entry is read as canonical already. Every canonical field named must exist in the
 * kind's schema, and no canonical field may be the target of two source fields.
 */
export const MappingSchema = z
  .strictObject({
    instruments: KindMappingSchema.optional(),
    trades: KindMappingSchema.optional(),
    confirmations: KindMappingSchema.optional(),
    prices: KindMappingSchema.optional(),
  })
  .superRefine((mapping, ctx) => {
    for (const kind of RECORD_KINDS) {
      const entry = mapping[kind];
      if (entry) checkKindMapping(kind, entry, ctx);
    }
  });
export type Mapping = z.infer<typeof MappingSchema>;

function checkKindMapping(kind: RecordKind, entry: KindMapping, ctx: z.RefinementCtx): void {
  const problem = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path: [kind, ...path], message });
  const check = (path: (string | number)[], field: string) => {
    const why = pathProblem(field);
    if (why) problem(path, why);
    else if (!isCanonicalField(SCHEMA_OF[kind], field)) problem(path, `"${field}" is not a field of ${kind}`);
  };
  const sourceOf = new Map<string, string>();
  for (const [source, field] of Object.entries(entry.fields)) {
    check(["fields", source], field);
    const earlier = sourceOf.get(field);
    if (earlier !== undefined) problem(["fields", source], `"${field}" is already mapped from "${earlier}"`);
    sourceOf.set(field, source);
  }
  for (const field of sourceOf.keys()) {
    const inner = [...sourceOf.keys()].find((other) => other.startsWith(`${field}.`));
    if (inner)
      problem(["fields", sourceOf.get(inner) as string], `"${inner}" lies inside "${field}", also mapped`);
  }
  for (const field of Object.keys(entry.constants ?? {})) check(["constants", field], field);
  for (const field of Object.keys(entry.values ?? {})) check(["values", field], field);
}

/**
 * A source row in canonical shape: mapped fields first, then value maps, then constants where the
 * row left the field absent. `null` reads as absent. The row is not validated here.
 *
 * @example
 * applyMapping({ Side: "B", AllocRef: "T1" }, {
 *   fields: { Side: "side", AllocRef: "tradeRef" },
 *   values: { side: { B: "BUY", S: "SELL" } },
 *   constants: { channel: "CTM" },
 * });
 * // { side: "BUY", tradeRef: "T1", channel: "CTM" }
 */
export function applyMapping(row: Readonly<JsonObject>, mapping: KindMapping): JsonObject {
  const mapped: JsonObject = {};
  for (const [source, field] of Object.entries(mapping.fields)) {
    const value = readSource(row, source);
    if (value !== undefined && value !== null) setPath(mapped, field, value);
  }
  for (const [field, table] of Object.entries(mapping.values ?? {})) {
    const value = getPath(mapped, field);
    const key = typeof value === "object" || value === undefined ? undefined : String(value);
    if (key !== undefined && Object.hasOwn(table, key)) setPath(mapped, field, table[key]);
  }
  for (const [field, value] of Object.entries(mapping.constants ?? {})) {
    if (getPath(mapped, field) === undefined) setPath(mapped, field, structuredClone(value));
  }
  return mapped;
}
