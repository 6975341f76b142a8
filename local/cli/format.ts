import type { RunSummary, SuperstepPlan } from "#engine";

/** Terminal formatting for the CLI: plain text, readable without colour, aligned figures. */
export function formatPlan(plan: SuperstepPlan): string {
  if (plan.status !== "running") return `  step ${plan.step}: ${plan.status}`;
  const byNode = new Map<string, number>();
  for (const t of plan.tasks) byNode.set(t.node, (byNode.get(t.node) ?? 0) + 1);
  const nodes = [...byNode].map(([node, n]) => (n > 1 ? `${node} ×${n}` : node)).join(", ");
  return `  step ${plan.step}: ${plan.tasks.length === 0 ? "committing" : `running ${nodes}`}`;
}

export function formatSummary(summary: RunSummary, facts: Readonly<Record<string, string>>): string {
  const lines = [summary.headline, ""];
  if (summary.steps.length > 0) {
    lines.push("What each agent did:");
    const width = Math.max(...summary.steps.map((s) => s.node.length));
    for (const s of summary.steps) lines.push(`  ${s.node.padEnd(width)}  ${s.did}`);
    lines.push("");
  }
  lines.push(...table("Figures", summary.figures), "", ...table("Run", facts));
  return lines.join("\n");
}

function table(title: string, rows: Readonly<Record<string, number | string>>): string[] {
  const entries = Object.entries(rows);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([k]) => k.length));
  return [
    `${title}:`,
    ...entries.map(
      ([k, v]) => `  ${k.padEnd(width)}  ${typeof v === "number" ? v.toLocaleString("en-US") : v}`,
    ),
  ];
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
