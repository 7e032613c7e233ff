/**
 * Transfers between two real sshd on loopback, through the plugin's HTTP API as the page drives it: a
 * folder tree copied with its modes and times, a move that removes the source, conflicts settled by
 * skip, overwrite and rename, cancel (partial file kept or removed), resume after the destination's sshd
 * went away mid-file, and a lapsed license that keeps the history readable and refuses new jobs.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addMember, type TestSshd } from "@archnest/host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TransferJobView } from "../src/server.js";
import { jobs, type PluginHost, post, secondHost, sha256, startPluginHost, waitForJob } from "./harness.js";

let h: PluginHost;
let target: { sshd: TestSshd; hostId: string };
let root: string;
let big: string;
let bigSha: string;
const BIG = 192 * 1024 * 1024;

beforeAll(async () => {
  h = await startPluginHost({ licensed: ["host-transfer"] });
  target = await secondHost(h);
  root = mkdtempSync(join(tmpdir(), "host-transfer-"));
  big = join(root, "big.bin");
  execFileSync("head", ["-c", String(BIG), "/dev/urandom"], { stdio: ["ignore", openSync(big, "w"), "inherit"] });
  bigSha = await sha256(big);
}, 240_000);

afterAll(async () => {
  await target?.sshd.cleanup();
  await h?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const seconds = (ms: number) => Math.floor(ms / 1000);

async function start(body: Record<string, unknown>): Promise<TransferJobView> {
  const res = await post(h, "/jobs", { sourceHostId: h.hostId, targetHostId: target.hostId, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.job as TransferJobView;
}

const settled = (j: TransferJobView) => !["queued", "scanning", "running"].includes(j.state);

function folder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("copying between two hosts", () => {
  it("copies a folder tree with every file's bytes, permissions and modification time, folders included", async () => {
    const src = folder("tree-src/project");
    mkdirSync(join(src, "sub/deeper"), { recursive: true });
    const payload = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(join(src, "a.txt"), "hello\n");
    writeFileSync(join(src, "sub/b.bin"), payload);
    writeFileSync(join(src, "sub/deeper/empty"), "");
    chmodSync(join(src, "a.txt"), 0o640);
    chmodSync(join(src, "sub/b.bin"), 0o755);
    chmodSync(join(src, "sub/deeper/empty"), 0o600);
    chmodSync(join(src, "sub"), 0o750);
    utimesSync(join(src, "a.txt"), new Date("2020-01-02T03:04:05Z"), new Date("2020-01-02T03:04:05Z"));
    utimesSync(join(src, "sub/b.bin"), new Date("2021-06-07T08:09:10Z"), new Date("2021-06-07T08:09:10Z"));
    utimesSync(join(src, "sub/deeper"), new Date("2019-01-01T00:00:00Z"), new Date("2019-01-01T00:00:00Z"));
    utimesSync(join(src, "sub"), new Date("2018-01-01T00:00:00Z"), new Date("2018-01-01T00:00:00Z"));
    const dst = folder("tree-dst");

    const created = await start({ kind: "copy", paths: [src], folder: dst });
    const done = await waitForJob(h, created.id, settled);
    expect(done).toMatchObject({ state: "done", totalFiles: 3, doneFiles: 3, totalBytes: payload.length + 6, doneBytes: payload.length + 6, error: null });

    const out = join(dst, "project");
    expect(readFileSync(join(out, "a.txt"), "utf8")).toBe("hello\n");
    expect(readFileSync(join(out, "sub/b.bin")).equals(payload)).toBe(true);
    expect(statSync(join(out, "sub/deeper/empty")).size).toBe(0);
    for (const p of ["a.txt", "sub/b.bin", "sub/deeper/empty", "sub", "sub/deeper", "."]) {
      const a = statSync(join(src, p));
      const b = statSync(join(out, p));
      expect((b.mode & 0o7777).toString(8), p).toBe((a.mode & 0o7777).toString(8));
      expect(seconds(b.mtimeMs), p).toBe(seconds(a.mtimeMs));
    }
    expect(existsSync(join(src, "a.txt"))).toBe(true);
  });

  it("moves: the copy is verified, then the source files and folders are removed", async () => {
    const src = folder("move-src/photos");
    mkdirSync(join(src, "2024"), { recursive: true });
    writeFileSync(join(src, "2024/one.jpg"), randomBytes(70_000));
    writeFileSync(join(src, "two.jpg"), randomBytes(1000));
    const sums = [await sha256(join(src, "2024/one.jpg")), await sha256(join(src, "two.jpg"))];
    const dst = folder("move-dst");

    const created = await start({ kind: "move", paths: [src], folder: dst });
    expect((await waitForJob(h, created.id, settled)).state).toBe("done");
    expect(existsSync(src)).toBe(false);
    expect(existsSync(join(root, "move-src"))).toBe(true);
    expect([await sha256(join(dst, "photos/2024/one.jpg")), await sha256(join(dst, "photos/two.jpg"))]).toEqual(sums);
  });

  it("waits in `conflict` naming existing files, then skips, overwrites and renames as chosen, one file or all", async () => {
    const src = folder("conflict-src");
    const dst = folder("conflict-dst");
    for (const n of ["a.txt", "b.txt", "c.txt", "d.txt", "new.txt"]) writeFileSync(join(src, n), `new ${n}`);
    for (const n of ["a.txt", "b.txt", "c.txt", "d.txt"]) writeFileSync(join(dst, n), `old ${n}`);
    const paths = ["a.txt", "b.txt", "c.txt", "d.txt", "new.txt"].map((n) => join(src, n));

    const created = await start({ kind: "copy", paths, folder: dst });
    const waiting = await waitForJob(h, created.id, settled);
    expect(waiting.state).toBe("conflict");
    expect(waiting.conflictCount).toBe(4);
    expect(waiting.conflicts.map((c) => c.target).sort()).toEqual(["a.txt", "b.txt", "c.txt", "d.txt"].map((n) => join(dst, n)));
    expect(readFileSync(join(dst, "a.txt"), "utf8")).toBe("old a.txt");

    // One at a time: the job waits until every conflict is settled.
    expect((await post(h, `/jobs/${created.id}/resolve`, { action: "skip", target: join(dst, "a.txt") })).body.job).toMatchObject({
      state: "conflict",
      conflictCount: 3,
    });
    expect((await post(h, `/jobs/${created.id}/resolve`, { action: "overwrite", target: join(dst, "b.txt") })).body.job).toMatchObject({ conflictCount: 2 });
    // Then the rest at once.
    expect((await post(h, `/jobs/${created.id}/resolve`, { action: "rename" })).body.job).toMatchObject({ conflictCount: 0 });
    const done = await waitForJob(h, created.id, settled);
    expect(done).toMatchObject({ state: "done", skipped: 1, doneFiles: 4 });

    expect(readFileSync(join(dst, "a.txt"), "utf8")).toBe("old a.txt");
    expect(readFileSync(join(dst, "b.txt"), "utf8")).toBe("new b.txt");
    expect(readFileSync(join(dst, "c.txt"), "utf8")).toBe("old c.txt");
    expect(readFileSync(join(dst, "c (1).txt"), "utf8")).toBe("new c.txt");
    expect(readFileSync(join(dst, "d (1).txt"), "utf8")).toBe("new d.txt");
    expect(readFileSync(join(dst, "new.txt"), "utf8")).toBe("new new.txt");

    // A policy chosen upfront never asks.
    const again = await start({ kind: "copy", paths: [join(src, "a.txt")], folder: dst, conflicts: "rename" });
    expect(await waitForJob(h, again.id, settled)).toMatchObject({ state: "done" });
    expect(readFileSync(join(dst, "a (1).txt"), "utf8")).toBe("new a.txt");

    expect((await post(h, `/jobs/${created.id}/resolve`, { action: "skip" })).body).toMatchObject({ error: "TRANSFER_ERR_NO_CONFLICT" });
  });

  it("refuses bad requests with stable codes", async () => {
    const dst = folder("refusals");
    expect((await post(h, "/jobs", { sourceHostId: h.hostId, targetHostId: target.hostId, paths: ["relative/x"], folder: dst })).body).toMatchObject({
      error: "TRANSFER_ERR_VALIDATION",
    });
    expect((await post(h, "/jobs", { sourceHostId: h.hostId, targetHostId: "nope", paths: [big], folder: dst })).body).toMatchObject({
      error: "TRANSFER_ERR_HOST_NOT_FOUND",
    });
    expect((await post(h, "/jobs", { sourceHostId: h.hostId, targetHostId: target.hostId, paths: [big], folder: big })).body).toMatchObject({
      error: "TRANSFER_ERR_TARGET_NOT_FOLDER",
    });
    const tree = folder("refusals/tree");
    expect((await post(h, "/jobs", { sourceHostId: h.hostId, targetHostId: h.hostId, paths: [tree], folder: join(tree) })).body).toMatchObject({
      error: "TRANSFER_ERR_INTO_ITSELF",
    });
    const missing = await start({ kind: "copy", paths: [join(root, "missing")], folder: dst });
    expect(await waitForJob(h, missing.id, settled)).toMatchObject({ state: "failed", error: { code: "TRANSFER_ERR_SOURCE_NOT_FOUND" } });
  });
});

describe("who may see and change a transfer", () => {
  it("answers 401 without a session, and a member sees and acts on only the transfers they started", async () => {
    expect((await fetch(`${h.url}/api/plugins/host-transfer/jobs`)).status).toBe(401);
    const dst = folder("members");
    const small = join(folder("members-src"), "a.txt");
    writeFileSync(small, "member test\n");
    const admins = await start({ kind: "copy", paths: [small], folder: dst });
    await waitForJob(h, admins.id, settled);
    const member = await addMember(h.t.host, "transfer-member", "member-password-1");
    const as = (path: string, init: RequestInit = {}) =>
      fetch(`${h.url}/api/plugins/host-transfer${path}`, {
        ...init,
        headers: { ...member.headers, "content-type": "application/json", ...(init.headers as Record<string, string>) },
      });
    const listed = async () => ((await (await as("/jobs")).json()) as { jobs: TransferJobView[] }).jobs.map((j) => j.id);
    expect(await listed()).not.toContain(admins.id);
    for (const action of ["resume", "cancel"]) {
      const res = await as(`/jobs/${admins.id}/${action}`, { method: "POST", body: "{}" });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: "TRANSFER_ERR_JOB_NOT_FOUND" });
    }
    expect((await as(`/jobs/${admins.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await jobs(h)).map((j) => j.id)).toContain(admins.id);

    const res = await as("/jobs", {
      method: "POST",
      body: JSON.stringify({ sourceHostId: h.hostId, targetHostId: target.hostId, paths: [small], folder: folder("members-dst"), conflicts: "overwrite" }),
    });
    expect(res.status).toBe(201);
    const own = ((await res.json()) as { job: TransferJobView }).job;
    expect(own.createdBy).toBe("transfer-member");
    expect(await listed()).toEqual([own.id]);
    await waitForJob(h, own.id, settled);
    expect((await as(`/jobs/${own.id}`, { method: "DELETE" })).status).toBe(200);
  });
});

describe("cancel and resume", () => {
  it("cancels a running copy and removes its partial file when asked", async () => {
    const dst = folder("cancel-remove");
    const created = await start({ kind: "copy", paths: [big], folder: dst });
    await waitForJob(h, created.id, (j) => j.doneBytes > 0 || settled(j));
    const cancelled = (await post(h, `/jobs/${created.id}/cancel`, { removePartial: true })).body.job as TransferJobView;
    expect(cancelled).toMatchObject({ state: "cancelled", partial: { kept: false, path: join(dst, "big.bin") } });
    expect(existsSync(join(dst, "big.bin"))).toBe(false);
  });

  it("cancels keeping the partial file, and Resume continues it from there to the same sha256", async () => {
    const dst = folder("cancel-keep");
    const created = await start({ kind: "copy", paths: [big], folder: dst });
    await waitForJob(h, created.id, (j) => j.doneBytes > 16 * 1024 * 1024 || settled(j));
    const cancelled = (await post(h, `/jobs/${created.id}/cancel`, { removePartial: false })).body.job as TransferJobView;
    expect(cancelled).toMatchObject({ state: "cancelled", partial: { kept: true } });
    const kept = statSync(join(dst, "big.bin")).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(BIG);

    expect((await post(h, `/jobs/${created.id}/resume`, {})).status).toBe(200);
    const done = await waitForJob(h, created.id, settled);
    expect(done.state).toBe("done");
    expect(done.runBytes).toBeLessThan(BIG);
    expect(await sha256(join(dst, "big.bin"))).toBe(bigSha);
  });

  it("copies a file again from its start on resume when it changed on the source meanwhile", async () => {
    const src = join(folder("changed-src"), "grows.bin");
    copyFileSync(big, src);
    const dst = folder("changed-dst");
    const created = await start({ kind: "copy", paths: [src], folder: dst });
    await waitForJob(h, created.id, (j) => j.doneBytes > 16 * 1024 * 1024 || settled(j));
    expect((await post(h, `/jobs/${created.id}/cancel`, { removePartial: false })).body.job).toMatchObject({ state: "cancelled" });
    appendFileSync(src, "one more line\n");
    const size = statSync(src).size;
    expect((await post(h, `/jobs/${created.id}/resume`, {})).status).toBe(200);
    const done = await waitForJob(h, created.id, settled);
    expect(done).toMatchObject({ state: "done", totalBytes: size, doneBytes: size });
    // Nothing of the old partial copy was trusted: the whole new file crossed.
    expect(done.runBytes).toBe(size);
    expect(await sha256(join(dst, "grows.bin"))).toBe(await sha256(src));
  });

  it("stops as `interrupted` when the destination's sshd goes away mid-file, and resumes by itself from the partial size once it is back", async () => {
    const dst = folder("resume");
    const created = await start({ kind: "copy", paths: [big], folder: dst });
    await waitForJob(h, created.id, (j) => j.doneBytes > 32 * 1024 * 1024 || settled(j));
    await target.sshd.stop();
    const interrupted = await waitForJob(h, created.id, settled);
    expect(interrupted.state).toBe("interrupted");
    expect(interrupted.error?.code).toMatch(/^HOST_ERR_SSH_/);
    const partial = statSync(join(dst, "big.bin")).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(BIG);

    // The next try is scheduled; the sshd is back before it.
    expect(interrupted.retryAt).toBeGreaterThan(Date.now());
    expect(interrupted.retries).toBe(0);
    await target.sshd.restart();
    const done = await waitForJob(h, created.id, (j) => j.state !== "interrupted" && settled(j));
    expect(done).toMatchObject({ state: "done", retryAt: null, retries: 0 });
    // Only what was missing crossed again.
    expect(done.runBytes).toBeLessThan(BIG);
    expect(done.runBytes).toBeGreaterThanOrEqual(BIG - partial);
    expect(await sha256(join(dst, "big.bin"))).toBe(bigSha);
  });
});

describe("a restart of the plugin", () => {
  it("keeps the job list; the job that was copying comes back interrupted and resumes to the same sha256", async () => {
    const dst = folder("restart");
    const created = await start({ kind: "copy", paths: [big], folder: dst });
    await waitForJob(h, created.id, (j) => j.doneBytes > 16 * 1024 * 1024 || settled(j));
    const count = (await jobs(h)).length;
    expect((await h.request("/api/plugins/host-transfer/disable", { method: "POST" })).status).toBe(200);
    expect((await h.request("/api/plugins/host-transfer/enable", { method: "POST" })).status).toBe(200);
    expect((await jobs(h)).length).toBe(count);
    const back = await waitForJob(h, created.id, settled);
    expect(back).toMatchObject({ state: "interrupted", error: { code: "TRANSFER_ERR_INTERRUPTED" } });
    expect(back.doneBytes).toBeGreaterThan(0);
    expect((await post(h, `/jobs/${created.id}/resume`, {})).status).toBe(200);
    const done = await waitForJob(h, created.id, settled);
    expect(done.state).toBe("done");
    expect(done.runBytes).toBeLessThan(BIG);
    expect(await sha256(join(dst, "big.bin"))).toBe(bigSha);
  });
});

describe("when the license lapses", () => {
  it("stops the copying job, keeps the history readable, answers 402 to new jobs and resumes, and all runs again once it is back", async () => {
    const dst = folder("lapse");
    const copying = await start({ kind: "copy", paths: [big], folder: dst });
    await waitForJob(h, copying.id, (j) => j.doneBytes > 16 * 1024 * 1024 || settled(j));
    const before = (await jobs(h)).length;
    h.entitlements.set([]);
    await expect.poll(async () => (await (await h.api("/status")).json()) as { licensed: boolean }).toMatchObject({ licensed: false });
    // Nothing is written without the license: the job stops, its partial file stays for later.
    expect(await waitForJob(h, copying.id, settled)).toMatchObject({ state: "interrupted", error: { code: "TRANSFER_ERR_INTERRUPTED" } });
    const partial = statSync(join(dst, "big.bin")).size;
    expect(partial).toBeLessThan(BIG);
    expect((await jobs(h)).length).toBe(before);
    expect((await post(h, `/jobs/${copying.id}/resume`, {})).status).toBe(402);
    const refused = await post(h, "/jobs", { sourceHostId: h.hostId, targetHostId: target.hostId, paths: [big], folder: root });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ error: "module_required", module: "host-transfer" });
    h.entitlements.set(["host-transfer"]);
    await expect.poll(async () => (await (await h.api("/status")).json()) as { licensed: boolean }).toMatchObject({ licensed: true });
    writeFileSync(join(root, "small.txt"), "back");
    const created = await start({ kind: "copy", paths: [join(root, "small.txt")], folder: folder("after-lapse") });
    expect((await waitForJob(h, created.id, settled)).state).toBe("done");
    expect((await post(h, `/jobs/${copying.id}/resume`, {})).status).toBe(200);
    expect((await waitForJob(h, copying.id, settled)).state).toBe("done");
    expect(await sha256(join(dst, "big.bin"))).toBe(bigSha);
  });
});
