// `npm start`: install what is missing, build, create dev keys, sign and publish the first-party plugins
// into a local registry, and start registry and host. Ctrl-C stops both.
import { execSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
execSync("node scripts/ensure-deps.mjs", { cwd: root, stdio: "inherit" });
execSync("npx turbo run build --output-logs=errors-only", { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });

const { runStack } = await import("./dev-stack.mjs");
let children = [];
const stop = () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
try {
  const stack = await runStack();
  children = stack.children;
  console.log(`\n  ArchNest is running: ${stack.url}\n  Registry: ${stack.cfg.registryUrl}\n  Data: ${stack.cfg.dataDir}\n`);
  for (const c of children) {
    c.on("exit", (code) => {
      stop();
      process.exitCode = code ?? 0;
    });
  }
} catch (err) {
  console.error(`ArchNest could not start: ${err.message}`);
  stop();
  process.exit(1);
}
