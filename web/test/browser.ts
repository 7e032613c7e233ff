export { CHROMIUM, CHROMIUM_ARGS, launchChromium } from "@archnest/host/testing";
