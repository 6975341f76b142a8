export { BUNDLER_MODULE_URL, bundleFiles, bundleLambda, type LambdaBundle } from "./bundle.ts";
export { bundleLambdaSync, LambdaBundleError, type SyncBuildOptions } from "./bundle-sync.ts";
export {
  CREATE_REQUIRE_BANNER,
  ENTRY_FILE,
  HANDLER_MODULE,
  type LambdaBuild,
  lambdaBuildOptions,
} from "./options.ts";
export { langchainBarrelsPlugin } from "./plugins/langchain-barrels.ts";
export { langchainLoadMapPlugin, REVIVED_NAMESPACES } from "./plugins/langchain-load-map.ts";
export { LANGSMITH_NOT_BUNDLED, langsmithClientPlugin } from "./plugins/langsmith-client.ts";
export { semverGtePlugin } from "./plugins/semver-gte.ts";
export { ZOD_LOCALE_NOT_BUNDLED, zodLocalesPlugin } from "./plugins/zod-locales.ts";
