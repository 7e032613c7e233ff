// Verdaccio 6.8.0 (the self-hosted npm registry people know) as the anchor for the delivery bench: the same
// tarball, published to it and served to a token holder, driven by the same load generator as ArchNest's
// registry. Verdaccio is not a dependency of this repository: it is installed once into a cache folder
// outside the tree (Verdaccio 6.8 runs on Node 20; later releases want Node 22), started on 127.0.0.1 with
// a config of its own (no uplinks, so it never reaches out), and stopped by its PID.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

export const VERDACCIO_VERSION = "6.8.0";

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(base, "archnest-bench", `verdaccio-${VERDACCIO_VERSION}`);
}

/** The path of Verdaccio's start script, installing it into the cache folder the first time. */
function verdaccioBin(log) {
  const dir = cacheDir();
  const bin = join(dir, "node_modules", "verdaccio", "bin", "verdaccio");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  log(`installing Verdaccio ${VERDACCIO_VERSION} into ${dir} (once)...`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", dir, `verdaccio@${VERDACCIO_VERSION}`], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitUp(url, deadline) {
  for (;;) {
    try {
      const res = await fetch(`${url}/-/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("Verdaccio did not start within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts Verdaccio in `workDir`, publishes `tarball` as `name@version` and returns what a client needs to
 * download it behind a token: `{ port, path, headers, stop }`.
 */
export async function startVerdaccio({ workDir, tarball, name, version, log }) {
  const bin = verdaccioBin(log);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(join(workDir, "storage"), { recursive: true });
  const config = join(workDir, "config.yaml");
  writeFileSync(
    config,
    [
      `storage: ${join(workDir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${join(workDir, "htpasswd")}`,
      "    max_users: 1",
      "uplinks: {}",
      "packages:",
      "  '@*/*':",
      "    access: $authenticated",
      "    publish: $authenticated",
      "  '**':",
      "    access: $authenticated",
      "    publish: $authenticated",
      // JWT API tokens: checked with an HMAC per request. Verdaccio's legacy tokens re-check the password
      // (bcrypt) on every request, which would make the anchor about a hundred times slower than it can be.
      "security:",
      "  api:",
      "    jwt:",
      "      sign:",
      "        expiresIn: 1d",
      "web:",
      "  enable: false",
      "log: { type: stdout, format: json, level: fatal }",
      "max_body_size: 50mb",
      "",
    ].join("\n"),
  );
  const child = spawn(process.execPath, [bin, "--config", config, "--listen", `127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "inherit"] });
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  try {
    await waitUp(url, Date.now() + 60_000);
    const user = await fetch(`${url}/-/user/org.couchdb.user:bench`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "bench", password: "bench-password-123" }),
    });
    if (user.status !== 201) throw new Error(`Verdaccio user: ${user.status} ${await user.text()}`);
    const { token } = await user.json();

    const data = readFileSync(tarball);
    const file = `${name.replace(/^@[^/]+\//, "")}-${version}.tgz`;
    const tarballUrl = `${url}/${name}/-/${file}`;
    const body = {
      _id: name,
      name,
      "dist-tags": { latest: version },
      versions: {
        [version]: {
          name,
          version,
          _id: `${name}@${version}`,
          dist: {
            tarball: tarballUrl,
            shasum: createHash("sha1").update(data).digest("hex"),
            integrity: `sha512-${createHash("sha512").update(data).digest("base64")}`,
          },
        },
      },
      _attachments: { [file]: { content_type: "application/octet-stream", data: data.toString("base64"), length: data.length } },
    };
    const published = await fetch(`${url}/${name.replace("/", "%2f")}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (published.status !== 201) throw new Error(`Verdaccio publish: ${published.status} ${await published.text()}`);
    const headers = { authorization: `Bearer ${token}` };
    // The token is what gates it: without one the tarball must be refused, or the comparison is not like for like.
    const anonymous = await fetch(tarballUrl);
    if (anonymous.ok) throw new Error("Verdaccio served the tarball without a token; the bench config is wrong");
    const check = await fetch(tarballUrl, { headers });
    if (!check.ok || Buffer.compare(Buffer.from(await check.arrayBuffer()), data) !== 0) throw new Error(`Verdaccio download: ${check.status}`);
    return { port, path: new URL(tarballUrl).pathname, headers, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
