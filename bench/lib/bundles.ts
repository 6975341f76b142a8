import { execFileSync, spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Metafile } from "esbuild";
import { median } from "./table.ts";

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
 * The metafile's outputs among `files` (absolute paths, e.g. what {@link loadedAtStart} observed):
 * the part of a bundle one cold start reads, for {@link topModules}.
 */
export function outputsAmong(
  metafile: Pick<Metafile, "outputs">,
  files: readonly string[],
): Pick<Metafile, "outputs"> {
  const wanted = new Set(files.map((f) => resolve(f)));
  return {
    outputs: Object.fromEntries(Object.entries(metafile.outputs).filter(([p]) => wanted.has(resolve(p)))),
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

/** Marks the loader child's answer on stdout, after anything the imported code itself printed. */
const LOADED_MARK = "\nswitchyard-loaded:";

/**
 * The files a cold start of `file` really reads, observed, not derived from the metafile: a fresh
 * Node process imports it with a module hook recording every file it loads, so a chunk the
 * handler imports at start — statically, or by an `import()` it awaits at module scope (the
 * workflow it serves) — is counted, and one it never reaches is not.
 *
 * @example
 * loadedAtStart("out/index.mjs", { WORKFLOW_NAME: "triage" });
 * // [{ file: "/tmp/…/index.mjs", bytes: 330000 }, { file: "/tmp/…/chunks/triage-AB12.mjs", … }, …]
 */
export function loadedAtStart(file: string, env: Record<string, string>): { file: string; bytes: number }[] {
  const script = [
    'import { registerHooks } from "node:module";',
    "const loaded = [];",
    "registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });",
    // The error itself, not Node's report of it: that report quotes the throwing line of a
    // minified bundle (hundreds of KiB) and is cut off when the process exits mid-write.
    "try { await import(process.argv[1]); } catch (e) {",
    "  process.stderr.write(`${e?.name ?? 'Error'}: ${e?.message ?? e}`); process.exitCode = 1;",
    "}",
    `if (!process.exitCode) process.stdout.write(${JSON.stringify(LOADED_MARK)} + JSON.stringify(loaded));`,
  ].join("\n");
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script, file], {
    env: { ...process.env, NODE_OPTIONS: "", ...env },
    encoding: "utf8",
  });
  // A failed import's stderr goes into the thrown error, not onto the bench's own output.
  if (child.status !== 0) throw new Error(`Importing ${file} failed:\n${child.stderr}`);
  const out = child.stdout;
  const urls = JSON.parse(out.slice(out.lastIndexOf(LOADED_MARK) + LOADED_MARK.length)) as string[];
  return [...new Set(urls)]
    .filter((url) => url.startsWith("file:"))
    .map((url) => fileURLToPath(url))
    .map((path) => ({ file: path, bytes: statSync(path).size }));
}
