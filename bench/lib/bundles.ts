import { execFileSync } from "node:child_process";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Metafile } from "esbuild";
import { CREATE_REQUIRE_BANNER } from "../../lib/constructs/switchyard-function.ts";
import { median } from "./table.ts";

export interface BundleFigures {
  entry: string;
  bytes: number;
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
 * Bundles a handler the way `SwitchyardFunction` does (ESM, minified, node24, createRequire
 * banner, SDK bundled) and times its cold import: the median of `runs` fresh Node processes.
 */
export async function measureBundle(
  entry: string,
  env: Record<string, string>,
  runs = 5,
  external: readonly string[] = [],
): Promise<BundleFigures> {
  const dir = await mkdtemp(join(tmpdir(), "switchyard-bundle-"));
  const outfile = join(dir, "index.mjs");
  const result = await build({
    metafile: true,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    minify: true,
    mainFields: ["module", "main"],
    banner: { js: CREATE_REQUIRE_BANNER },
    external: [...external],
    logLevel: "error",
  });
  const bytes = (await stat(outfile)).size;
  return {
    entry,
    bytes,
    importMs: await coldImportMs(outfile, env, runs),
    top: topModules(result.metafile, 10),
  };
}

/** Cold import time of an empty module: the floor every bundle's figure is compared with. */
export async function emptyImportMs(runs = 5): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "switchyard-empty-"));
  const file = join(dir, "empty.mjs");
  await writeFile(file, "export const handler = () => ({});\n");
  return coldImportMs(file, {}, runs);
}

async function coldImportMs(file: string, env: Record<string, string>, runs: number): Promise<number> {
  const script =
    "const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));";
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, file], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    times.push(Number(out));
  }
  return median(times);
}
