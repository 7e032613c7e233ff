import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/index.js";

const dir = mkdtempSync(join(tmpdir(), "archnest-reg-conn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("database connections", () => {
  it("all carry NORMAL sync and the busy wait, however many overlapping calls open", async () => {
    const { client } = await openDatabase({ url: `file:${join(dir, "registry.db")}` });
    try {
      // Overlapping calls spread over the client's pool: each must answer from a configured connection.
      const ask = (pragma: string) => Promise.all(Array.from({ length: 12 }, () => client.execute(`PRAGMA ${pragma}`)));
      for (const [pragma, value] of [
        ["synchronous", 1],
        ["busy_timeout", 5000],
      ] as const) {
        const answers = (await ask(pragma)).map((r) => Number(Object.values(r.rows[0] ?? {})[0]));
        expect(answers, pragma).toEqual(Array.from({ length: 12 }, () => value));
      }
    } finally {
      client.close();
    }
  });
});
