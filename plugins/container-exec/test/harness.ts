/**
 * Container Exec as a person meets it: the real host on a loopback port (the web app when asked), this
 * plugin and the Docker and terminal plugins it joins built, packed, signed and installed, and a real
 * dockerd with a container that has shells and one that has none.
 */

import { spawnSync } from "node:child_process";
import { copyFileSync, createReadStream, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { SourceView } from "@archnest/docker/service";
import { addEngineSource, createContainer, importBusyboxImage, startEngine, type TestEngine } from "@archnest/docker/testing";
import { type FolderPluginHost, pluginHarness } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export type PluginHost = FolderPluginHost;

export const { startPluginHost, shot } = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));

/** An image with nothing but /bin/busybox: no /bin/sh, as distroless images have no shell. */
async function importShelllessImage(engine: TestEngine): Promise<string> {
  const root = join(engine.dir, "noshell");
  mkdirSync(join(root, "bin"), { recursive: true });
  copyFileSync("/bin/busybox", join(root, "bin", "busybox"));
  const tar = join(engine.dir, "noshell.tar");
  const made = spawnSync("tar", ["-C", root, "-cf", tar, "."], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`tar failed: ${made.stderr}`);
  const progress = await engine.docker.importImage(createReadStream(tar) as unknown as string, { repo: "archnest-test/noshell", tag: "1" });
  await new Promise<void>((resolve, reject) => engine.docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
  rmSync(root, { recursive: true, force: true });
  return "archnest-test/noshell:1";
}

/** A real engine with `app` (busybox: sh and ash) running, and `distroless` (no shell) running. */
export async function engineWithContainers(): Promise<TestEngine> {
  const engine = await startEngine();
  try {
    await importBusyboxImage(engine);
    await createContainer(engine, { name: "app", script: "trap 'exit 0' TERM; while :; do sleep 1; done" });
    const image = await importShelllessImage(engine);
    const bare = await engine.docker.createContainer({
      name: "distroless",
      Image: image,
      Cmd: ["/bin/busybox", "sleep", "3600"],
      HostConfig: { NetworkMode: "none" },
    });
    await bare.start();
    return engine;
  } catch (err) {
    await engine.cleanup();
    throw err;
  }
}

/** Adds the engine as the Docker source "lab"; answers its view. */
export function addSource(h: PluginHost, engine: TestEngine): Promise<SourceView> {
  return addEngineSource<SourceView>(h.request, engine);
}
