import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadEnv } from "./env.js";
import { isHostError } from "./errors/index.js";

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isHostError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected an error");
}

describe("loadEnv", () => {
  it("applies the documented defaults", () => {
    const config = loadEnv({ HOME: "/home/ann" }, "/srv/app");
    expect(config.dataDir).toBe("/srv/app/data");
    expect(config.port).toBe(8765);
    expect(config.host).toBe("127.0.0.1");
    expect(config.dev).toBe(false);
    expect(config.logLevel).toBe("info");
    const tag = createHash("sha256").update("/srv/app/data").digest("hex").slice(0, 16);
    expect(config.masterKey).toEqual({ source: "file", path: `/home/ann/.config/archnest/master-${tag}.key` });
  });

  it("puts the default key file under XDG_CONFIG_HOME, outside the data folder", () => {
    const config = loadEnv({ ARCHNEST_DATA_DIR: "/var/lib/archnest", XDG_CONFIG_HOME: "/etc/xdg-ann" });
    expect(config.masterKey.source).toBe("file");
    if (config.masterKey.source === "file") {
      expect(config.masterKey.path.startsWith("/etc/xdg-ann/archnest/master-")).toBe(true);
      expect(config.masterKey.path.startsWith("/var/lib/archnest")).toBe(false);
    }
  });

  it("reads every variable", () => {
    const key = randomBytes(32);
    const config = loadEnv(
      {
        ARCHNEST_DATA_DIR: "rel/data",
        ARCHNEST_PORT: "0",
        ARCHNEST_HOST: "0.0.0.0",
        ARCHNEST_MASTER_KEY: key.toString("base64"),
        ARCHNEST_DEV: "true",
        ARCHNEST_LOG_LEVEL: "DEBUG",
        ARCHNEST_PLUGIN_KEEP_VERSIONS: "5",
      },
      "/x",
    );
    expect(config).toMatchObject({ dataDir: "/x/rel/data", port: 0, host: "0.0.0.0", dev: true, logLevel: "debug", pluginKeepVersions: 5 });
    expect(loadEnv({}, "/x").pluginKeepVersions).toBe(3);
    expect(config.masterKey.source === "env" && config.masterKey.key.equals(key)).toBe(true);
    expect(loadEnv({ ARCHNEST_MASTER_KEY_FILE: "k/master.key" }, "/x").masterKey).toEqual({ source: "file", path: "/x/k/master.key" });
  });

  it.each([
    ["ARCHNEST_PORT", "http"],
    ["ARCHNEST_PORT", "70000"],
    ["ARCHNEST_PORT", "-1"],
    ["ARCHNEST_DEV", "maybe"],
    ["ARCHNEST_LOG_LEVEL", "loud"],
    ["ARCHNEST_HOST", "a b"],
    ["ARCHNEST_MASTER_KEY", "c2hvcnQ="],
    ["ARCHNEST_PLUGIN_KEEP_VERSIONS", "-1"],
    ["ARCHNEST_PLUGIN_KEEP_VERSIONS", "three"],
  ])("refuses %s=%s with HOST_ERR_CONFIG_INVALID naming the variable", (name, value) => {
    const err = errorOf(() => loadEnv({ [name]: value }));
    expect(err.code).toBe("HOST_ERR_CONFIG_INVALID");
    expect(err.message).toContain(name);
  });

  it("never echoes a bad master key and refuses both key sources at once", () => {
    const bad = "not-a-valid-key-but-secret-looking-value";
    const err = errorOf(() => loadEnv({ ARCHNEST_MASTER_KEY: bad }));
    expect(err.message).not.toContain(bad);
    const both = errorOf(() => loadEnv({ ARCHNEST_MASTER_KEY: randomBytes(32).toString("base64"), ARCHNEST_MASTER_KEY_FILE: "/k" }));
    expect(both.message).toContain("ARCHNEST_MASTER_KEY_FILE");
  });
});
