// `npm start`: install what is missing, build, create dev keys, sign and publish the first-party plugins
// into a local registry (or use the one ARCHNEST_REGISTRY_URL names), and start registry and host. Ctrl-C
// stops what it started.
import { execSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
execSync("node scripts/ensure-deps.mjs", { cwd: root, stdio: "inherit" });
execSync("npx turbo run build --output-logs=errors-only", { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });

const { describeRegistry, runStack } = await import("./dev-stack.mjs");
let children = [];
const stop = () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
try {
  const stack = await runStack();
  children = stack.children;
  const lines = [`ArchNest is running: ${stack.url}`];
  // Whoever started the host proves it with this code on the setup page; the link fills it in.
  if (stack.setupCode) lines.push(`first-run setup: ${stack.url}/?setup=${stack.setupCode}  (setup code ${stack.setupCode})`);
  lines.push(describeRegistry(stack.cfg), `data: ${stack.cfg.dataDir}`);
  console.log(`\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
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
