/**
 * The test harness for plugin authors (and for ArchNest's own plugins and host): throwaway keys and a
 * keyring, packing and signing a plugin folder in one call, and an in-memory plugin context to unit-test
 * a plugin's `setup` without a host.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Envelope } from "../crypto/dsse.js";
import { generateKeyPair, type KeyPair, publicKeyToPem } from "../crypto/keys.js";
import { SdkError } from "../errors/index.js";
import { createKeyring, type Keyring, type KeyringKeyInput, verifyKeyring } from "../keyring/index.js";
import { createDockerLender } from "../node/docker-lender.js";
import { packPlugin } from "../node/pack.js";
import { signTarball } from "../node/sign-tarball.js";
import { DOCKER_PERMISSIONS } from "../plugin/docker.js";
import { matchOutbound, outboundRules } from "../plugin/fetch.js";
import { createModuleGate, type LimitDeclaration } from "../plugin/gate.js";
import type {
  AgentSocketRequest,
  DefinedPlugin,
  FetchHandler,
  Json,
  PluginContext,
  PluginDocker,
  PluginFetch,
  PluginRequestEnv,
  PluginSocket,
  PluginSsh,
  RequestUser,
} from "../plugin/index.js";
import { SSH_PERMISSIONS } from "../plugin/ssh.js";

/** A throwaway trust chain: root, release key scoped to `scopes`, license and index keys, signed keyring. */
export interface TestTrust {
  root: KeyPair;
  release: KeyPair;
  license: KeyPair;
  index: KeyPair;
  keyringEnvelope: Envelope;
  keyring: Keyring;
  /** Writes root.pub and keyring.json into a folder (for CLIs and hosts that read files). */
  writeFiles(dir: string): { rootPub: string; keyring: string };
}

/**
 * Makes a fresh trust chain for tests.
 *
 * @example
 * ```ts
 * const trust = createTestTrust({ scopes: ["@acme/*"] });
 * ```
 */
export function createTestTrust(opts: { scopes?: string[]; extraKeys?: KeyringKeyInput[]; now?: Date; version?: number } = {}): TestTrust {
  const root = generateKeyPair();
  const release = generateKeyPair();
  const license = generateKeyPair();
  const index = generateKeyPair();
  const now = opts.now ?? new Date(Date.now() - 60_000);
  const keyringEnvelope = createKeyring([root], {
    now,
    version: opts.version ?? 1,
    keys: [
      { key: release, name: "test-release", roles: ["release"], scopes: opts.scopes ?? ["@archnest/*", "@test/*", "@acme/*"], validFrom: now },
      { key: license, name: "test-license", roles: ["license"], validFrom: now },
      { key: index, name: "test-index", roles: ["index"], validFrom: now },
      ...(opts.extraKeys ?? []),
    ],
  });
  return {
    root,
    release,
    license,
    index,
    keyringEnvelope,
    keyring: verifyKeyring(keyringEnvelope, { rootKeys: [root], now: new Date() }),
    writeFiles(dir) {
      const rootPub = join(dir, "root.pub");
      const keyring = join(dir, "keyring.json");
      writeFileSync(rootPub, publicKeyToPem(root));
      writeFileSync(keyring, JSON.stringify(keyringEnvelope, null, 2));
      return { rootPub, keyring };
    },
  };
}

/**
 * Packs and signs a plugin folder into a tarball, as `archnest-plugin pack` then `sign` would.
 *
 * @example
 * ```ts
 * const tgz = await packAndSign("plugins/notes", trust.release);
 * ```
 */
export async function packAndSign(pluginDir: string, key: KeyPair, outFile?: string, opts: { now?: Date } = {}): Promise<string> {
  const out = outFile ?? join(mkdtempSync(join(tmpdir(), "archnest-pack-")), "plugin.tgz");
  await packPlugin(pluginDir, out);
  await signTarball(out, key, opts.now ? { now: opts.now } : {});
  return out;
}

