import type { OnResolveArgs, PluginBuild } from "esbuild";

const RESOLVING = Symbol("switchyard-resolve-real");

/**
 * Where esbuild would resolve an import without our plugins' stand-ins: each plugin asks it
 * before replacing a file, and this marker keeps the question from reaching the plugin again.
 * Undefined for the marked re-entry and for an import esbuild cannot resolve.
 *
 * @example
 * const real = await resolveReal(build, args); // real?.path: .../node_modules/langsmith/dist/client.mjs
 */
export async function resolveReal(
  build: PluginBuild,
  args: OnResolveArgs,
): Promise<{ path: string } | undefined> {
  if (args.pluginData === RESOLVING) return undefined;
  const real = await build.resolve(args.path, {
    kind: args.kind,
    resolveDir: args.resolveDir,
    importer: args.importer,
    pluginData: RESOLVING,
  });
  return real.errors.length > 0 ? undefined : real;
}
