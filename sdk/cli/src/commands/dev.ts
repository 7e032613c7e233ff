import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createKeyring, type KeyPair, publicKeyToPem, SdkError } from "@archnest/sdk";
import { packFileList, packPlugin, readPluginPackage, readPrivateKeyFile, signTarball, writeKeyPairFiles } from "@archnest/sdk/node";
import { type Args, optionalInt } from "../args.js";
import { type CliIo, line } from "../io.js";
import { buildPlugin } from "./build.js";
import { startDevHost } from "./dev-host.js";
import { answerOf } from "./http.js";
import { call, type HostSession, signIn, signInAs } from "./trust.js";

/** The development trust chain: made on the first run, git-ignored (.archnest/), trusted by the dev host. */
interface DevKeys {
  root: KeyPair;
  release: KeyPair;
  keyring: unknown;
}

function devKeys(dir: string, scope: string): DevKeys {
  const keysDir = join(dir, ".archnest", "dev-keys");
  const keyringPath = join(keysDir, "keyring.json");
  if (!existsSync(keyringPath)) {
    rmSync(keysDir, { recursive: true, force: true });
    const root = writeKeyPairFiles(keysDir, "root").key;
    const release = writeKeyPairFiles(keysDir, "release").key;
    const keyring = createKeyring([root], { keys: [{ key: release, name: "dev-release", roles: ["release"], scopes: [`${scope}/*`] }] });
    writeFileSync(keyringPath, `${JSON.stringify(keyring, null, 2)}\n`);
  }
  return {
    root: readPrivateKeyFile(join(keysDir, "root.key")),
    release: readPrivateKeyFile(join(keysDir, "release.key")),
    keyring: JSON.parse(readFileSync(keyringPath, "utf8")) as unknown,
  };
}

/**
 * One development release: build, then pack a copy whose version carries a rising prerelease
 * (`0.1.0-dev.1733312345678`), so every save installs as an upgrade, below the real `0.1.0`.
 */
async function devRelease(dir: string, key: KeyPair, step: (label: string) => void): Promise<{ file: string; version: string }> {
  step("build");
  await buildPlugin(dir, { quiet: true, minify: false });
  const pkg = readPluginPackage(dir);
  const version = `${pkg.version.replace(/-.*$/, "")}-dev.${Date.now()}`;
  const stage = join(dir, ".archnest", "dev-stage");
  rmSync(stage, { recursive: true, force: true });
  for (const file of await packFileList(dir)) {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    cpSync(join(dir, file), join(stage, file));
  }
  const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(stage, "package.json"), `${JSON.stringify({ ...json, version }, null, 2)}\n`);
  step("pack and sign");
  const file = join(dir, ".archnest", "dev.tgz");
  await packPlugin(stage, file);
  await signTarball(file, key);
  return { file, version };
}

async function installFile(session: HostSession, file: string, permissions: readonly string[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL("api/plugins/install", session.base);
  for (const p of permissions) url.searchParams.append("acceptPermissions", p);
  try {
    const res = await fetch(url, { method: "POST", headers: { ...session.headers, "content-type": "application/octet-stream" }, body: readFileSync(file) });
    return { status: res.status, body: await answerOf(res) };
  } catch (err) {
    throw new SdkError("SDK_ERR_IO", `Cannot reach the host at ${session.base.origin}: ${(err as Error).message}`);
  }
}

/**
 * `archnest-plugin dev [DIR] [--host URL --user NAME | --port N]`: watches `src/`, and on every change
 * builds, signs with a development key and installs into the host (one it starts for the plugin when no
 * --host is given); the host's UI event stream tells open pages, which
 * load the new version without a reload. Runs until interrupted (or after one release with --once).
 */
export async function dev(args: Args, io: CliIo, signal?: AbortSignal): Promise<number> {
  const dir = resolve(io.cwd, args.positionals[1] ?? ".");
  const pkg = readPluginPackage(dir);
  const scope = pkg.name.startsWith("@") ? pkg.name.slice(0, pkg.name.indexOf("/")) : undefined;
  if (!scope) throw new SdkError("SDK_ERR_USAGE", `${pkg.name} has no npm scope; the development key signs the package's @scope.`);
  const keys = devKeys(dir, scope);
  // Without a host to go to, dev starts one from the project's @archnest/host, and stops it on the way out.
  const hostGiven = typeof args.values.host === "string" || io.env.ARCHNEST_HOST_URL !== undefined;
  const local = hostGiven ? undefined : await startDevHost(dir, optionalInt(args, "port") ?? 0, (text) => line(io.stderr, text));
  try {
    const session = local ? await signInAs(local.url, local.username, local.password) : await signIn(args, io);

    // The host trusts the development root as a publisher from the files (no registry involved).
    const trusted = await call(session, "POST", "api/trust/publishers", {
      rootPublicKey: publicKeyToPem(keys.root),
      keyring: keys.keyring,
      name: `${scope.slice(1)} (development)`,
    });
    if (trusted.status !== 201) {
      throw new SdkError(
        "SDK_ERR_USAGE",
        `The host did not trust the development key: ${String(trusted.body.message ?? trusted.status)} [${String(trusted.body.error)}]`,
      );
    }
    line(io.stderr, `dev: ${pkg.name} → ${session.base.origin} (development key ${keys.release.keyid.slice(0, 16)}, trusted as ${String(trusted.body.name)})`);

    let running: Promise<void> | undefined;
    let again = false;
    const cycle = async () => {
      const started = Date.now();
      const step = (label: string) => line(io.stderr, `dev: ${label}…`);
      try {
        const { file, version } = await devRelease(dir, keys.release, step);
        step("install");
        const res = await installFile(session, file, readPluginPackage(dir).archnest.permissions);
        if (res.status === 201) line(io.stdout, `✓ ${pkg.name}@${version} ${String(res.body.state)} on ${session.base.origin} (${Date.now() - started} ms)`);
        else line(io.stderr, `✗ ${String(res.body.message ?? res.status)} [${String(res.body.error ?? `HTTP_${res.status}`)}]`);
      } catch (err) {
        // A build error is the author's to fix; the watcher keeps going and tries again on the next save.
        line(io.stderr, `✗ ${(err as Error).message}${(err as { code?: string }).code ? ` [${(err as { code?: string }).code}]` : ""}`);
      }
    };
    const trigger = () => {
      if (running) {
        again = true;
        return;
      }
      running = cycle().finally(() => {
        running = undefined;
        if (again) {
          again = false;
          trigger();
        }
      });
    };

    trigger();
    if (args.values.once) {
      await running;
      return 0;
    }
    let timer: NodeJS.Timeout | undefined;
    // Editors write a file in several steps: one rebuild per burst of changes.
    const watcher = watch(join(dir, "src"), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(trigger, 150);
    });
    line(io.stderr, `dev: watching ${join(dir, "src")}; Ctrl-C stops`);
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      signal?.addEventListener("abort", stop, { once: true });
    });
    clearTimeout(timer);
    watcher.close();
    await running;
    return 0;
  } finally {
    await local?.stop();
  }
}