/** An in-memory context plus handles to drive what the plugin registered. */
export interface TestContext {
  ctx: PluginContext;
  /** Sends a request to the plugin's mounted routes. */
  request(path: string, init?: RequestInit, user?: RequestUser): Promise<Response>;
  /** The WebSocket handlers the plugin registered, by path. */
  sockets: Map<string, (socket: PluginSocket, request: { url: URL; user: RequestUser }) => void>;
  /** The handlers of `ctx.ws.handleAgent`, by path: call one with a fake socket to act as an agent. */
  agentSockets: Map<string, (socket: PluginSocket, request: AgentSocketRequest) => void>;
  storage: Map<string, Json>;
  secrets: Map<string, string>;
  events: { type: string; payload: Json }[];
  /** Disposes everything the plugin registered; returns how many registrations were still live. */
  dispose(): Promise<number>;
}

/**
 * Runs a plugin's `setup` against an in-memory context: storage, secrets, settings, events and routes
 * behave like the host's; permissions not listed are refused with SDK_ERR_CAPABILITY_UNDECLARED.
 *
 * @example
 * ```ts
 * const t = await createTestContext(plugin, { permissions: ["storage"] });
 * const res = await t.request("/notes");
 * ```
 */
export async function createTestContext(
  plugin: DefinedPlugin,
  opts: {
    id?: string;
    permissions?: string[];
    settings?: Record<string, Json>;
    licensed?: string[];
    /** Free caps as a manifest's `archnest.limits` declares them. */
    limits?: Record<string, LimitDeclaration>;
    /**
     * Free caps by count alone, each lifted by a module named like the cap.
     *
     * @deprecated Use `limits`, which names the module that lifts each cap.
     */
    caps?: Record<string, number>;
    /** Module prices as the registry's catalog gives them (`{"tmux": "$5"}`); none by default. */
    prices?: Record<string, string>;
    /**
     * What `ctx.ssh` delegates to once the permission check passes (for example a host's SSH service
     * against a test sshd, or a fake). Members left out throw SDK_ERR_SERVICE_UNAVAILABLE.
     */
    ssh?: Partial<PluginSsh>;
    /**
     * What `ctx.docker` delegates to once the `docker` permission check passes. By default the context
     * connects for real, as the host does (so a test can start a dockerd and point a source at it), and
     * closes what it lent on dispose; pass a fake to test without an engine.
     */
    docker?: Partial<PluginDocker>;
    /**
     * What `ctx.fetch` sends a request to once it passes the host-name check against the context's
     * `net:outbound:` permissions (the address rules need DNS and are the host's to prove). Defaults to a
     * fetch that throws SDK_ERR_SERVICE_UNAVAILABLE, so a unit test never reaches the network by accident.
     *
     * @example
     * ```ts
     * const t = await createTestContext(plugin, {
     *   permissions: ["net:outbound:api.example.com"],
     *   fetch: async (url) => Response.json({ url: String(url) }),
     * });
     * ```
     */
    fetch?: PluginFetch;
  } = {},
): Promise<TestContext> {
  const id = opts.id ?? "test-plugin";
  const perms = new Set(opts.permissions ?? []);
  const need = (p: string) => {
    if (!perms.has(p)) throw new SdkError("SDK_ERR_CAPABILITY_UNDECLARED", `Plugin ${id} used "${p}" without declaring it.`);
  };
  const storage = new Map<string, Json>();
  const secrets = new Map<string, string>();
  const events: { type: string; payload: Json }[] = [];
  const disposers = new Set<() => void | Promise<void>>();
  const sockets = new Map<string, (socket: PluginSocket, request: { url: URL; user: RequestUser }) => void>();
  const agentSockets = new Map<string, (socket: PluginSocket, request: AgentSocketRequest) => void>();
  let handler: FetchHandler | undefined;
  const track = (fn: () => void | Promise<void>) => {
    disposers.add(fn);
    return { dispose: async () => void (disposers.delete(fn) && (await fn())) };
  };
  const licensed = new Set(opts.licensed ?? []);
  // Read at each call, not copied: a test changes its caps object to move the license under a plugin.
  const declaredLimit = (name: string): LimitDeclaration | undefined => {
    if (opts.limits && Object.hasOwn(opts.limits, name)) return opts.limits[name];
    const cap = opts.caps && Object.hasOwn(opts.caps, name) ? opts.caps[name] : undefined;
    return cap === undefined ? undefined : { cap, module: name };
  };
  // The host's own gate, fed from the options instead of a license, the manifests and a catalog.
  const gate = createModuleGate({
    licensed: (m) => licensed.has(m),
    limit: declaredLimit,
    offer: (m) => {
      const price = opts.prices && Object.hasOwn(opts.prices, m) ? opts.prices[m] : undefined;
      return price === undefined ? {} : { price };
    },
    purchaseBase: "/settings/store",
  });
  const ctx: PluginContext = {
    plugin: { id, name: `@test/${id}`, version: "0.0.0", module: "free", permissions: [...perms], dataDir: mkdtempSync(join(tmpdir(), `archnest-${id}-`)) },
    routes: {
      mount(h) {
        handler = h;
        return track(() => {
          handler = undefined;
        });
      },
    },
    ws: {
      handle(path, h) {
        sockets.set(path, h);
        return track(() => void sockets.delete(path));
      },
      handleAgent(path, h) {
        need("agents");
        agentSockets.set(path, h);
        return track(() => void agentSockets.delete(path));
      },
    },
    storage: {
      async get<T extends Json>(key: string) {
        need("storage");
        return storage.get(key) as T | undefined;
      },
      async set(key, value) {
        need("storage");
        storage.set(key, JSON.parse(JSON.stringify(value)) as Json);
      },
      async delete(key) {
        need("storage");
        return storage.delete(key);
      },
      async list<T extends Json>(prefix = "") {
        need("storage");
        return [...storage.entries()]
          .filter(([k]) => k.startsWith(prefix))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => ({ key, value: value as T }));
      },
    },
    secrets: {
      async get(name) {
        need("secrets");
        return secrets.get(name);
      },
      async set(name, value) {
        need("secrets");
        secrets.set(name, value);
      },
      async delete(name) {
        need("secrets");
        return secrets.delete(name);
      },
    },
    settings: {
      async get() {
        return { ...(opts.settings ?? {}) };
      },
      onChange() {
        return track(() => undefined);
      },
    },
    events: {
      on() {
        return track(() => undefined);
      },
      emit(name, payload) {
        events.push({ type: `${id}.${name}`, payload });
      },
    },
    services: {
      provide() {
        return track(() => undefined);
      },
      consume() {
        return undefined;
      },
    },
    limits: gate.limits,
    license: gate.license,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    ssh: testSsh(opts.ssh ?? {}, need, track),
    docker: testDocker(opts.docker ?? createDockerLender((d) => track(() => d.dispose())), need),
    fetch: testFetch(opts.fetch, id, [...perms]),
    onDispose(fn) {
      return track(fn);
    },
  };
  await plugin.setup(ctx);
  const user: RequestUser = { id: "u1", username: "admin", role: "admin" };
  return {
    ctx,
    sockets,
    agentSockets,
    storage,
    secrets,
    events,
    async request(path, init, asUser) {
      if (!handler) throw new SdkError("SDK_ERR_PLUGIN_DEFINITION", "The plugin mounted no routes.");
      const env: PluginRequestEnv = { user: asUser ?? user, requestId: "test" };
      return handler.fetch(new Request(`http://plugin.test${path}`, init), env);
    },
    async dispose() {
      const live = disposers.size;
      for (const d of [...disposers].reverse()) await d();
      disposers.clear();
      return live;
    },
  };
}

