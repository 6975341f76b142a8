import type { Attempt } from "./attempts.ts";
import { esc, formatMs } from "./format.ts";

const ROW = 34;
const LABEL = 120;
const WIDTH = 960;

/**
 * The node attempts over time, one row per superstep, one bar per attempt: a failed attempt is
 * red, a retry outlined and marked ↻. Each bar links to the attempt in the evidence list.
 */
export function timelineSvg(attempts: readonly Attempt[]): string {
  if (attempts.length === 0) return `<p class="none">No node ran in this run.</p>`;
  const t0 = Math.min(...attempts.map((a) => a.start));
  const t1 = Math.max(...attempts.map((a) => a.end));
  const span = Math.max(1, t1 - t0);
  const steps = [...new Set(attempts.map((a) => a.step))].sort((a, b) => a - b);
  const height = steps.length * ROW + 30;
  const x = (t: number) => LABEL + ((t - t0) / span) * (WIDTH - LABEL - 10);
  const bars = attempts.map((a) => {
    const row = steps.indexOf(a.step);
    const bx = x(a.start);
    const bw = Math.max(3, x(a.end) - bx);
    const y = row * ROW + 6;
    const title = `${a.node} (step ${a.step}) ${formatMs(a.end - a.start)}${a.error ? ` — ${a.error}` : ""}${a.inputTokens ? ` — tokens ${a.inputTokens}→${a.outputTokens}` : ""}`;
    return `<a href="#span-${esc(a.spanId)}"><g class="bar${a.error ? " failed" : ""}${a.retry ? " retry" : ""}" data-node="${esc(a.node)}" data-step="${a.step}"><title>${esc(title)}</title><rect x="${bx.toFixed(1)}" y="${y}" width="${bw.toFixed(1)}" height="${ROW - 12}" rx="4"></rect><text x="${(bx + 4).toFixed(1)}" y="${y + 15}">${a.retry ? "↻ " : ""}${esc(a.node)}</text></g></a>`;
  });
  const labels = steps.map((s, i) => `<text class="step" x="8" y="${i * ROW + 21}">step ${s}</text>`);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const gx = LABEL + f * (WIDTH - LABEL - 10);
    // The last tick's label ends at its line, so it stays inside the picture.
    const anchor = f === 1 ? ' text-anchor="end"' : "";
    return `<line x1="${gx.toFixed(1)}" y1="0" x2="${gx.toFixed(1)}" y2="${height - 22}"></line><text class="tick" x="${gx.toFixed(1)}" y="${height - 6}"${anchor}>${esc(formatMs(f * span))}</text>`;
  });
  return `<svg class="timeline" role="img" aria-label="Node attempts per superstep over time" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg"><g class="grid">${grid.join("")}</g>${labels.join("")}${bars.join("")}</svg>`;
}
