import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { build, type Metafile } from "esbuild";
import { ENTRY_FILE, type LambdaBuild, lambdaBuildOptions } from "./options.ts";

/**
 * This module's URL, for the child process that bundles during a synchronous CDK synth
 * (`bundle-sync.ts`): in the repository it is this file, loaded by Node's own TypeScript
 * stripping, so it imports nothing but esbuild, Node and its siblings; in the published package it
 * is the `switchyard/cdk` face, which exports {@link bundleLambda} too.
 */
export const BUNDLER_MODULE_URL = import.meta.url;

export interface LambdaBundle {
  /** The directory to upload: `index.mjs`, `chunks/`, and a `.map` beside each file. */
  readonly dir: string;
  /** Absolute path of `index.mjs`. */
  readonly entryFile: string;
  /** esbuild's account of the build: which input ended up in which output, in how many bytes. */
  readonly metafile: Metafile;
}

/**
 * Builds one Lambda's code with {@link lambdaBuildOptions} into `outdir` (a new temporary
 * directory by default). Source maps name their sources relative to the project (the nearest
 * `package.json` above the entry), not to the temporary directory, so the same code hashes to the
 * same CDK asset on every machine.
 *
 * @example
 * const { dir, metafile } = await bundleLambda({ entry: resolve("functions/handlers/run-node.ts") });
 */
export async function bundleLambda(request: LambdaBuild, outdir?: string): Promise<LambdaBundle> {
  const dir = outdir ?? (await mkdtemp(join(tmpdir(), "switchyard-lambda-")));
  const result = await build(lambdaBuildOptions(request, dir));
  await rebaseSourceMaps(dir, projectRootOf(request.entry));
  return { dir, entryFile: join(dir, ENTRY_FILE), metafile: result.metafile as Metafile };
}

/** Every `.mjs` file in a bundle directory, by path relative to it, with its size in bytes. */
export async function bundleFiles(dir: string): Promise<{ file: string; bytes: number }[]> {
  const names = await readdir(dir, { recursive: true, encoding: "utf8" });
  const files = names.filter((n) => n.endsWith(".mjs")).sort();
  return Promise.all(files.map(async (file) => ({ file, bytes: (await stat(join(dir, file))).size })));
}

async function rebaseSourceMaps(dir: string, root: string): Promise<void> {
  const names = await readdir(dir, { recursive: true, encoding: "utf8" });
  for (const name of names.filter((n) => n.endsWith(".map"))) {
    const path = join(dir, name);
    const map = JSON.parse(await readFile(path, "utf8")) as { sources: string[]; sourceRoot?: string };
    map.sources = map.sources.map((s) => relative(root, resolve(dirname(path), s)).replaceAll("\\", "/"));
    await writeFile(path, JSON.stringify(map));
  }
}

function projectRootOf(entry: string): string {
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return dirname(entry);
  }
}
