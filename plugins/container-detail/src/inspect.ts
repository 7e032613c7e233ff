/**
 * What the detail view shows of the Engine API's inspects (`GET /containers/{id}/json`,
 * `/images/{id}/json` and `/history`, `/volumes/{name}`), shaped for people: environment values are left
 * out here (they are read only when revealed), times are milliseconds, sizes bytes.
 */

/** The Engine API's container inspect, as far as the view reads it. */
export interface EngineContainer {
  Id: string;
  Name: string;
  Created: string;
  Path?: string;
  Args?: string[];
  Image: string;
  RestartCount?: number;
  State: {
    Status: string;
    Running: boolean;
    ExitCode: number;
    Error?: string;
    StartedAt?: string;
    FinishedAt?: string;
    OOMKilled?: boolean;
    Health?: { Status: string; FailingStreak: number; Log?: { Start: string; End: string; ExitCode: number; Output: string }[] };
  };
  Config: {
    Image: string;
    Hostname?: string;
    User?: string;
    WorkingDir?: string;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
    ExposedPorts?: Record<string, unknown> | null;
  };
  HostConfig: {
    RestartPolicy?: { Name: string; MaximumRetryCount?: number };
    Memory?: number;
    MemoryReservation?: number;
    NanoCpus?: number;
    CpuShares?: number;
    PidsLimit?: number | null;
    NetworkMode?: string;
    Privileged?: boolean;
    ReadonlyRootfs?: boolean;
  };
  NetworkSettings: {
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string; Gateway?: string; MacAddress?: string; Aliases?: string[] | null; GlobalIPv6Address?: string }> | null;
  };
  Mounts?: { Type: string; Name?: string; Source: string; Destination: string; Mode: string; RW: boolean }[];
}

export interface HealthCheck {
  start: number;
  end: number;
  exitCode: number;
  output: string;
}

/** A container as the detail view shows it. */
export interface ContainerDetail {
  id: string;
  name: string;
  image: string;
  imageId: string;
  createdAt: number;
  command: string[];
  entrypoint: string[];
  workingDir: string;
  user: string;
  hostname: string;
  state: {
    status: string;
    running: boolean;
    exitCode: number;
    error: string;
    startedAt: number | null;
    finishedAt: number | null;
    oomKilled: boolean;
    restartCount: number;
  };
  restartPolicy: { name: string; maximumRetryCount: number };
  /** The configured check and, when one runs, its state and last results (newest last). */
  health: {
    test: string[];
    intervalMs: number | null;
    timeoutMs: number | null;
    retries: number | null;
    status: string | null;
    failingStreak: number;
    log: HealthCheck[];
  } | null;
  resources: { memoryBytes: number | null; memoryReservationBytes: number | null; cpus: number | null; cpuShares: number | null; pidsLimit: number | null };
  privileged: boolean;
  readOnlyRootfs: boolean;
  ports: { container: string; protocol: string; hostIp: string | null; hostPort: string | null }[];
  networks: { name: string; ip: string; ipv6: string; gateway: string; mac: string; aliases: string[] }[];
  networkMode: string;
  mounts: { type: string; name: string | null; source: string; destination: string; mode: string; readWrite: boolean }[];
  /** Variable names only: values stay on the engine until revealed. */
  env: { name: string }[];
  labels: { name: string; value: string }[];
}

const time = (iso: string | undefined): number | null => {
  const t = Date.parse(iso ?? "");
  // The engine writes 0001-01-01T00:00:00Z for "never".
  return Number.isFinite(t) && t > 0 ? t : null;
};
const nsToMs = (ns: number | undefined) => (ns ? ns / 1e6 : null);
const positive = (n: number | undefined | null) => (typeof n === "number" && n > 0 ? n : null);

/** Splits `NAME=value` lines into names and values (a line without `=` is a name with an empty value). */
export function splitEnv(env: readonly string[] | null | undefined): { name: string; value: string }[] {
  return (env ?? []).map((line) => {
    const at = line.indexOf("=");
    return at < 0 ? { name: line, value: "" } : { name: line.slice(0, at), value: line.slice(at + 1) };
  });
}

