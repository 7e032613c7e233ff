#!/usr/bin/env node
import { main } from "../dist/cli.js";

const stopSignal = new Promise((resolve) => {
  process.once("SIGINT", resolve);
  process.once("SIGTERM", resolve);
});
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stopSignal });
process.exit();
