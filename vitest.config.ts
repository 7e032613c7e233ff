import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["archnest-source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["archnest-source", "module", "node", "import", "default"] } },
  test: {
    include: ["{sdk,host,registry,web,plugins}/**/*.test.ts", "scripts/**/*.test.ts", "*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most test files wait on real servers (sshd, dockerd, chromium) rather than compute: two files at a
    // time on a 2-CPU machine (vitest's default there is one).
    maxWorkers: 2,
  },
});
