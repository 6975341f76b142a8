import type { Break, Match, QuarantinedRow } from "../breaks.ts";
import { type DataStore, joinUri } from "../store/index.ts";
import { breaksCsv } from "./csv.ts";

/** Where a run's outputs are, by name: what `--json` and `GET /runs/{id}` point to. */
export interface RunOutputs {
  readonly breaks: string;
  readonly breaksCsv: string;
  readonly matches: string;
  readonly quarantine: string;
}

/** The output file names under a run's output location. */
export const OUTPUT_FILES = {
  breaks: "breaks.json",
  breaksCsv: "breaks.csv",
  matches: "matches.json",
  quarantine: "quarantine.json",
} as const satisfies Record<keyof RunOutputs, string>;

/** The URIs a run's outputs have (or will have) under `outUri`. */
export function outputUris(outUri: string): RunOutputs {
  return {
    breaks: joinUri(outUri, OUTPUT_FILES.breaks),
    breaksCsv: joinUri(outUri, OUTPUT_FILES.breaksCsv),
    matches: joinUri(outUri, OUTPUT_FILES.matches),
    quarantine: joinUri(outUri, OUTPUT_FILES.quarantine),
  };
}

/**
 * Writes `breaks.json`, `breaks.csv` and `matches.json` under `outUri` (a folder or an S3 prefix).
 * One array element per line, so a large file diffs and greps line by line.
 *
 * @example
 * await writeResults(localStore(), ".switchyard/runs/r-1/", { breaks, matches });
 */
export async function writeResults(
  store: DataStore,
  outUri: string,
  results: { breaks: readonly Break[] } & ({ matches: readonly Match[] } | { matchLines: readonly string[] }),
): Promise<RunOutputs> {
  const uris = outputUris(outUri);
  await store.write(uris.breaks, jsonArray(results.breaks), "application/json");
  await store.write(uris.breaksCsv, breaksCsv(results.breaks), "text/csv");
  const lines = "matchLines" in results ? results.matchLines : results.matches.map((m) => JSON.stringify(m));
  await store.write(uris.matches, jsonLinesArray(lines), "application/json");
  return uris;
}

/** Writes `quarantine.json`: the rows that could not be read, with file, line, field and reason. */
export async function writeQuarantine(
  store: DataStore,
  outUri: string,
  quarantine: readonly QuarantinedRow[],
): Promise<string> {
  const uri = outputUris(outUri).quarantine;
  await store.write(uri, jsonArray(quarantine), "application/json");
  return uri;
}

/** A JSON array with one element per line. */
export function jsonArray(items: readonly unknown[]): string {
  return jsonLinesArray(items.map((item) => JSON.stringify(item)));
}

/** A JSON array of already-serialised elements, one per line. */
export function jsonLinesArray(lines: readonly string[]): string {
  return lines.length === 0 ? "[]\n" : `[\n${lines.join(",\n")}\n]\n`;
}
