/**
 * DynamoDB item sizes as DynamoDB bills them (attribute names count; numbers ≈ digits / 2 + 1;
 * lists and maps 3 bytes plus 1 per element). Used for the cost counters, not for limits.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * Billed size of an item in bytes.
 *
 * @example
 * itemSize({ pk: { S: "t1" }, v: { B: new Uint8Array(100) } }); // 2 + 2 + 1 + 100
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += utf8(name) + valueSize(value);
  return total;
}

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.B !== undefined) return v.B.length;
  if (v.N !== undefined) return Math.ceil(v.N.replace(/[^0-9]/g, "").length / 2) + 1;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.L !== undefined) return 3 + v.L.reduce((n, e) => n + 1 + valueSize(e), 0);
  if (v.M !== undefined) return 3 + Object.values(v.M).length + itemSize(v.M);
  if (v.SS !== undefined) return v.SS.reduce((n, s) => n + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((n, s) => n + Math.ceil(s.length / 2) + 1, 0);
  if (v.BS !== undefined) return v.BS.reduce((n, b) => n + b.length, 0);
  return 0;
}

/** Write units of one item: 1 per started KB. */
export function writeUnits(size: number): number {
  return Math.max(1, Math.ceil(size / 1024));
}

/** Strongly consistent read units: 1 per started 4 KB. */
export function readUnits(size: number): number {
  return Math.max(1, Math.ceil(size / 4096));
}
