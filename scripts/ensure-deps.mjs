// Installs npm dependencies when they are missing or older than the lockfile, so `npm start` and
// `npm test` work on a fresh clone.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const marker = `${root}node_modules/.package-lock.json`;
const lock = `${root}package-lock.json`;
if (!existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000)) {
  // A fresh clone installs exactly the lockfile; a lockfile newer than node_modules (a pulled change)
  // is installed the same way, so what runs is what CI runs.
  console.log("Installing dependencies (npm ci)...");
  execSync("npm ci --no-audit --no-fund", { cwd: root, stdio: "inherit" });
}
