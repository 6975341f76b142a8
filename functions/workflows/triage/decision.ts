import { z } from "zod";

/**
 * The answer a person gives, published as the run's allowed answers (`GET /runs/{id}`,
 * `switchyard describe`): the resume path stamps who gave it and when (`stampVote` in `#agents`).
 * Apart from the `human_approval` node, so the workflow's result declares it without loading the node.
 */
export const Decision = z.union([
  z.enum(["approve", "reject"]),
  z.strictObject({ decision: z.enum(["approve", "reject"]), comment: z.string().max(2_000).optional() }),
]);