/** `ctx.docker` for the in-memory context: the `docker` permission first, then the given implementation. */
function testDocker(impl: Partial<PluginDocker>, need: (permission: string) => void): PluginDocker {
  const member = <K extends keyof PluginDocker>(name: K): NonNullable<PluginDocker[K]> => {
    need(DOCKER_PERMISSIONS[name]);
    const fn = impl[name];
    if (!fn) throw new SdkError("SDK_ERR_SERVICE_UNAVAILABLE", `This test context has no docker.${name}: pass it in createTestContext's docker option.`);
    return fn.bind(impl) as NonNullable<PluginDocker[K]>;
  };
  return {
    connect: async (endpoint, o) => member("connect")(endpoint, o),
    agent: (endpoint, o) => member("agent")(endpoint, o),
  };
}

/**
 * `ctx.fetch` for the in-memory context: refuses a plugin without `net:outbound:` permissions, URLs the host
 * refuses and hosts (or ports) the permissions do not name, with the host's codes, then hands the request
 * to the given fetch. Redirects and DNS answers are the given fetch's (and, on a host, the host's) to judge.
 */
function testFetch(impl: PluginFetch | undefined, id: string, permissions: string[]): PluginFetch {
  const rules = outboundRules(permissions);
  return async (input, init) => {
    if (rules.length === 0)
      throw new SdkError("SDK_ERR_CAPABILITY_UNDECLARED", `Plugin ${id} used ctx.fetch without declaring a net:outbound:<host> permission.`);
    const url = URL.canParse(String(input)) ? new URL(String(input)) : undefined;
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) {
      throw Object.assign(new Error("ctx.fetch needs an absolute http or https URL without credentials."), { code: "HOST_ERR_FETCH_URL_INVALID" });
    }
    if (!matchOutbound(rules, url)) {
      throw Object.assign(new Error(`${url.host} is not among the hosts plugin ${id} declared.`), { code: "HOST_ERR_FETCH_HOST_UNDECLARED" });
    }
    if (!impl) throw new SdkError("SDK_ERR_SERVICE_UNAVAILABLE", "This test context has no fetch: pass one in createTestContext's fetch option.");
    return impl(input, init);
  };
}

