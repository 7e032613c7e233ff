// `npm test`: installs what the suite needs (Debian packages when run as root, npm dependencies), builds
// every workspace, then runs the whole suite with vitest. Extra arguments go to vitest.
import { execSync, spawnSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
const run = (cmd, env = {}) => execSync(cmd, { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", ...env } });
run("bash scripts/install-system-deps.sh", { ARCHNEST_SOFT_DEPS: "1" });
run("node scripts/ensure-deps.mjs");
run("npx turbo run build --output-logs=errors-only");
const result = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
