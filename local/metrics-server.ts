import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrometheusRegistry } from "#telemetry";

/** The content type Prometheus scrapes (text exposition format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * A request handler answering `GET /metrics` from the registry; anything else gets `false`
 * so a host server (`npm run serve`) can mount it before its own routes.
 *
 * @example
 * createServer((req, res) => metricsRoute(registry)(req, res) || api(req, res));
 */
export function metricsRoute(registry: PrometheusRegistry) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") return false;
    res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE }).end(registry.render());
    return true;
  };
}

/**
 * A tiny `/metrics` server on 127.0.0.1 for local Prometheus scrapes (port 0: any free port).
 *
 * @example
 * const { url, close } = await startMetricsServer(registry, 9464);
 * // prometheus.yml: static_configs: [{ targets: ["127.0.0.1:9464"] }]
 */
export async function startMetricsServer(
  registry: PrometheusRegistry,
  port = 0,
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const route = metricsRoute(registry);
  const server = createServer((req, res) => {
    if (!route(req, res))
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/metrics`,
    server,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
