import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { bundleLambdaSync, LambdaBundleError } from "../../lib/bundling/index.ts";
import { SwitchyardFunction } from "../../lib/constructs/switchyard-function.ts";

/** The synchronous build CDK synth uses (a child process), its cache, and its failure. */
const FIXTURES = resolve(import.meta.dirname, "../fixtures/bundling");

describe("bundleLambdaSync", () => {
  it("builds once per handler and externals in a process, and returns the same directory after", () => {
    const entry = join(FIXTURES, "lazy-entry.ts");
    const dir = bundleLambdaSync({ entry, external: ["b", "a"] });
    expect(existsSync(join(dir, "index.mjs"))).toBe(true);
    expect(existsSync(join(dir, "index.mjs.map"))).toBe(true);
    expect(bundleLambdaSync({ entry, external: ["a", "b"] })).toBe(dir);
    expect(bundleLambdaSync({ entry })).not.toBe(dir);
  });

  it("fails with LambdaBundleError naming the entry and esbuild's message", () => {
    const entry = join(FIXTURES, "broken-entry.ts");
    let thrown: unknown;
    try {
      bundleLambdaSync({ entry });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(LambdaBundleError);
    expect(thrown).toMatchObject({ code: "Switchyard.LambdaBundleFailed", entry });
    expect((thrown as Error).message).toMatch(/broken-entry\.ts[\s\S]*no-such-module/);
  });
});

describe("SwitchyardFunction in a stack the synth does not deploy", () => {
  it("is not bundled: its asset is an empty placeholder, as CDK's own bundling skips it", () => {
    // `cdk deploy other-stack` sets this context to the selected stacks only.
    const app = new App({ context: { "aws:cdk:bundling-stacks": ["other-stack"] } });
    const stack = new Stack(app, "not-selected");
    new SwitchyardFunction(stack, "Fn", { entry: join(FIXTURES, "broken-entry.ts") });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((d) => d.startsWith("asset."));
    expect(assets).toHaveLength(1);
    expect(readdirSync(join(assembly.directory, assets[0] as string))).toEqual(["README"]);
  });
});
