import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  checkName,
  GUIDE_FILE,
  GUIDE_MARKER,
  listInGuide,
  newWorkflowCommand,
  REGISTRY_FILE,
  register,
  WorkflowNameError,
} from "../../cli/new-workflow.ts";
import { namesOf } from "../../cli/workflow-template.ts";

const ROOT = join(import.meta.dirname, "../..");
const TAKEN = ["triage", "reconciliation", "investigation"];

describe("checkName", () => {
  it("spells a name as the constant and the type prefix", () => {
    expect(checkName("end-of-day", TAKEN)).toEqual({
      name: "end-of-day",
      ident: "endOfDay",
      type: "EndOfDay",
    });
    expect(checkName("fx2", TAKEN)).toEqual({ name: "fx2", ident: "fx2", type: "Fx2" });
  });

  it.each([
    ["Fx", /lowercase words/],
    ["1fx", /lowercase words/],
    ["f", /2–40 characters/],
    ["fx--fixings", /single hyphens/],
    ["fx-", /single hyphens/],
    ["fx-2", /lowercase words/],
    ["fx_fixings", /lowercase words/],
    ["a".repeat(41), /2–40 characters/],
    ["triage", /already registered/],
    ["new", /new is a reserved word/],
    ["get-workflow", /getWorkflow is a reserved word/],
  ])("refuses %s with a typed error naming the rule", (name, reason) => {
    expect(() => checkName(name, TAKEN)).toThrow(WorkflowNameError);
    expect(() => checkName(name, TAKEN)).toThrow(reason);
  });
});

describe("register", () => {
  const registry = [
    'import type { WorkflowDefinition } from "#engine";',
    "",
    "export const WORKFLOW_MODULES: Readonly<Record<string, () => Promise<WorkflowDefinition>>> = {",
    '  triage: () => import("./triage/index.ts").then((m) => m.triage),',
    '  investigation: () => import("./investigation/index.ts").then((m) => m.investigation),',
    "};",
    "",
  ].join("\n");

  it("adds the workflow's line last, loading its module by import()", () => {
    const lines = register(registry, namesOf("fx-fixings")).split("\n");

    expect(lines.slice(4, 7)).toEqual([
      '  investigation: () => import("./investigation/index.ts").then((m) => m.investigation),',
      '  "fx-fixings": () => import("./fx-fixings/index.ts").then((m) => m.fxFixings),',
      "};",
    ]);
  });

  it("refuses a name already registered, and a registry of another shape", () => {
    expect(() => register(registry, namesOf("triage"))).toThrow(/triage is already registered/);
    expect(() => register("export const workflows = {};\n", namesOf("fx-fixings"))).toThrow(
      /no longer has the shape/,
    );
  });
});

describe("listInGuide", () => {
  it("adds one line above the marker, and refuses a guide without it", () => {
    const guide = `# Guide\n\n${GUIDE_MARKER}\n`;

    expect(listInGuide(guide, namesOf("fx-fixings"))).toBe(
      `# Guide\n\n- \`fx-fixings\`: \`functions/workflows/fx-fixings/\` (graph, state, \`defineWorkflow\`), its test \`fx-fixings.test.ts\` beside it\n${GUIDE_MARKER}\n`,
    );
    expect(() => listInGuide("# Guide\n", namesOf("fx-fixings"))).toThrow(/has lost its line/);
  });
});

describe("newWorkflowCommand, into a scratch repository", () => {
  let root: string;
  const printed: string[] = [];
  const out = (text: string) => printed.push(text);

  // The two files it edits, and what Biome needs to format what it writes.
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "switchyard-new-"));
    await mkdir(join(root, "functions/workflows"), { recursive: true });
    await mkdir(join(root, "docs"));
    for (const file of [REGISTRY_FILE, GUIDE_FILE, "biome.json", ".gitignore", "package.json"]) {
      await copyFile(join(ROOT, file), join(root, file));
    }
    await symlink(join(ROOT, "node_modules"), join(root, "node_modules"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    printed.length = 0;
  });

  it("writes the graph, its test, its registration and its line in the guide", async () => {
    const code = await newWorkflowCommand({ name: "fx-fixings", root, taken: TAKEN, out });

    expect(code).toBe(0);
    for (const file of ["state.ts", "graph.ts", "index.ts", "fx-fixings.test.ts"]) {
      expect(existsSync(join(root, "functions/workflows/fx-fixings", file)), file).toBe(true);
    }
    expect(await readFile(join(root, REGISTRY_FILE), "utf8")).toContain(
      '  "fx-fixings": () => import("./fx-fixings/index.ts").then((m) => m.fxFixings),\n};',
    );
    expect(await readFile(join(root, GUIDE_FILE), "utf8")).toContain(`- \`fx-fixings\`: `);
    expect(printed.join("\n")).toContain("npx vitest run functions/workflows/fx-fixings/fx-fixings.test.ts");
  });

  it("refuses a folder that already exists, writing nothing", async () => {
    await mkdir(join(root, "functions/workflows/fx-fixings"));
    const registry = await readFile(join(root, REGISTRY_FILE), "utf8");

    await expect(newWorkflowCommand({ name: "fx-fixings", root, taken: TAKEN, out })).rejects.toThrow(
      /functions\/workflows\/fx-fixings already exists/,
    );
    expect(await readFile(join(root, REGISTRY_FILE), "utf8")).toBe(registry);
  });

  it("leaves the repository as it was when a step fails after the first write", async () => {
    const registry = await readFile(join(root, REGISTRY_FILE), "utf8");
    const guide = await readFile(join(root, GUIDE_FILE), "utf8");
    // No Biome to format with: the last step fails, after every file is written.
    await rm(join(root, "node_modules"));
    await writeFile(join(root, "package.json"), "{}");

    await expect(newWorkflowCommand({ name: "fx-fixings", root, taken: TAKEN, out })).rejects.toThrow();
    expect(existsSync(join(root, "functions/workflows/fx-fixings"))).toBe(false);
    expect(await readFile(join(root, REGISTRY_FILE), "utf8")).toBe(registry);
    expect(await readFile(join(root, GUIDE_FILE), "utf8")).toBe(guide);
  });
});
