/**
 * `npm run build`: the publishable package in `dist/` (gitignored), one module per public face
 * of package.json's `exports` (`switchyard/engine`, `/local`, `/checkpoint`, `/cdk`, `/lambda`):
 *
 * - JavaScript: esbuild bundles each face's source (its `switchyard-source` export) into
 *   `dist/<same path>.js` — ESM for Node 24, the package's own modules inlined (`#engine` and the
 *   other subpath imports point at `.ts` sources, which are not published), every dependency left
 *   as an import. No shared chunks: a face keeps its source's depth, so `import.meta.dirname`
 *   means in dist what it means in the source (lib/constructs/switchyard-function.ts).
 * - Types: tsc emits declarations (tsconfig.build.json) into `dist/types/`; then every `#name`
 *   and `.ts` module specifier in them becomes the relative `.js` path of the declaration it
 *   names, since a consumer's TypeScript resolves neither.
 *
 * ```sh
 * npm run build && npm pack --dry-run
 * ```
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
const DIST = join(ROOT, "dist");
const TYPES = join(DIST, "types");

interface PackageJson {
  readonly imports: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageJson;

/** The source of every public face, from its `switchyard-source` export condition. */
export function faceSources(exports: PackageJson["exports"]): string[] {
  return Object.values(exports).flatMap((target) =>
    typeof target === "object" && target["switchyard-source"] ? [target["switchyard-source"]] : [],
  );
}

/**
 * A declaration file's text with `#name` and relative `.ts` specifiers rewritten to relative
 * `.js` paths (TypeScript maps `x.js` to the `x.d.ts` beside it).
 *
 * @example
 * rewriteSpecifiers('export * from "#core";', "local/engine.d.ts", { "#core": "./functions/core/index.ts" });
 * // 'export * from "../functions/core/index.js";'
 */
export function rewriteSpecifiers(text: string, file: string, imports: Record<string, string>): string {
  return text.replace(/((?:from|import)\s*\(?\s*)"([^"]+)"/g, (whole, lead: string, spec: string) => {
    let target = spec;
    if (spec.startsWith("#")) {
      const mapped = imports[spec];
      if (!mapped) throw new Error(`${file}: no package import ${spec}`);
      target = relative(dirname(file), mapped);
      if (!target.startsWith(".")) target = `./${target}`;
    } else if (!spec.startsWith(".")) {
      return whole;
    }
    return `${lead}"${target.replace(/\.ts$/, ".js")}"`;
  });
}

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".d.ts"))
    .map((f) => join(dir, f));
}

async function main(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  const entryPoints = faceSources(pkg.exports);
  await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: DIST,
    outbase: ".",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    packages: "external",
    logLevel: "warning",
  });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  const files = declarationFiles(TYPES);
  for (const path of files) {
    const file = relative(TYPES, path);
    writeFileSync(path, rewriteSpecifiers(readFileSync(path, "utf8"), file, pkg.imports));
  }
  console.log(
    `dist/: ${entryPoints.length} faces (${entryPoints.join(", ")}), ${files.length} declaration files`,
  );
}

if (process.argv[1] === import.meta.filename) await main();
