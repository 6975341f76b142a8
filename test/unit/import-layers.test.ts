import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The rooms of functions/, top to bottom (docs/architecture.md, "Layout"): a file may import a
 * room of a lower level only — never one above (upward) nor one beside it on its own level
 * (sideways). This list is the one place the order is written.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["handlers"],
  ["api"],
  ["ops"],
  ["ingress"],
  ["workflows"],
  ["audit"],
  ["agents", "tools"],
  ["models", "telemetry", "faults"],
  ["checkpoint", "engine", "trading"],
  ["config"],
  ["core"],
];

interface Arrow {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
  /** `import type` / `export type`: erased, but still a dependency between rooms. */
  readonly typeOnly: boolean;
  /** `import()`: loaded only when its branch runs. */
  readonly dynamic: boolean;
}

const ROOT = join(import.meta.dirname, "../..");
const ALIASES = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { imports: Record<string, string> }
).imports;

/** Every import of one source file (static, re-export and dynamic), resolved to a repo path. */
function arrowsOf(file: string): Arrow[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), "utf8"), ts.ScriptTarget.Latest);
  const arrows: Arrow[] = [];
  const add = (specifier: string, typeOnly: boolean, dynamic: boolean) => {
    const alias = ALIASES[specifier];
    const to = alias
      ? normalize(alias)
      : specifier.startsWith(".")
        ? normalize(join(dirname(file), specifier))
        : undefined;
    if (to) arrows.push({ from: file, to, specifier, typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.importClause?.isTypeOnly === true, false);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly, false);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return arrows;
}

