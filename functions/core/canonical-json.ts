/**
 * JSON with object keys sorted and `undefined` members left out, so equal values always give the
 * same text: what approval keys and the audit chain hash. Arrays keep their order.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: undefined }] }); // '{"a":[2,{"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
