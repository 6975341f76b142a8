import { execFileSync } from "node:child_process";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { CREATE_REQUIRE_BANNER } from "../../lib/constructs/switchyard-function.ts";
import { median } from "./table.ts";

export interface BundleFigures {
  entry: string;
  bytes: number;
  importMs: number;
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
  await build({
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
  return { entry, bytes, importMs: await coldImportMs(outfile, env, runs) };
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
