import type { AgentPolicy } from "#models";
import type { Specialist } from "../types.ts";
import { bookingPolicy } from "./booking.ts";
import { pricingPolicy } from "./pricing.ts";
import { settlementPolicy } from "./settlement.ts";

/**
 * The specialists' offline rules, by specialist. There is no supervisor policy: the supervisor
 * routes by a table (see `routing.ts`), so no model — offline or real — decides there.
 */
export const investigationPolicies: Readonly<Record<Specialist, AgentPolicy>> = {
  pricing: pricingPolicy,
  settlement: settlementPolicy,
  booking: bookingPolicy,
};

export { bookingPolicy, pricingPolicy, settlementPolicy };
