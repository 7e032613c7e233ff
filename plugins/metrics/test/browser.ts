/** Browser helpers from the host's test harness, with this plugin's screenshot folder. */
import { fileURLToPath } from "node:url";
import { screenshot } from "@archnest/host/testing";
import type { Page } from "playwright-core";

export { launchChromium, signIn } from "@archnest/host/testing";

export const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

export async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, ARTIFACTS, name);
}
