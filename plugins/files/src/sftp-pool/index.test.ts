import type { SshSftp } from "@archnest/sdk/plugin";
import { describe, expect, it } from "vitest";
import { SftpPool } from "./index.js";

const coded = (code: string) => Object.assign(new Error(code), { code });

/** SFTP sessions whose readdir answers the names given, or throws once their connection "dropped". */
function fakeSsh() {
  const opened: { dropped: boolean; closed: boolean }[] = [];
  return {
    opened,
    ssh: {
      sftp: async (_hostId: string) => {
        const state = { dropped: false, closed: false };
        opened.push(state);
        return {
          readdir: async () => {
            if (state.dropped) throw coded("HOST_ERR_SSH_DISCONNECTED");
            return [{ name: `session-${opened.length}` }];
          },
          mkdir: async () => {
            throw coded("HOST_ERR_SFTP_PERMISSION_DENIED");
          },
          close: async () => {
            state.closed = true;
          },
        } as unknown as SshSftp;
      },
    },
  };
}

describe("the SFTP session pool", () => {
  it("reuses one session per host across calls", async () => {
    const f = fakeSsh();
    const pool = new SftpPool(f.ssh);
    await pool.use("h", (s) => s.readdir("/"));
    await pool.use("h", (s) => s.readdir("/"));
    expect(f.opened).toHaveLength(1);
    await pool.close();
  });

  it("runs a call again on a new session when the kept one's connection dropped meanwhile", async () => {
    const f = fakeSsh();
    const pool = new SftpPool(f.ssh);
    await pool.use("h", (s) => s.readdir("/"));
    (f.opened[0] as { dropped: boolean }).dropped = true;
    expect(await pool.use("h", (s) => s.readdir("/"))).toEqual([{ name: "session-2" }]);
    expect(f.opened).toHaveLength(2);
    expect(f.opened[0]?.closed).toBe(true);
    await pool.close();
  });

  it("passes any other error through, and a new session's own drop too, without a second try", async () => {
    const f = fakeSsh();
    const pool = new SftpPool(f.ssh);
    await expect(pool.use("h", (s) => s.mkdir("/x"))).rejects.toMatchObject({ code: "HOST_ERR_SFTP_PERMISSION_DENIED" });
    const fresh = new SftpPool({
      sftp: async () =>
        ({
          readdir: async () => {
            throw coded("HOST_ERR_SSH_DISCONNECTED");
          },
          close: async () => undefined,
        }) as unknown as SshSftp,
    });
    await expect(fresh.use("h", (s) => s.readdir("/"))).rejects.toMatchObject({ code: "HOST_ERR_SSH_DISCONNECTED" });
    await pool.close();
  });
});
