import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { faceSources, rewriteSpecifiers } from "../../scripts/build.ts";

/**
 * The package's public faces as package.json's export map declares them: each resolves to its
 * source in the repository (condition `switchyard-source`, which tsc and vitest use) and to the
 * built `dist/` files everyone else gets (`types`, `default`), which `npm run build` writes
 * (test/guide/your-workflow.test.ts builds, packs and imports them with plain Node).
 */
const ROOT = join(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  private?: boolean;
  files: string[];
  scripts: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};
const build = JSON.parse(
  readFileSync(join(ROOT, "tsconfig.build.json"), "utf8").replace(/^\s*\/\/.*$/gm, ""),
) as { files: string[] };

const FACES = {
  "./engine": ["defineWorkflow", "runInProcess", "runOnStepFunctions", "buildStateMachine"],
  "./local": ["startLocalAws", "startApiServer"],
  "./checkpoint": ["DynamoDBSaver"],
  "./cdk": [
    "AgentWorkflow",
    "SwitchyardCoreStack",
    "SwitchyardWorkflowStack",
    "workflowStackName",
    "SwitchyardOpsStack",
    "SwitchyardApiStack",
    "SwitchyardApi",
    "Observability",
    "Alerting",
    "Ingress",
    "SwitchyardFunction",
    "defineSwitchyard",
  ],
  "./lambda": ["workflowHandlers", "defineWorkflow"],
} as const;

describe("package.json exports", () => {
  it("is publishable: not private, ships dist/, builds with npm run build", () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.files).toContain("dist");
    expect(pkg.scripts.build).toBe("tsx scripts/build.ts");
    expect(readFileSync(join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("dist/");
  });

  it.each(Object.keys(FACES))("%s: source in the repository, types and JavaScript in dist/", (face) => {
    const target = pkg.exports[face] as Record<string, string>;
    const source = target["switchyard-source"] ?? "";
    const stem = source.replace(/^\.\//, "").replace(/\.ts$/, "");

    expect(Object.keys(target)).toEqual(["switchyard-source", "types", "default"]);
    expect(existsSync(join(ROOT, source)), source).toBe(true);
    expect(target.types).toBe(`./dist/types/${stem}.d.ts`);
    expect(target.default).toBe(`./dist/${stem}.js`);
    expect(build.files).toContain(`${stem}.ts`);
  });

  it("builds exactly the faces the map declares", () => {
    expect(faceSources(pkg.exports).sort()).toEqual(
      Object.keys(FACES)
        .map((face) => (pkg.exports[face] as Record<string, string>)["switchyard-source"])
        .sort(),
    );
  });

  it.each(Object.entries(FACES).map(([face, names]) => [`switchyard${face.slice(1)}`, names] as const))(
    "%s resolves and exports %j",
    async (specifier, names) => {
      const module = (await import(specifier)) as Record<string, unknown>;

      for (const name of names) expect(module[name], name).toBeTypeOf("function");
    },
  );
});

describe("rewriteSpecifiers (declarations for consumers)", () => {
  const imports = { "#core": "./functions/core/index.ts", "#engine": "./functions/engine/index.ts" };

  it("turns package imports into relative paths and .ts into .js", () => {
    const text = [
      'import { SwitchyardError } from "#core";',
      'export * from "./define.ts";',
      'export type { X } from "#engine";',
      'import type { Y } from "zod";',
      'type Z = import("#core").SwitchyardError;',
    ].join("\n");

    expect(rewriteSpecifiers(text, "functions/engine/errors.d.ts", imports).split("\n")).toEqual([
      'import { SwitchyardError } from "../core/index.js";',
      'export * from "./define.js";',
      'export type { X } from "./index.js";',
      'import type { Y } from "zod";',
      'type Z = import("../core/index.js").SwitchyardError;',
    ]);
  });

  it("refuses a package import the map does not have", () => {
    expect(() => rewriteSpecifiers('import "#nope";', "a.d.ts", imports)).toThrow(/no package import #nope/);
  });
});
