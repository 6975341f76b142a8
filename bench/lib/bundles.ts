import { execFileSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Metafile } from "esbuild";
import { bundleFiles, bundleLambda, ENTRY_FILE, type LambdaBundle } from "../../lib/bundling/index.ts";
import { median } from "./table.ts";

export interface BundleFigures {
  entry: string;
  /** Every `.mjs` file of the bundle: what deploys (source maps not counted). */
  bytes: number;
  /** `index.mjs` and the chunks it imports statically: what a cold start reads and parses. */
  startBytes: number;
  /** Cold import: the median of fresh Node processes. */
  importMs: number;
  /** The bundle's heaviest packages (ours by folder), so the next regression shows where it came from. */
  top: ModuleWeight[];
}

export interface ModuleWeight {
  /** An npm package (`@langchain/core`, `zod`), or one of ours by its top folders (`functions/trading`). */
  readonly module: string;
  readonly bytes: number;
}

/**
 * The output bytes of a bundle by package, heaviest first: each input file counted under its
 * npm package (scope included), or under its first two folders when it is ours.
 *
 * @example
 * topModules(result.metafile, 10); // [{ module: "zod", bytes: 516096 }, { module: "@langchain/core", … }, …]
 */
export function topModules(metafile: Pick<Metafile, "outputs">, n: number): ModuleWeight[] {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, input] of Object.entries(output.inputs)) {
      // The last node_modules segment: a nested copy counts under the package it is.
      const pkg = [...file.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1)?.[1];
      const module = pkg ?? file.split("/").slice(0, 2).join("/");
      bytes.set(module, (bytes.get(module) ?? 0) + input.bytesInOutput);
    }
  }
  return [...bytes]
    .map(([module, b]) => ({ module, bytes: b }))
    .sort((a, b) => b.bytes - a.bytes || a.module.localeCompare(b.module))
    .slice(0, n);
}

/**
 * The output files a cold start loads: the entry and, transitively, every chunk it imports with a
 * static `import` (a dynamic `import()`'s chunk is read only when that code runs).
 *
 * @example
 * startOutputs(metafile, "out/index.mjs"); // ["out/index.mjs", "out/chunks/chunk-AB12.mjs"]
 */
export function startOutputs(metafile: Pick<Metafile, "outputs">, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imp of metafile.outputs[path]?.imports ?? []) {
      if (imp.kind === "import-statement" && !imp.external) visit(imp.path);
    }
  };
  visit(entry);
  return [...seen].filter((p) => metafile.outputs[p]);
}

/**
 * Builds a handler with `lib/bundling` — the build CDK synth deploys — and times its cold import:
 * the median of `runs` fresh Node processes.
 */
export async function measureBundle(
  entry: string,
  env: Record<string, string>,
  runs = 5,
  external: readonly string[] = [],
): Promise<BundleFigures> {
  const bundle = await bundleLambda({ entry: resolve(entry), external });
  return figuresOf(entry, bundle, await coldImportMs(bundle.entryFile, env, runs));
}

/** Sizes and top modules of a built bundle, with its measured cold import. */
export async function figuresOf(
  entry: string,
  bundle: LambdaBundle,
  importMs: number,
): Promise<BundleFigures> {
  const files = await bundleFiles(bundle.dir);
  const outputs = Object.keys(bundle.metafile.outputs);
  const entryOutput = outputs.find((p) => p.endsWith(`/${ENTRY_FILE}`) || p === ENTRY_FILE) ?? "";
  const start = new Set(startOutputs(bundle.metafile, entryOutput).map((p) => resolve(p)));
  return {
    entry,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    startBytes: files.filter((f) => start.has(resolve(bundle.dir, f.file))).reduce((s, f) => s + f.bytes, 0),
    importMs,
    top: topModules(bundle.metafile, 10),
  };
}

/** Cold import time of an empty module: the floor every bundle's figure is compared with. */
export async function emptyImportMs(runs = 5): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "switchyard-empty-"));
  const file = join(dir, "empty.mjs");
  await writeFile(file, "export const handler = () => ({});\n");
  return coldImportMs(file, {}, runs);
}

/** Import times (ms) of `file` in `runs` fresh Node processes, each as Lambda's first import. */
export function coldImportTimes(file: string, env: Record<string, string>, runs: number): number[] {
  const script =
    "const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));";
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, file], {
      env: { ...process.env, NODE_OPTIONS: "", ...env },
      encoding: "utf8",
    });
    times.push(Number(out));
  }
  return times;
}

async function coldImportMs(file: string, env: Record<string, string>, runs: number): Promise<number> {
  return median(coldImportTimes(file, env, runs));
}
