import { defineConfig } from "drizzle-kit";

// `npx drizzle-kit generate` (from host/) writes a new SQL migration after a change to the schema;
// the host applies the committed migrations at boot.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
