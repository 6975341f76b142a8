import { type Browser, chromium } from "playwright-core";

/** Debian's chromium package: the browser the report is checked in. */
export const CHROMIUM = "/usr/bin/chromium";

/** Headless, no sandbox (containers), nothing that reaches the network on its own. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
