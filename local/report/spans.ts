import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";

/** A finished span as the local view stores it: plain JSON, times in ms since the epoch. */
export interface StoredSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly start: number;
  readonly end: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly error?: string;
  readonly links: readonly string[];
}

const ms = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;

/** The captured spans as {@link StoredSpan}s, in start order. */
export function storeSpans(spans: readonly ReadableSpan[]): StoredSpan[] {
  return spans
    .map((s) => {
      const parent = s.parentSpanContext?.spanId;
      const error =
        s.status.code === 2 ? String(s.attributes["error.type"] ?? s.status.message ?? "error") : undefined;
      return {
        name: s.name,
        traceId: s.spanContext().traceId,
        spanId: s.spanContext().spanId,
        ...(parent ? { parentSpanId: parent } : {}),
        start: ms(s.startTime),
        end: ms(s.endTime),
        attributes: { ...s.attributes },
        ...(error ? { error } : {}),
        links: s.links.map((l) => l.context.spanId),
      };
    })
    .sort((a, b) => a.start - b.start);
}

/** `.switchyard/traces/<thread>.json`: what `switchyard inspect <thread> --trace` reads. */
export async function writeTrace(
  dir: string,
  threadId: string,
  spans: readonly StoredSpan[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${threadId}.json`);
  await writeFile(path, `${JSON.stringify(spans, null, 1)}\n`);
  return path;
}

export async function readTrace(dir: string, threadId: string): Promise<StoredSpan[]> {
  return JSON.parse(await readFile(join(dir, `${threadId}.json`), "utf8")) as StoredSpan[];
}

/**
 * The span tree as text: one line per span, indented under its parent, with its duration,
 * tokens and error. A span whose parent is not in the set (a remote parent) is a root.
 *
 * @example
 * formatSpanTree(spans);
 * // invoke_workflow triage  412 ms
 * //   invoke_agent detect  31 ms
 * //     execute_tool search_breaks  2 ms
 */
export function formatSpanTree(spans: readonly StoredSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, StoredSpan[]>();
  for (const s of spans) {
    const key = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
    children.set(key, [...(children.get(key) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of children.get(parent) ?? []) {
      const tokens =
        s.attributes["gen_ai.usage.input_tokens"] === undefined
          ? ""
          : `  tokens ${s.attributes["gen_ai.usage.input_tokens"]}→${s.attributes["gen_ai.usage.output_tokens"]}`;
      const error = s.error ? `  ✗ ${s.error}` : "";
      const links = s.links.length > 0 ? `  ↪ links ${s.links.join(", ")}` : "";
      lines.push(
        `${"  ".repeat(depth)}${s.name}  ${Math.round(s.end - s.start)} ms${tokens}${error}${links}`,
      );
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}
