#!/usr/bin/env node
// `npm create archnest-plugin NAME` runs this bin: the scaffold is the CLI's own `create`, so both ways
// of starting make the same project.
import { main } from "@archnest/plugin-cli";

process.exitCode = await main(["create", ...process.argv.slice(2)], {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
