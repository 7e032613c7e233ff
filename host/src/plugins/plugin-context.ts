import { SdkError } from "@archnest/sdk";
import type { PluginManifest } from "@archnest/sdk/manifest";
import type {
  AgentSocketRequest,
  Disposable,
  FetchHandler,
  Json,
  MountOptions,
  PluginContext,
  PluginLogger,
  PluginSocket,
  RequestUser,
} from "@archnest/sdk/plugin";
import { createPluginSsh } from "../ssh/plugin-ssh.js";
import type { SshService } from "../ssh/ssh-service.js";
import type { EventBus } from "./event-bus.js";
import { createPluginDocker } from "./plugin-docker.js";
import { createPluginFetch } from "./plugin-fetch.js";
import type { PluginRecord, PluginRepo } from "./plugin-repo.js";
import type { ServiceRegistry } from "./service-registry.js";
import { validateSettings } from "./settings.js";

/** The secrets vault as the runtime uses it. */
export interface SecretVault {
  seal(record: string, field: string, plaintext: string): unknown;
  open(record: string, field: string): unknown;
  /** Removes the record's field (or every field); resolves to how many were removed. */
  delete(record: string, field?: string): Promise<number>;
}

export type SocketHandler = (socket: PluginSocket, request: { url: URL; user: RequestUser }) => void;
export type AgentSocketHandler = (socket: PluginSocket, request: AgentSocketRequest) => void;

/** Everything one loaded plugin version registered; disposing it leaves nothing behind. */
export class PluginInstance {
  handler: FetchHandler | undefined;
  /** The mounted handler's body caps by `METHOD /path` (MountOptions.bodyLimits). */
  bodyLimits: Readonly<Record<string, number>> = {};
  readonly sockets = new Map<string, SocketHandler>();
  /** Paths of `ctx.ws.handleAgent`: connections of agents, which carry no session. */
  readonly agentSockets = new Map<string, AgentSocketHandler>();
  /** Open connections, closed with a reason when the instance goes. */
  readonly liveSockets = new Set<{ close(code: number, reason: string): void }>();
  readonly settingsListeners = new Set<(values: Record<string, Json>) => void>();
  private readonly disposables: Disposable[] = [];
  disposed = false;

  constructor(
    readonly record: PluginRecord,
    readonly manifest: PluginManifest,
    readonly dir: string,
  ) {}

  /** Tracks a registration; one made after disposal is undone at once (a setup that outlived its time box). */
  track(d: Disposable): Disposable {
    if (this.disposed) {
      void d.dispose();
      throw new SdkError("SDK_ERR_PLUGIN_DEFINITION", `Plugin ${this.record.id} was unloaded; nothing more can be registered.`);
    }
    let done = false;
    const once: Disposable = {
      dispose: async () => {
        if (done) return;
        done = true;
        const i = this.disposables.indexOf(once);
        if (i >= 0) this.disposables.splice(i, 1);
        await d.dispose();
      },
    };
    this.disposables.push(once);
    return once;
  }

