import { describe, expect, it } from "vitest";
import { lazily } from "#core";

describe("lazily", () => {
  it("builds nothing until first asked, then the same value every time", () => {
    let builds = 0;
    const value = lazily(() => {
      builds++;
      return { built: builds };
    });
    expect(builds).toBe(0);
    const first = value();
    expect(value()).toBe(first);
    expect(builds).toBe(1);
  });

  it("keeps an undefined result rather than building again", () => {
    let builds = 0;
    const value = lazily(() => {
      builds++;
      return undefined;
    });
    expect(value()).toBeUndefined();
    expect(value()).toBeUndefined();
    expect(builds).toBe(1);
  });

  it("builds again after a build that threw: nothing was kept", () => {
    let builds = 0;
    const value = lazily(() => {
      builds++;
      if (builds === 1) throw new Error("first build fails");
      return "ok";
    });
    expect(() => value()).toThrow("first build fails");
    expect(value()).toBe("ok");
  });
});
