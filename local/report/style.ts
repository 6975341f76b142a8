/** The report's stylesheet, inlined in the page so the file stands alone. */
export const REPORT_CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e3e7ee;--ok:#1f8f5f;--ok-bg:#e6f4ed;--wait:#b7791f;--warn-bg:#fdf3e1;--bad:#c53030;--bad-bg:#fdecec;--idle:#9aa3b2;--idle-bg:#f1f3f7;--bar:#3b6fd8;--bg:#f7f8fb}
*{box-sizing:border-box}body{margin:0 auto;max-width:1280px;padding:28px 36px;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{margin-bottom:14px}.title{display:flex;align-items:center;gap:12px}h1{margin:0;font-size:26px}h2{font-size:17px;margin:26px 0 8px}h3{font-size:14px;margin:16px 0 6px}
.badge{padding:3px 10px;border-radius:999px;color:#fff;font-weight:600;text-transform:uppercase;font-size:12px;letter-spacing:.04em}
.badge.succeeded{background:var(--ok)}.badge.waiting{background:var(--wait)}.badge.failed{background:var(--bad)}
.meta,.hint{color:var(--muted);margin:6px 0}.run-error{background:var(--bad-bg);border-left:4px solid var(--bad);padding:8px 12px;border-radius:4px}
section.result{background:#fff;border:1px solid var(--line);border-left:4px solid var(--bar);border-radius:8px;padding:4px 18px 16px;margin-bottom:18px}
section.result h2{margin-top:14px}.headline{font-size:16px;font-weight:600;margin:4px 0 10px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:10px}
.figure{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;display:flex;flex-direction:column}
.figure .k{color:var(--muted);font-size:12px}.figure .v{font-size:19px;font-weight:600;font-variant-numeric:tabular-nums}
.pair{display:grid;grid-template-columns:auto 1fr;gap:24px;align-items:start}
@media (max-width:900px){.pair{grid-template-columns:1fr}}
svg.graph{background:#fff;border:1px solid var(--line);border-radius:8px;max-width:100%;height:auto;display:block}
.graph .node rect{stroke-width:1.5}.graph .node text{text-anchor:middle}.graph .node .name{font-size:13px;font-weight:600;fill:var(--fg)}.graph .node .facts{font-size:11px;fill:var(--muted)}
.graph .node.ok rect{fill:var(--ok-bg);stroke:var(--ok)}.graph .node.recovered rect{fill:var(--warn-bg);stroke:var(--wait)}
.graph .node.failed rect{fill:var(--bad-bg);stroke:var(--bad)}.graph .node.not-run rect{fill:var(--idle-bg);stroke:var(--idle);stroke-dasharray:4 3}
.graph .node.not-run .name{fill:var(--idle)}.graph .terminal circle{fill:var(--fg)}
.graph .edge path{fill:none;stroke:var(--idle);stroke-width:1.3}.graph .edge.taken path{stroke:#4a5568;stroke-width:1.8}.graph .edge.conditional path{stroke-dasharray:5 4}
.graph marker path{fill:#4a5568}.graph .fan-out rect{fill:var(--bar)}.graph .fan-out text{fill:#fff;font-size:11px;font-weight:700;text-anchor:middle}
.legend{color:var(--muted);font-size:12px;margin:4px 0 8px}.sw{display:inline-block;width:11px;height:11px;border-radius:3px;margin:0 4px 0 10px;vertical-align:-1px;border:1.5px solid}
.sw.ok{background:var(--ok-bg);border-color:var(--ok)}.sw.recovered{background:var(--warn-bg);border-color:var(--wait)}.sw.failed{background:var(--bad-bg);border-color:var(--bad)}.sw.not-run{background:var(--idle-bg);border-color:var(--idle);border-style:dashed}
svg.timeline{background:#fff;border:1px solid var(--line);border-radius:8px}
.timeline .grid line{stroke:var(--line)}.timeline text{font-size:11px;fill:#fff}.timeline .step,.timeline .tick{fill:var(--muted)}
.timeline .bar rect{fill:var(--bar)}.timeline .bar.failed rect{fill:var(--bad)}.timeline .bar.retry rect{stroke:#111;stroke-dasharray:3 2}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);font-variant-numeric:tabular-nums;vertical-align:top}th{color:var(--muted);font-weight:600;font-size:12px;background:#fafbfd}
td.cost{text-align:right;white-space:nowrap}table.nodes th,table.nodes td{white-space:nowrap}tfoot td{font-weight:700;border-bottom:none}
tr.has-errors td:first-child,tr.attention td:first-child{border-left:3px solid var(--bad)}tr.attention{background:#fffafa}
table.result td:first-child{font-weight:600;overflow-wrap:anywhere;min-width:9em}table.result td{overflow-wrap:break-word}
.scroll{max-height:460px;overflow:auto;border:1px solid var(--line);border-radius:8px}.scroll table{border:none}.scroll thead th{position:sticky;top:0;z-index:1}td.evidence{min-width:170px;max-width:260px}
a.ev{display:inline-block;font:11px ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef3fd;color:var(--bar);border-radius:4px;padding:1px 6px;margin:1px 0;text-decoration:none}
a.ev.failed{background:var(--bad-bg);color:var(--bad)}a.ev:hover{text-decoration:underline}.more{color:var(--muted);font-size:11px}
ol.evidence-list{max-height:520px;overflow:auto}ol.evidence-list,ul.errors{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 36px}ol.evidence-list li{margin:3px 0}
ol.evidence-list ul{margin:2px 0 6px;padding-left:18px}li.tool{list-style:circle}:target{background:#fff5c2;border-radius:4px}
.err{color:var(--bad)}ul.errors li{margin:4px 0}
.lvl{font-size:11px;font-weight:700;color:var(--wait)}.log.error .lvl{color:var(--bad)}.none{color:var(--muted)}
footer{margin-top:30px;color:var(--muted);font-size:12px}
`;
