import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { NotFoundError } from "./errors.ts";
import { DeskSchema } from "./schemas.ts";
import type { TradeDataStore } from "./store.ts";
import type { LimitCheck } from "./types.ts";

/** `check_limit`: would an extra exposure push a desk over its gross or single-trade limit? */
export function checkLimitTool(store: TradeDataStore) {
  return tool(
    async ({ desk, additionalNotionalUsd }): Promise<LimitCheck> => {
      const limit = store.limit(desk);
      if (!limit) throw new NotFoundError("desk", desk);
      const usedUsd = Math.round(store.deskGrossUsd(desk));
      return {
        desk,
        limitUsd: limit.grossNotionalLimitUsd,
        usedUsd,
        headroomUsd: limit.grossNotionalLimitUsd - usedUsd,
        utilizationAfter:
          Math.round(((usedUsd + additionalNotionalUsd) / limit.grossNotionalLimitUsd) * 10_000) / 10_000,
        additionalNotionalUsd,
        wouldBreach: usedUsd + additionalNotionalUsd > limit.grossNotionalLimitUsd,
        singleTradeLimitUsd: limit.singleTradeLimitUsd,
        exceedsSingleTradeLimit: additionalNotionalUsd > limit.singleTradeLimitUsd,
      };
    },
    {
      name: "check_limit",
      description:
        "Check a desk's gross notional limit: current use, headroom, and whether an additional USD exposure would breach it or the single-trade limit.",
      schema: z.object({
        desk: DeskSchema,
        additionalNotionalUsd: z
          .number()
          .finite()
          .nonnegative("additionalNotionalUsd must be zero or more")
          .default(0)
          .describe("Extra absolute exposure in USD to test against the limits"),
      }),
    },
  );
}