/** `ctx.ssh` for the in-memory context: permission checks first, then the given implementation. */
function testSsh(
  impl: Partial<PluginSsh>,
  need: (permission: string) => void,
  track: (fn: () => void | Promise<void>) => { dispose(): Promise<void> },
): PluginSsh {
  const member = <K extends keyof PluginSsh>(name: K): NonNullable<PluginSsh[K]> => {
    need(SSH_PERMISSIONS[name]);
    const fn = impl[name];
    if (!fn) throw new SdkError("SDK_ERR_SERVICE_UNAVAILABLE", `This test context has no ssh.${name}: pass it in createTestContext's ssh option.`);
    return fn.bind(impl) as NonNullable<PluginSsh[K]>;
  };
  // Subscriptions a plugin makes are disposed with the context, like the host does on unload.
  const tracked = (d: { dispose(): void | Promise<void> }) => track(() => d.dispose());
  return {
    hosts: async () => member("hosts")(),
    onHostsChanged: (listener) => tracked(member("onHostsChanged")(listener)),
    exec: async (hostId, command, o) => member("exec")(hostId, command, o),
    shell: async (hostId, o) => member("shell")(hostId, o),
    sftp: async (hostId) => member("sftp")(hostId),
    forwardLocal: async (hostId, o) => member("forwardLocal")(hostId, o),
    forwardRemote: async (hostId, o) => member("forwardRemote")(hostId, o),
    registerRouter: (router) => tracked(member("registerRouter")(router)),
    openTcp: async (hostId, o) => member("openTcp")(hostId, o),
    registerAuthenticator: (authenticator) => tracked(member("registerAuthenticator")(authenticator)),
    publicKeyOf: async (privateKey, passphrase) => member("publicKeyOf")(privateKey, passphrase),
    openUnix: async (hostId, o) => member("openUnix")(hostId, o),
    openExec: async (hostId, command, o) => member("openExec")(hostId, command, o),
  };
}

export { type OversizedBodyOptions, type OversizedBodyResult, peakMemoryGrowth, sendOversizedBody } from "./oversized-body.js";
export { type ServiceProcess, type StartServiceOptions, startServiceProcess } from "./service-process.js";
