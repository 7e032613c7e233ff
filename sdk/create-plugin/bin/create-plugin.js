#!/usr/bin/env node
// `npm create @archnest/plugin NAME` runs this bin (npm maps it to @archnest/create-plugin, so it comes
// from the registry the @archnest scope points at). The scaffold is the CLI's own `create`, as for
// create-archnest-plugin: every way of starting makes the same project.
import { main } from "@archnest/plugin-cli";

process.exitCode = await main(["create", ...process.argv.slice(2)], {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
