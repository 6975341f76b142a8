/**
 * Liveness probe for a deployed stage: proves the bundle loads and the Node.js 24 runtime
 * starts, without touching any other resource (so it answers even when a dependency is down).
 *
 * @example
 * await handler(); // { ok: true, service: "switchyard" }
 */
export interface HealthResponse {
  readonly ok: true;
  readonly service: "switchyard";
}

export async function handler(): Promise<HealthResponse> {
  return { ok: true, service: "switchyard" };
}
