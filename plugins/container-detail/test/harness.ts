/**
 * Container Detail View as a person meets it: the real host on a loopback port (the web app when asked),
 * this plugin and the Docker plugin it reads through built, packed, signed and installed, and a real
 * dockerd on a unix socket added as the one Docker source.
 */
import type { SourceView } from "@archnest/docker/service";
import { addEngineSource, createContainer, importBusyboxImage, startEngine, TEST_IMAGE, type TestEngine } from "@archnest/docker/testing";
import { type FolderPluginHost, pluginHarness } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export type PluginHost = FolderPluginHost;

export const { startPluginHost, shot } = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));

/** The secret the `api` container carries in its environment; it must never show unless revealed. */
export const SECRET = "hunter2-db-password";

/**
 * A real engine with the test image, a named volume and two containers: `api` (environment with a
 * secret, labels, restart policy, limits, a health check that passes, the volume at /data, log lines
 * with errors among them) and `batch` (exited).
 */
export async function engineWithContainers(): Promise<TestEngine> {
  const engine = await startEngine();
  try {
    await importBusyboxImage(engine);
    await engine.docker.createVolume({ Name: "app-data", Labels: { backup: "nightly" } });
    const api = await engine.docker.createContainer({
      name: "api",
      Image: TEST_IMAGE,
      Cmd: [
        "/bin/busybox",
        "sh",
        "-c",
        'trap \'exit 0\' TERM; /bin/busybox mkdir -p /tmp && : > /tmp/ready; i=0; while [ $i -lt 40 ]; do i=$((i+1)); if [ $((i % 10)) -eq 0 ]; then echo "request $i failed: upstream timeout" >&2; else echo "request $i served"; fi; done; while :; do sleep 1; done',
      ],
      Env: [`DB_PASSWORD=${SECRET}`, "MODE=production", "EMPTY="],
      Labels: { "com.example.team": "payments", "com.example.tier": "backend" },
      Healthcheck: { Test: ["CMD-SHELL", "test -f /tmp/ready"], Interval: 500_000_000, Timeout: 1_000_000_000, Retries: 3 },
      HostConfig: {
        NetworkMode: "none",
        RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 },
        Memory: 64 * 1024 * 1024,
        NanoCpus: 500_000_000,
        PidsLimit: 100,
        Binds: ["app-data:/data:rw"],
      },
    });
    await api.start();
    await createContainer(engine, { name: "batch", script: "echo done", start: false });
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
