// `npm start`: install what is missing, build, and start the ArchNest stack.
import { execSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
execSync("node scripts/ensure-deps.mjs", { cwd: root, stdio: "inherit" });
execSync("npx turbo run build", { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });
console.log("Built. The plugin CLI is ready: npx archnest-plugin --help");
