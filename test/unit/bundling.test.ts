import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadedAtStart, startOutputs } from "../../bench/lib/bundles.ts";
import {
  bundleLambda,
  LANGSMITH_NOT_BUNDLED,
  type LambdaBundle,
  ZOD_LOCALE_NOT_BUNDLED,
} from "../../lib/bundling/index.ts";
import { externalsFor } from "../../lib/constructs/model-provider.ts";

/**
 * lib/bundling's plugins, observed where they act: the esbuild metafile (what entered the
 * bundle, and in which output file) and the bundle itself, run in a fresh Node process as
 * Lambda would import it.
 */
const FIXTURES = resolve(import.meta.dirname, "../fixtures/bundling");

/** Calls the bundle's handler with `arg` in a fresh process; its JSON result, or the thrown error's name and message. */
function runBundle(bundle: LambdaBundle, arg: unknown, env: Record<string, string> = {}): unknown {
  const script = [
    "const { handler } = await import(process.argv[1]);",
    "try { process.stdout.write(JSON.stringify({ ok: await handler(JSON.parse(process.argv[2])) })); }",
    "catch (e) { process.stdout.write(JSON.stringify({ error: e.name, code: e.code, message: e.message })); }",
  ].join("\n");
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", script, bundle.entryFile, JSON.stringify(arg)],
    { env: { ...process.env, NODE_OPTIONS: "", ...env }, encoding: "utf8" },
  );
  return JSON.parse(out);
}

/** Input files of the bundle that are real files under node_modules (a stand-in lives in a plugin namespace). */
function realInputs(bundle: LambdaBundle): string[] {
  return Object.keys(bundle.metafile.inputs).filter((f) => !f.includes(":"));
}

describe("zod locales", () => {
  let bundle: LambdaBundle;
  beforeAll(async () => {
    bundle = await bundleLambda({ entry: join(FIXTURES, "zod-entry.ts") });
  });
  afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

  it("keeps English alone: no other locale file enters the bundle", () => {
    const locales = realInputs(bundle).filter((f) => /zod\/v4\/locales\/[^/]+\.js$/.test(f));
    expect(locales.map((f) => f.split("/").at(-1))).toEqual(["en.js"]);
  });

  it("still speaks zod's default English at run time", () => {
    expect(runBundle(bundle, null)).toEqual({
      ok: { english: "function", message: "Invalid input: expected string, received number" },
    });
  });

  it("refuses to switch to a locale it left out, naming it", () => {
    expect(runBundle(bundle, "fr")).toMatchObject({
      error: ZOD_LOCALE_NOT_BUNDLED,
      code: ZOD_LOCALE_NOT_BUNDLED,
      message: expect.stringContaining("zod locale fr is not in this Lambda bundle"),
    });
  });
});

describe("LangSmith client and the load() import map", () => {
  let bundle: LambdaBundle;
  beforeAll(async () => {
    bundle = await bundleLambda({ entry: join(FIXTURES, "langchain-entry.ts") });
  });
  afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

  it("leaves LangSmith's tracing client and REST client out, RunTree in", () => {
    const inputs = realInputs(bundle);
    expect(inputs.some((f) => f.endsWith("langsmith/lib/run_trees.mjs"))).toBe(true);
    expect(inputs.filter((f) => /langsmith\/(lib\/)?client\.mjs$/.test(f))).toEqual([]);
    expect(Object.keys(bundle.metafile.inputs)).toContain(
      // esbuild names a file by its real path (node_modules may be a symlink, as in a git worktree).
      `switchyard-langsmith:${realpathSync(resolve("node_modules/langsmith/lib/client.mjs"))}`,
    );
  });

  it("leaves out what only the load() map reached (vector stores, testing fakes), messages in", () => {
    const inputs = realInputs(bundle);
    expect(inputs.some((f) => f.endsWith("@langchain/core/dist/vectorstores.js"))).toBe(false);
    expect(inputs.some((f) => f.endsWith("@langchain/core/dist/testing/index.js"))).toBe(false);
    expect(inputs.some((f) => f.endsWith("@langchain/core/dist/messages/index.js"))).toBe(true);
  });

  it("runs a runnable with tracing off, and revives a message from its serialized form", () => {
    expect(runBundle(bundle, "message")).toEqual({ ok: { doubled: 42, revived: "AIMessage" } });
  });

  it("refuses to revive what a checkpoint does not hold, naming the class", () => {
    expect(runBundle(bundle, "prompt")).toMatchObject({
      error: "Error",
      message: expect.stringMatching(
        /^Invalid namespace: .*"langchain_core","prompts".*"ChatPromptTemplate"/,
      ),
    });
  });

  it("refuses tracing to LangSmith by name when the environment asks for it", () => {
    expect(runBundle(bundle, "none", { LANGSMITH_TRACING: "true" })).toMatchObject({
      error: LANGSMITH_NOT_BUNDLED,
      code: LANGSMITH_NOT_BUNDLED,
      message: expect.stringContaining("LANGSMITH_TRACING"),
    });
  });
});