export function containerDetail(c: EngineContainer): ContainerDetail {
  const hc = c.Config.Healthcheck;
  const hasCheck = hc?.Test !== undefined && hc.Test.length > 0 && hc.Test[0] !== "NONE";
  const ports: ContainerDetail["ports"] = [];
  for (const [key, bindings] of Object.entries(c.NetworkSettings.Ports ?? {})) {
    const [port = key, protocol = "tcp"] = key.split("/");
    if (!bindings || bindings.length === 0) ports.push({ container: port, protocol, hostIp: null, hostPort: null });
    else for (const b of bindings) ports.push({ container: port, protocol, hostIp: b.HostIp || null, hostPort: b.HostPort || null });
  }
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ""),
    image: c.Config.Image,
    imageId: c.Image,
    createdAt: time(c.Created) ?? 0,
    command: c.Config.Cmd ?? [],
    entrypoint: c.Config.Entrypoint ?? [],
    workingDir: c.Config.WorkingDir ?? "",
    user: c.Config.User ?? "",
    hostname: c.Config.Hostname ?? "",
    state: {
      status: c.State.Status,
      running: c.State.Running,
      exitCode: c.State.ExitCode,
      error: c.State.Error ?? "",
      startedAt: time(c.State.StartedAt),
      finishedAt: time(c.State.FinishedAt),
      oomKilled: Boolean(c.State.OOMKilled),
      restartCount: c.RestartCount ?? 0,
    },
    restartPolicy: { name: c.HostConfig.RestartPolicy?.Name || "no", maximumRetryCount: c.HostConfig.RestartPolicy?.MaximumRetryCount ?? 0 },
    health: hasCheck
      ? {
          test: hc?.Test ?? [],
          intervalMs: nsToMs(hc?.Interval),
          timeoutMs: nsToMs(hc?.Timeout),
          retries: positive(hc?.Retries),
          status: c.State.Health?.Status ?? null,
          failingStreak: c.State.Health?.FailingStreak ?? 0,
          log: (c.State.Health?.Log ?? []).map((l) => ({ start: time(l.Start) ?? 0, end: time(l.End) ?? 0, exitCode: l.ExitCode, output: l.Output })),
        }
      : null,
    resources: {
      memoryBytes: positive(c.HostConfig.Memory),
      memoryReservationBytes: positive(c.HostConfig.MemoryReservation),
      cpus: c.HostConfig.NanoCpus ? c.HostConfig.NanoCpus / 1e9 : null,
      cpuShares: positive(c.HostConfig.CpuShares),
      pidsLimit: positive(c.HostConfig.PidsLimit),
    },
    privileged: Boolean(c.HostConfig.Privileged),
    readOnlyRootfs: Boolean(c.HostConfig.ReadonlyRootfs),
    ports,
    networks: Object.entries(c.NetworkSettings.Networks ?? {}).map(([name, n]) => ({
      name,
      ip: n.IPAddress ?? "",
      ipv6: n.GlobalIPv6Address ?? "",
      gateway: n.Gateway ?? "",
      mac: n.MacAddress ?? "",
      aliases: n.Aliases ?? [],
    })),
    networkMode: c.HostConfig.NetworkMode ?? "",
    mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type, name: m.Name ?? null, source: m.Source, destination: m.Destination, mode: m.Mode, readWrite: m.RW })),
    env: splitEnv(c.Config.Env).map(({ name }) => ({ name })),
    labels: Object.entries(c.Config.Labels ?? {})
      .map(([name, value]) => ({ name, value }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The Engine API's image inspect and history, as far as the view reads them. */
export interface EngineImage {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created: string;
  Size: number;
  Architecture?: string;
  Os?: string;
  Author?: string;
  Config?: {
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    ExposedPorts?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
    WorkingDir?: string;
    User?: string;
  };
  RootFS?: { Type: string; Layers?: string[] };
}
export interface EngineHistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Size: number;
  Comment: string;
  Tags?: string[] | null;
}

export interface ImageDetail {
  id: string;
  tags: string[];
  digests: string[];
  createdAt: number;
  sizeBytes: number;
  platform: string;
  author: string;
  command: string[];
  entrypoint: string[];
  workingDir: string;
  user: string;
  exposedPorts: string[];
  labels: { name: string; value: string }[];
  layers: string[];
  /** Newest first, as `docker history` prints it. */
  history: { createdAt: number; createdBy: string; sizeBytes: number; comment: string }[];
  /** Containers made from it. */
  containers: { id: string; name: string; state: string }[];
}

export function imageDetail(i: EngineImage, history: EngineHistoryEntry[], containers: ImageDetail["containers"]): ImageDetail {
  return {
    id: i.Id,
    tags: i.RepoTags ?? [],
    digests: i.RepoDigests ?? [],
    createdAt: time(i.Created) ?? 0,
    sizeBytes: i.Size,
    platform: [i.Os, i.Architecture].filter(Boolean).join("/"),
    author: i.Author ?? "",
    command: i.Config?.Cmd ?? [],
    entrypoint: i.Config?.Entrypoint ?? [],
    workingDir: i.Config?.WorkingDir ?? "",
    user: i.Config?.User ?? "",
    exposedPorts: Object.keys(i.Config?.ExposedPorts ?? {}),
    labels: Object.entries(i.Config?.Labels ?? {}).map(([name, value]) => ({ name, value })),
    layers: i.RootFS?.Layers ?? [],
    history: history.map((h) => ({ createdAt: h.Created * 1000, createdBy: h.CreatedBy, sizeBytes: h.Size, comment: h.Comment })),
    containers,
  };
}

export interface EngineVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Scope: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface VolumeDetail {
  name: string;
  driver: string;
  mountpoint: string;
  createdAt: number | null;
  scope: string;
  labels: { name: string; value: string }[];
  options: { name: string; value: string }[];
  /** Containers that mount it, and where. */
  usedBy: { id: string; name: string; state: string; destination: string; readWrite: boolean }[];
}

/** The Engine API's container list entry, as far as the view reads it. */
export interface EngineListedContainer {
  Id: string;
  Names?: string[];
  State: string;
  ImageID?: string;
  Mounts?: { Type: string; Name?: string; Destination: string; RW: boolean }[];
}

export function volumeDetail(v: EngineVolume, containers: EngineListedContainer[]): VolumeDetail {
  const pairs = (o: Record<string, string> | null | undefined) => Object.entries(o ?? {}).map(([name, value]) => ({ name, value }));
  return {
    name: v.Name,
    driver: v.Driver,
    mountpoint: v.Mountpoint,
    createdAt: time(v.CreatedAt),
    scope: v.Scope,
    labels: pairs(v.Labels),
    options: pairs(v.Options),
    usedBy: containers.flatMap((c) =>
      (c.Mounts ?? [])
        .filter((m) => m.Type === "volume" && m.Name === v.Name)
        .map((m) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""), state: c.State, destination: m.Destination, readWrite: m.RW })),
    ),
  };
}
