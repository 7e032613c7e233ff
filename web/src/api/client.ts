import { ApiError, apiFetch, describeError } from "@archnest/sdk/web";
import type {
  Catalog,
  CheckoutResponse,
  Credentials,
  HasDependentsBody,
  InstalledPlugin,
  LicenseStatus,
  PasswordChange,
  PermissionsNotAcceptedBody,
  PluginAction,
  PluginSettingsValues,
  PrefValue,
  Session,
  SetupRequest,
  SetupStatus,
  UiManifest,
  UninstallResult,
  UpdateResponse,
} from "./types.js";

const post = <T>(path: string, json?: unknown): Promise<T> => apiFetch<T>(path, { method: "POST", ...(json === undefined ? {} : { json }) });
const id = (v: string): string => encodeURIComponent(v);
const progressQuery = (progressId: string | undefined): string => (progressId ? `?progressId=${encodeURIComponent(progressId)}` : "");

/** The host's API, one typed function per route of the contract in types.ts. */
export const api = {
  setupStatus: () => apiFetch<SetupStatus>("/api/setup"),
  setup: (c: SetupRequest) => post<Session>("/api/setup", c),
  login: (c: Credentials) => post<Session>("/api/auth/login", c),
  logout: () => post<void>("/api/auth/logout"),
  me: () => apiFetch<Session>("/api/auth/me"),
  changePassword: (body: PasswordChange) => post<void>("/api/auth/password", body),

  manifest: () => apiFetch<UiManifest>("/api/ui/manifest"),

  plugins: () => apiFetch<InstalledPlugin[]>("/api/plugins"),
  /** `progressId` names the SSE `install` events of this install, so the page can show its progress. */
  installFile: (file: File, acceptPermissions?: string[], progressId?: string) => {
    const form = new FormData();
    form.set("file", file);
    for (const p of acceptPermissions ?? []) form.append("acceptPermissions", p);
    return apiFetch<InstalledPlugin>(`/api/plugins/install${progressQuery(progressId)}`, { method: "POST", body: form });
  },
  installRef: (ref: string, acceptPermissions?: string[], progressId?: string) =>
    post<InstalledPlugin>(`/api/plugins/install${progressQuery(progressId)}`, acceptPermissions ? { ref, acceptPermissions } : { ref }),
  /** `withDependents` confirms that the plugins depending on this one stop too (disable only). */
  pluginAction: (pluginId: string, action: PluginAction, opts: { withDependents?: boolean } = {}) =>
    post<InstalledPlugin>(`/api/plugins/${id(pluginId)}/${action}${opts.withDependents ? "?withDependents=true" : ""}`),
  /** Updates within the plugin's policy; `result` says whether anything changed. */
  updatePlugin: (pluginId: string, acceptPermissions?: string[], progressId?: string) =>
    post<UpdateResponse>(`/api/plugins/${id(pluginId)}/update${progressQuery(progressId)}`, acceptPermissions ? { acceptPermissions } : undefined),
  uninstall: (pluginId: string, opts: { purge?: boolean; withDependents?: boolean } = {}) => {
    const query = new URLSearchParams({ ...(opts.purge && { purge: "true" }), ...(opts.withDependents && { withDependents: "true" }) }).toString();
    return apiFetch<UninstallResult>(`/api/plugins/${id(pluginId)}${query ? `?${query}` : ""}`, { method: "DELETE" });
  },
  pluginSettings: (pluginId: string) => apiFetch<PluginSettingsValues>(`/api/plugins/${id(pluginId)}/settings`),
  savePluginSettings: (pluginId: string, values: PluginSettingsValues["values"]) =>
    apiFetch<PluginSettingsValues>(`/api/plugins/${id(pluginId)}/settings`, { method: "PUT", json: { values } }),

  license: () => apiFetch<LicenseStatus>("/api/license"),
  refreshLicense: () => post<LicenseStatus>("/api/license/refresh"),
  catalog: () => apiFetch<Catalog>("/api/catalog"),
  checkout: (slug: string) => post<CheckoutResponse>("/api/catalog/checkout", { slug }),

  getPref: async <T>(key: string): Promise<T | null> => {
    try {
      const r = await apiFetch<PrefValue<T>>(`/api/prefs/${id(key)}`);
      return r?.value ?? null;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  setPref: <T>(key: string, value: T) => apiFetch<void>(`/api/prefs/${id(key)}`, { method: "PUT", json: { value } }),
} satisfies Record<string, (...args: never[]) => Promise<unknown>>;

/** The permissions a 409 asks the admin to accept, or undefined for any other error. */
export function permissionsToAccept(error: unknown): string[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 409 || error.code !== "HOST_ERR_PERMISSIONS_NOT_ACCEPTED") return undefined;
  const body = error.body as Partial<PermissionsNotAcceptedBody> | undefined;
  return Array.isArray(body?.permissions) ? body.permissions.filter((p): p is string => typeof p === "string") : [];
}

/** The ids of the plugins that would stop too, when a 409 says others depend on this one; else undefined. */
export function dependentsOf(error: unknown): string[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 409 || error.code !== "HOST_ERR_HAS_DEPENDENTS") return undefined;
  const body = error.body as Partial<HasDependentsBody> | undefined;
  return Array.isArray(body?.dependents) ? body.dependents.filter((d): d is string => typeof d === "string") : [];
}

/** A sentence for people from any thrown value, with the request id of an API error to quote in a report. */
export function errorMessage(error: unknown): string {
  return describeError(error);
}
