import { apiFetch, pluginApi } from "@archnest/sdk/web";
import type { RecordingStatus } from "../api/index.js";
import type { Recording } from "../store/index.js";

export type { Recording, RecordingStatus };

export const PLUGIN_ID = "session-recording";
export const api = pluginApi(PLUGIN_ID);

/** The admin's settings as the host stores them (`contributes.settings`). */
export interface SettingValues {
  recordHosts: string;
  recordInput: boolean;
  maxAgeDays: number;
  maxTotalMiB: number;
}

export const readSettingValues = async () => (await apiFetch<{ values: SettingValues }>(`/api/plugins/${PLUGIN_ID}/settings`)).values;

export const saveSettingValues = (values: SettingValues) =>
  apiFetch<{ values: SettingValues }>(`/api/plugins/${PLUGIN_ID}/settings`, { method: "PUT", json: { values } });

/** The SSH hosts a terminal can open, as the terminal plugin lists them. */
export const terminalHosts = async () => (await apiFetch<{ hosts: { id: string; name: string; address: string }[] }>("/api/plugins/terminal/hosts")).hosts;

export const castUrl = (r: Pick<Recording, "id">) => `/api/plugins/${PLUGIN_ID}/recordings/${encodeURIComponent(r.id)}/cast`;
export const downloadUrl = (r: Pick<Recording, "id">) => `/api/plugins/${PLUGIN_ID}/recordings/${encodeURIComponent(r.id)}/download`;
