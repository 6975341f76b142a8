/**
 * Dotted paths into plain JSON values: `counterparty.lei` names a nested field, a numeric
 * segment an array element (`versions.0.price`).
 */

/** Segments no path may use: they would reach an object's prototype, not its data. */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);
/** The highest array index a path may name (a trade holds at most 100 versions). */
export const MAX_PATH_INDEX = 999;

export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why `path` cannot be used as a dotted path, or `undefined` when it can. */
export function pathProblem(path: string): string | undefined {
  const segments = path.split(".");
  if (segments.some((s) => s.trim() === "")) return `"${path}" has an empty segment`;
  const forbidden = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (forbidden) return `"${path}" uses the reserved name "${forbidden}"`;
  const index = segments.find((s) => /^\d+$/.test(s) && Number(s) > MAX_PATH_INDEX);
  if (index) return `"${path}" names element ${index}; the highest index is ${MAX_PATH_INDEX}`;
  return undefined;
}

/** Split paths, kept: a file's rows name the same few paths over and over. */
const SPLIT_CACHE_SIZE = 4096;
const splitCache = new Map<string, readonly string[]>();

function segmentsOf(path: string): readonly string[] {
  let segments = splitCache.get(path);
  if (!segments) {
    if (splitCache.size >= SPLIT_CACHE_SIZE) splitCache.clear();
    segments = path.split(".");
    splitCache.set(path, segments);
  }
  return segments;
}

const isIndex = (segment: string) => /^\d+$/.test(segment);

/** The value at a dotted path, or `undefined` where the path leads nowhere. */
export function getPath(value: unknown, path: string | readonly (string | number)[]): unknown {
  const segments = typeof path === "string" ? segmentsOf(path) : path;
  let here = value;
  for (const segment of segments) {
    if (Array.isArray(here) && isIndex(String(segment))) here = here[Number(segment)];
    else if (isJsonObject(here) && Object.hasOwn(here, segment)) here = here[segment];
    else return undefined;
  }
  return here;
}

/**
 * The value of a source field: a key of the row spelled exactly so (a CSV header, even one with
 * dots in it), else the dotted path into the row's nested objects.
 */
export function readSource(row: JsonObject, source: string): unknown {
  return Object.hasOwn(row, source) ? row[source] : getPath(row, source);
}

/**
 * Sets the value at a dotted path, creating objects (and arrays, for numeric segments) on the
 * way. Returns `false`, without setting the value, when a segment on the way is already a plain
 * value (or an array met by a name).
 */
export function setPath(target: JsonObject, path: string, value: unknown): boolean {
  const segments = segmentsOf(path);
  let here: JsonObject | unknown[] = target;
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i] as string;
    if (Array.isArray(here) && !isIndex(key)) return false;
    if (i === segments.length - 1) {
      assign(here, key, value);
      return true;
    }
    let next = read(here, key);
    if (next === undefined) {
      next = isIndex(segments[i + 1] as string) ? [] : {};
      assign(here, key, next);
    }
    if (!isJsonObject(next) && !Array.isArray(next)) return false;
    here = next;
  }
  return true;
}

function read(container: JsonObject | unknown[], key: string): unknown {
  if (Array.isArray(container)) return isIndex(key) ? container[Number(key)] : undefined;
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

function assign(container: JsonObject | unknown[], key: string, value: unknown): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else put(container, key, value);
}

/** Sets an own member, even one named `__proto__` (which a plain assignment would not create). */
function put(target: JsonObject, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}

/** Builds nested objects from a flat row whose keys are dotted paths (a CSV row by its header). */
export function nest(flat: Readonly<Record<string, unknown>>): JsonObject {
  const nested: JsonObject = {};
  for (const [path, value] of Object.entries(flat)) setPath(nested, path, value);
  return nested;
}

/** The value with every `null` object member removed, at any depth: null reads as absent. */
export function dropNulls(value: unknown): unknown {
  return hasNullMember(value) ? withoutNulls(value) : value;
}

function hasNullMember(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullMember);
  if (!isJsonObject(value)) return false;
  for (const key in value) {
    const member = value[key];
    if (member === null || (typeof member === "object" && hasNullMember(member))) return true;
  }
  return false;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isJsonObject(value)) return value;
  const kept: JsonObject = {};
  for (const [key, member] of Object.entries(value))
    if (member !== null) put(kept, key, withoutNulls(member));
  return kept;
}