describe("@langchain/core barrels imported for effect", () => {
  let bundle: LambdaBundle;
  beforeAll(async () => {
    bundle = await bundleLambda({ entry: join(FIXTURES, "parsers-entry.ts") });
  });
  afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

  it("leaves out the XML parser only the output-parsers barrel reached, the parsers named in", () => {
    // Bytes in the output, not metafile inputs: esbuild lists a file it read even when it drops all of it.
    const bundled = (suffix: string) =>
      Object.values(bundle.metafile.outputs).reduce(
        (sum, out) =>
          sum +
          Object.entries(out.inputs)
            .filter(([file]) => file.endsWith(suffix))
            .reduce((s, [, input]) => s + input.bytesInOutput, 0),
        0,
      );
    expect(bundled("@langchain/core/dist/utils/sax-js/sax.js")).toBe(0);
    expect(bundled("@langchain/core/dist/output_parsers/xml.js")).toBe(0);
    expect(bundled("@langchain/core/dist/output_parsers/json.js")).toBeGreaterThan(0);
    expect(runBundle(bundle, null)).toEqual({ ok: { parsed: { a: 1 } } });
  });
});

describe("semver under Powertools Tracer", () => {
  let bundle: LambdaBundle;
  beforeAll(async () => {
    bundle = await bundleLambda({ entry: join(FIXTURES, "xray-entry.ts") });
  });
  afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

  it("bundles semver's gte alone for the X-Ray SDK and cls-hooked, which still load and run", () => {
    const semver = Object.values(bundle.metafile.outputs).flatMap((out) =>
      Object.entries(out.inputs)
        .filter(([file, input]) => /node_modules\/semver\//.test(file) && input.bytesInOutput > 0)
        .map(([file]) => file.replace(/.*node_modules\/semver\//, "")),
    );
    expect(semver).toContain("functions/gte.js");
    expect(semver).not.toContain("classes/range.js");
    expect(semver).not.toContain("index.js");
    expect(runBundle(bundle, null)).toEqual({ ok: { tracing: expect.any(Boolean) } });
  });
});

describe("lazy imports and source maps", () => {
  let bundle: LambdaBundle;
  beforeAll(async () => {
    bundle = await bundleLambda({ entry: join(FIXTURES, "lazy-entry.ts") });
  });
  afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

  it("puts a dynamic import in a chunk of its own that a cold start does not load", () => {
    const outputs = bundle.metafile.outputs;
    const entry = Object.keys(outputs).find((p) => p.endsWith("/index.mjs")) as string;
    const lazy = Object.keys(outputs).find((p) =>
      Object.keys(outputs[p]?.inputs ?? {}).some((i) => i.endsWith("lazy-part.ts")),
    );
    expect(lazy).toBeDefined();
    expect(lazy).not.toBe(entry);
    expect(startOutputs(bundle.metafile, entry)).not.toContain(lazy);
    expect(outputs[entry]?.imports).toContainEqual({ path: lazy, kind: "dynamic-import" });
    expect(runBundle(bundle, false)).toEqual({ ok: "eager" });
    expect(runBundle(bundle, true)).toEqual({ ok: "lazy-part-loaded" });
  });

  it("writes each source map beside its file, naming sources from the project root", () => {
    const files = readdirSync(bundle.dir, { recursive: true, encoding: "utf8" });
    for (const js of files.filter((f) => f.endsWith(".mjs"))) {
      expect(files).toContain(`${js}.map`);
      expect(readFileSync(join(bundle.dir, js), "utf8")).not.toContain("sourceMappingURL=data:");
    }
    const map = JSON.parse(readFileSync(`${bundle.entryFile}.map`, "utf8")) as { sources: string[] };
    expect(map.sources).toContain("test/fixtures/bundling/lazy-entry.ts");
  });
});

describe("model providers", () => {
  it("a chosen provider ships as a chunk the node Lambda reads only when it creates the model", async () => {
    const bundle = await bundleLambda({
      entry: resolve("functions/handlers/run-node.ts"),
      external: externalsFor("bedrock"),
    });
    const outputs = bundle.metafile.outputs;
    const entry = Object.keys(outputs).find((p) => p.endsWith("/index.mjs")) as string;
    const holding = (pkg: string) =>
      Object.keys(outputs).filter((p) =>
        Object.keys(outputs[p]?.inputs ?? {}).some((i) => i.includes(`node_modules/${pkg}/`)),
      );
    const start = startOutputs(bundle.metafile, entry);
    expect(holding("@langchain/aws").length).toBeGreaterThan(0);
    expect(holding("@langchain/aws").filter((p) => start.includes(p))).toEqual([]);
    // The providers not chosen are left out altogether.
    expect(holding("@langchain/openai")).toEqual([]);
    expect(holding("@langchain/ollama")).toEqual([]);
    rmSync(bundle.dir, { recursive: true, force: true });
  });
});

describe("one workflow per engine Lambda, and only the node code it runs", () => {
  let bundle: LambdaBundle;
  let nodeBundle: LambdaBundle;
  beforeAll(async () => {
    bundle = await bundleLambda({
      entry: resolve("functions/handlers/start.ts"),
      external: externalsFor("offline"),
    });
    nodeBundle = await bundleLambda({
      entry: resolve("functions/handlers/run-node.ts"),
      external: externalsFor("offline"),
    });
  }, 120_000);
  afterAll(() => {
    rmSync(bundle.dir, { recursive: true, force: true });
    rmSync(nodeBundle.dir, { recursive: true, force: true });
  });

  /** Output files of a bundle holding the module `file` as an `import()` chunk of its own. */
  const chunkOf = (b: LambdaBundle, file: string) =>
    Object.entries(b.metafile.outputs)
      .filter(([, o]) => o.entryPoint === file)
      .map(([p]) => resolve(p));
  /** Output files of the bundle holding a workflow's own module (its registry import() chunk). */
  const holding = (workflow: string) => chunkOf(bundle, `functions/workflows/${workflow}/workflow.ts`);
  const triageNode = (b: LambdaBundle, file: string) =>
    chunkOf(b, `functions/workflows/triage/nodes/${file}.ts`);

  it("reads no node's code at the start Lambda's cold start: nodes load where they run", () => {
    const loaded = loadedAtStart(bundle.entryFile, { WORKFLOW_NAME: "triage" }).map((f) => f.file);
    for (const node of ["detect", "classify", "human-approval", "report"]) {
      expect(triageNode(bundle, node)).toHaveLength(1);
      expect(loaded).not.toContain(triageNode(bundle, node)[0]);
    }
  });

  it("reads at start no loader, matcher, S3 SDK, agent or model code, for any workflow", () => {
    // Each arrived through a barrel import on the start path once (docs/deploy.md, "Loaded only when used").
    const nodeOnly = [
      /node_modules\/@aws-sdk\/client-s3\//,
      /^functions\/trading\/(load|match|partition\/split|source|store\/s3)/,
      /^functions\/(agents\/(?!events\.ts)|models\/|tools\/)/,
    ];
    for (const workflow of ["triage", "reconciliation", "investigation"]) {
      const loaded = new Set(loadedAtStart(bundle.entryFile, { WORKFLOW_NAME: workflow }).map((f) => f.file));
      const inputs = Object.entries(bundle.metafile.outputs)
        .filter(([path]) => loaded.has(resolve(path)))
        .flatMap(([, o]) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0))
        .map(([file]) => file);
      expect(inputs.length).toBeGreaterThan(100);
      expect({ workflow, heavy: inputs.filter((f) => nodeOnly.some((re) => re.test(f))) }).toEqual({
        workflow,
        heavy: [],
      });
    }
  });

  it("keeps the modules package.json names as having side effects: the offline policies register", () => {
    // Every other module of ours is declared free of side effects ("sideEffects"), so esbuild
    // drops what a barrel re-exports and nothing uses; these run for their registration.
    const kept = Object.values(nodeBundle.metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs)
        .filter(([, i]) => i.bytesInOutput > 0)
        .map(([file]) => file),
    );
    expect(kept).toContain("functions/workflows/triage/policies/index.ts");
    expect(kept).toContain("functions/workflows/investigation/agents.ts");
    const code = Object.keys(nodeBundle.metafile.outputs)
      .filter((p) => p.endsWith(".mjs"))
      .map((p) => readFileSync(p, "utf8"))
      .join("\n");
    // Both registration loops (triage's policies, investigation's specialists) call register().
    expect(code.match(/\.register\(/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });

  it("reads at a node Lambda's cold start its own node's code (NODE_NAME), and no other node's", () => {
    const loaded = loadedAtStart(nodeBundle.entryFile, {
      WORKFLOW_NAME: "triage",
      NODE_NAME: "classify",
    }).map((f) => f.file);
    expect(loaded).toContain(triageNode(nodeBundle, "classify")[0]);
    for (const other of ["detect", "human-approval", "report"]) {
      expect(loaded).not.toContain(triageNode(nodeBundle, other)[0]);
    }
  });

  it("reads at cold start the chunk of the workflow WORKFLOW_NAME names, and no other's", () => {
    const loaded = loadedAtStart(bundle.entryFile, { WORKFLOW_NAME: "triage" }).map((f) => f.file);
    expect(holding("triage")).toHaveLength(1);
    expect(loaded).toContain(holding("triage")[0]);
    for (const other of ["reconciliation", "investigation"]) {
      expect(holding(other)).toHaveLength(1);
      expect(loaded).not.toContain(holding(other)[0]);
    }
  });

  it("refuses to start without WORKFLOW_NAME, naming the variable", () => {
    expect(() => loadedAtStart(bundle.entryFile, { WORKFLOW_NAME: "" })).toThrow(/WORKFLOW_NAME is not set/);
  });
});
