import { defineConfig } from "drizzle-kit";

// Generates the committed SQL migrations from src/db/schema.ts: `npx drizzle-kit generate` in registry/.
export default defineConfig({
  dialect: "turso",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
