import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SwitchyardError } from "#core";
import { BUNDLER_MODULE_URL } from "./bundle.ts";
import type { LambdaBuild } from "./options.ts";

/** esbuild plugins run only in its asynchronous API; CDK constructs are synchronous. */
const CHILD_SCRIPT = [
  'import { readFileSync } from "node:fs";',
  "const { request, outdir, moduleUrl } = JSON.parse(readFileSync(0, 'utf8'));",
  "const { bundleLambda } = await import(moduleUrl);",
  "await bundleLambda(request, outdir);",
].join("\n");

/** A Lambda's code could not be built: esbuild's own message, naming the file and line. */
export class LambdaBundleError extends SwitchyardError {
  readonly entry: string;
  constructor(entry: string, detail: string) {
    super("Switchyard.LambdaBundleFailed", `Bundling ${entry} failed:\n${detail}`);
    this.entry = entry;
  }
}

/** Built directories by request, for this process: every function of a role shares one bundle. */
const built = new Map<string, string>();
/** Directories to remove when this process exits (CDK copied them into the cloud assembly by then). */
const temporary = new Set<string>();
let cleanupRegistered = false;

export interface SyncBuildOptions {
  /**
   * Keep the directory after this process exits: when the app disables asset staging
   * (`aws:cdk:disable-asset-staging`), the assembly points at it instead of a copy.
   */
  readonly keep?: boolean;
}

/**
 * {@link bundleLambda} for synchronous callers (a CDK construct): the build runs in a child Node
 * process, since esbuild's synchronous API takes no plugins. A request already built in this
 * process returns the same directory, so the node functions of every workflow — one handler, the
 * same externals — share one bundle and one CDK asset, and synth bundles each role once.
 *
 * @throws LambdaBundleError with esbuild's message when the build fails.
 */
export function bundleLambdaSync(request: LambdaBuild, options: SyncBuildOptions = {}): string {
  const key = JSON.stringify({ entry: request.entry, external: [...(request.external ?? [])].sort() });
  const cached = built.get(key);
  if (cached) {
    if (options.keep) temporary.delete(cached);
    return cached;
  }
  const outdir = mkdtempSync(join(tmpdir(), "switchyard-lambda-"));
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD_SCRIPT], {
    input: JSON.stringify({ request, outdir, moduleUrl: BUNDLER_MODULE_URL }),
    encoding: "utf8",
    // Not the parent's loaders (tsx, vitest): the child loads plain modules only.
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (child.status !== 0) {
    throw new LambdaBundleError(request.entry, child.error?.message ?? child.stderr);
  }
  built.set(key, outdir);
  if (!options.keep) removeAtExit(outdir);
  return outdir;
}

function removeAtExit(dir: string): void {
  temporary.add(dir);
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once("exit", () => {
    for (const d of temporary) rmSync(d, { recursive: true, force: true });
  });
}