const SOURCES = readdirSync(join(ROOT, "functions"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .map((f) => join("functions", f));
const ARROWS = SOURCES.flatMap(arrowsOf);

const roomOf = (path: string): string | undefined => /^functions\/([^/]+)\//.exec(path)?.[1];

/** The arrows between rooms that do not point strictly down `layers`, as `from → to (specifier)`. */
function layerViolations(arrows: readonly Arrow[], layers: readonly (readonly string[])[]): string[] {
  const level = new Map(layers.flatMap((rooms, i) => rooms.map((room) => [room, i] as const)));
  return arrows.flatMap((a) => {
    const from = roomOf(a.from);
    const to = roomOf(a.to);
    if (!from || !to || from === to) return [];
    const [above, below] = [level.get(from), level.get(to)];
    if (above === undefined) return [`${a.from}: room "${from}" is in no layer`];
    if (below === undefined) return [`${a.from}: room "${to}" is in no layer`];
    return below > above ? [] : [`${a.from} → ${a.to} (${a.specifier})`];
  });
}

/** Arrows from one workflow's folder into another's (or the registry): workflows stand apart. */
function crossWorkflowArrows(arrows: readonly Arrow[]): string[] {
  const workflowOf = (path: string) => /^functions\/workflows\/([^/]+)\//.exec(path)?.[1];
  return arrows
    .filter((a) => {
      const from = workflowOf(a.from);
      return from !== undefined && a.to.startsWith("functions/workflows/") && workflowOf(a.to) !== from;
    })
    .map((a) => `${a.from} → ${a.to} (${a.specifier})`);
}

/** Every file a module loads when it is imported: static, value imports only, transitively. */
function loadedAtImport(entry: string, arrows: readonly Arrow[]): Set<string> {
  const byFile = Map.groupBy(
    arrows.filter((a) => !a.typeOnly && !a.dynamic),
    (a) => a.from,
  );
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const { to } of byFile.get(file) ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

describe("the import graph of functions/", () => {
  it("reads the imports of every room", () => {
    // Assess: the scan sees real files and arrows (an empty scan would pass every rule below).
    const rooms = new Set(SOURCES.map(roomOf));
    expect([...rooms].sort()).toEqual(LAYERS.flat().sort());
    expect(ARROWS.some((a) => a.from === "functions/ops/dead-letters.ts" && a.specifier === "#ingress")).toBe(
      true,
    );
  });

  it("points only downward: no room imports one above it or beside it", () => {
    expect(layerViolations(ARROWS, LAYERS)).toEqual([]);
  });

  it("keeps each workflow to itself: none imports another", () => {
    expect(crossWorkflowArrows(ARROWS)).toEqual([]);
  });

  it("keeps the fault drills off every Lambda's default path (loaded only on demand)", () => {
    const handlers = SOURCES.filter((f) => /^functions\/handlers\/[^/]+\.ts$/.test(f));
    expect(handlers).toContain("functions/handlers/dispatcher.ts");
    for (const handler of handlers) {
      const loaded = [...loadedAtImport(handler, ARROWS)];
      const drills = loaded.filter(
        (f) => f.startsWith("functions/faults/") && f !== "functions/faults/on-demand.ts",
      );
      expect(drills, handler).toEqual([]);
    }
  });
});

/**
 * The top-level folders, top to bottom (docs/architecture.md, "The layout"): the CLI on top of the
 * embedded AWS and the infrastructure, which stand beside each other, both above the Lambda code.
 */
const FOLDERS: readonly (readonly string[])[] = [["bin"], ["cli"], ["lib", "local"], ["functions"]];

describe("the import graph of the top-level folders", () => {
  const files = FOLDERS.flat().flatMap((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"))
      .map((f) => join(folder, f)),
  );
  const folderOf = (path: string): string | undefined => /^([^/]+)\//.exec(path)?.[1];
  // The same rule as the rooms', one level up: `layerViolations` reads the room from the path.
  const asRooms = (a: Arrow): Arrow => ({ ...a, from: `functions/${a.from}`, to: `functions/${a.to}` });
  const arrows = files.flatMap(arrowsOf).filter((a) => folderOf(a.to) !== undefined);

  it("reads the imports of every folder", () => {
    expect(new Set(files.map(folderOf))).toEqual(new Set(FOLDERS.flat()));
    expect(arrows.some((a) => a.from === "bin/switchyard.ts" && folderOf(a.to) === "cli")).toBe(true);
  });

  it("keeps every public face free of top-level await, so a CommonJS app can require() it", () => {
    const faces = Object.values(
      (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, unknown> })
        .exports,
    ).flatMap((target) => {
      const source = (target as { "switchyard-source"?: string })["switchyard-source"];
      return source ? [normalize(source)] : [];
    });
    expect(faces).toContain("lib/index.ts");
    // Formatted code: a top-level statement starts at column 0; a dynamic import() is not followed.
    const awaitsAtTop = (file: string) =>
      /^(export )?((const|let|var) [^\n]*= )?await /m.test(readFileSync(join(ROOT, file), "utf8"));
    expect(awaitsAtTop("functions/handlers/engine-runtime.ts")).toBe(true); // the check sees one
    for (const face of faces) {
      const loaded = [...loadedAtImport(face, arrows)].filter((f) => f.endsWith(".ts"));
      expect(loaded.filter(awaitsAtTop), face).toEqual([]);
    }
  });

  it("points only downward: functions/ imports none of the others, only bin/ imports cli/", () => {
    expect(layerViolations(arrows.map(asRooms), FOLDERS).map((v) => v.replaceAll("functions/", ""))).toEqual(
      [],
    );
  });
});

describe("the rules themselves", () => {
  const arrow = (from: string, to: string): Arrow => ({
    from,
    to,
    specifier: to,
    typeOnly: false,
    dynamic: false,
  });

  it("reports an upward, a sideways and an unplaced arrow", () => {
    const violations = layerViolations(
      [
        arrow("functions/trading/a.ts", "functions/workflows/b.ts"),
        arrow("functions/tools/a.ts", "functions/agents/b.ts"),
        arrow("functions/newroom/a.ts", "functions/core/b.ts"),
        arrow("functions/tools/a.ts", "functions/trading/b.ts"),
      ],
      LAYERS,
    );
    expect(violations).toEqual([
      "functions/trading/a.ts → functions/workflows/b.ts (functions/workflows/b.ts)",
      "functions/tools/a.ts → functions/agents/b.ts (functions/agents/b.ts)",
      'functions/newroom/a.ts: room "newroom" is in no layer',
    ]);
  });

  it("reports one workflow importing another, and lets a workflow import itself", () => {
    expect(
      crossWorkflowArrows([
        arrow("functions/workflows/investigation/a.ts", "functions/workflows/reconciliation/b.ts"),
        arrow("functions/workflows/triage/nodes/a.ts", "functions/workflows/triage/day.ts"),
        arrow("functions/workflows/index.ts", "functions/workflows/triage/index.ts"),
      ]),
    ).toEqual([
      "functions/workflows/investigation/a.ts → functions/workflows/reconciliation/b.ts (functions/workflows/reconciliation/b.ts)",
    ]);
  });

  it("follows static value imports for what loads, not types or dynamic imports", () => {
    const loaded = loadedAtImport("functions/handlers/x.ts", [
      arrow("functions/handlers/x.ts", "functions/faults/on-demand.ts"),
      { ...arrow("functions/faults/on-demand.ts", "functions/faults/callbacks.ts"), dynamic: true },
      { ...arrow("functions/faults/on-demand.ts", "functions/faults/types.ts"), typeOnly: true },
      arrow("functions/faults/on-demand.ts", "functions/core/index.ts"),
    ]);
    expect([...loaded].sort()).toEqual([
      "functions/core/index.ts",
      "functions/faults/on-demand.ts",
      "functions/handlers/x.ts",
    ]);
  });
});