  /** Undoes every registration, newest first; errors are collected, never stop the rest. */
  async dispose(reason: string): Promise<unknown[]> {
    this.disposed = true;
    const errors: unknown[] = [];
    for (const s of [...this.liveSockets]) {
      try {
        s.close(1012, reason.slice(0, 120));
      } catch (err) {
        errors.push(err);
      }
    }
    this.liveSockets.clear();
    while (this.disposables.length > 0) {
      const d = this.disposables.pop();
      try {
        await d?.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    this.handler = undefined;
    this.bodyLimits = {};
    this.sockets.clear();
    this.agentSockets.clear();
    this.settingsListeners.clear();
    return errors;
  }
}

export interface ContextDeps {
  repo: PluginRepo;
  vault: SecretVault;
  bus: EventBus;
  services: ServiceRegistry;
  log: PluginLogger;
  dataDir: string;
  limits: PluginContext["limits"];
  license: PluginContext["license"];
  /** The host's SSH service; `ctx.ssh` scopes it to the plugin's permissions and lifetime. */
  ssh?: SshService | undefined;
}

function undeclared(id: string, permission: string): SdkError {
  return new SdkError("SDK_ERR_CAPABILITY_UNDECLARED", `Plugin ${id} used "${permission}" without declaring it in archnest.permissions.`);
}

const MAX_KEY = 512;
const MAX_VALUE_BYTES = 1024 * 1024;

/** Builds the version-1 context for one instance: only the capabilities it declared and was granted. */
export function createPluginContext(instance: PluginInstance, deps: ContextDeps): PluginContext {
  const { record, manifest } = instance;
  const id = record.id;
  const granted = new Set(record.grantedPermissions.filter((p) => record.permissions.includes(p)));
  const need = (permission: string) => {
    if (!granted.has(permission)) throw undeclared(id, permission);
  };
  const checkKey = (key: string) => {
    if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY) throw new SdkError("SDK_ERR_USAGE", `Storage keys are 1-${MAX_KEY} characters.`);
  };

  return {
    plugin: { id, name: record.packageName, version: record.version, module: record.module, permissions: [...granted], dataDir: deps.dataDir },
    routes: {
      mount(handler: FetchHandler, options?: MountOptions) {
        instance.handler = handler;
        instance.bodyLimits = { ...options?.bodyLimits };
        return instance.track({
          dispose: () => {
            if (instance.handler !== handler) return;
            instance.handler = undefined;
            instance.bodyLimits = {};
          },
        });
      },
    },
    ws: {
      handle(path, handler) {
        const key = path.replace(/^\/+/, "");
        instance.sockets.set(key, handler);
        return instance.track({
          dispose: () => {
            if (instance.sockets.get(key) === handler) instance.sockets.delete(key);
          },
        });
      },
      handleAgent(path, handler) {
        need("agents");
        const key = path.replace(/^\/+/, "");
        instance.agentSockets.set(key, handler);
        return instance.track({
          dispose: () => {
            if (instance.agentSockets.get(key) === handler) instance.agentSockets.delete(key);
          },
        });
      },
    },
    storage: {
      async get<T extends Json>(key: string) {
        need("storage");
        checkKey(key);
        const v = await deps.repo.storageGet(id, key);
        return v === undefined ? undefined : (JSON.parse(v) as T);
      },
      async set(key, value) {
        need("storage");
        checkKey(key);
        const json = JSON.stringify(value);
        if (json === undefined || Buffer.byteLength(json) > MAX_VALUE_BYTES) throw new SdkError("SDK_ERR_USAGE", "Storage values are JSON of at most 1 MiB.");
        await deps.repo.storageSet(id, key, json);
      },
      async delete(key) {
        need("storage");
        checkKey(key);
        return deps.repo.storageDelete(id, key);
      },
      async list<T extends Json>(prefix = "") {
        need("storage");
        return (await deps.repo.storageList(id, prefix)).map((r) => ({ key: r.key, value: JSON.parse(r.value) as T }));
      },
    },
    secrets: {
      async get(name) {
        need("secrets");
        const v = await deps.vault.open(`plugin:${id}`, name);
        return typeof v === "string" ? v : undefined;
      },
      async set(name, value) {
        need("secrets");
        await deps.vault.seal(`plugin:${id}`, name, value);
      },
      async delete(name) {
        need("secrets");
        // The count of removed rows answers "did it exist" without decrypting (a damaged secret stays deletable).
        return (await deps.vault.delete(`plugin:${id}`, name)) > 0;
      },
    },
    settings: {
      async get() {
        return validateSettings(manifest.contributes.settings, await deps.repo.settingsGet(id), { fillDefaults: true });
      },
      onChange(listener) {
        instance.settingsListeners.add(listener);
        return instance.track({ dispose: () => void instance.settingsListeners.delete(listener) });
      },
    },
    events: {
      on(type, listener) {
        return instance.track({ dispose: deps.bus.on(type, listener) });
      },
      emit(name, payload) {
        deps.bus.emit(`${id}.${name}`, payload);
      },
    },
    services: {
      provide(name, implementation) {
        const version = manifest.provides[name];
        if (!version) throw undeclared(id, `provides.${name}`);
        return instance.track({ dispose: deps.services.provide(name, { version, implementation }) });
      },
      consume<T extends object>(name: string) {
        const range = manifest.consumes[name];
        if (!range) throw undeclared(id, `consumes.${name}`);
        return deps.services.consume(name, range) as T | undefined;
      },
    },
    limits: deps.limits,
    license: deps.license,
    log: deps.log,
    ssh: createPluginSsh(deps.ssh, { need, track: (d) => instance.track(d) }),
    docker: createPluginDocker({ need, track: (d) => instance.track(d) }),
    fetch: createPluginFetch(id, [...granted]),
    onDispose(dispose) {
      return instance.track({ dispose });
    },
  };
}
