import { describe, expect, it } from "vitest";
import { RequestBudget } from "../../provider/api/rateLimiter";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("RequestBudget", () => {
  it("never has more than maxInFlight requests running, even when a finished one asks again at once", async () => {
    const budget = new RequestBudget(1000, 2);
    let running = 0;
    let peak = 0;
    // Three workers on two slots: each releases and asks again in the same tick, while one waits.
    const worker = async () => {
      for (let round = 0; round < 20; round++) {
        const release = await budget.acquire();
        running++;
        peak = Math.max(peak, running);
        await sleep(1);
        running--;
        release();
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(peak).toBe(2);
  });
});
