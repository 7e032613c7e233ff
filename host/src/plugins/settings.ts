import type { PluginManifest } from "@archnest/sdk/manifest";
import type { Json } from "@archnest/sdk/plugin";
import { PluginError } from "./plugin-errors.js";

type SettingsSchema = PluginManifest["contributes"]["settings"];

/**
 * Checks settings values against the schema a plugin declared. Unknown keys and wrong types are refused
 * with every problem listed; with `fillDefaults` the declared defaults fill missing values.
 */
export function validateSettings(schema: SettingsSchema, values: Record<string, unknown>, opts: { fillDefaults: boolean }): Record<string, Json> {
  const problems: string[] = [];
  const out: Record<string, Json> = {};
  for (const key of Object.keys(values)) if (!(key in schema)) problems.push(`${key}: not a declared setting`);
  for (const [key, def] of Object.entries(schema)) {
    const v = values[key];
    if (v === undefined || v === null) {
      if (opts.fillDefaults && def.default !== undefined) out[key] = def.default;
      continue;
    }
    switch (def.type) {
      case "string":
        if (typeof v !== "string") problems.push(`${key}: must be text`);
        else if (def.maxLength !== undefined && v.length > def.maxLength) problems.push(`${key}: at most ${def.maxLength} characters`);
        else out[key] = v;
        break;
      case "number":
        if (typeof v !== "number" || !Number.isFinite(v)) problems.push(`${key}: must be a number`);
        else if ((def.min !== undefined && v < def.min) || (def.max !== undefined && v > def.max))
          problems.push(`${key}: must be between ${def.min ?? "-∞"} and ${def.max ?? "∞"}`);
        else out[key] = v;
        break;
      case "boolean":
        if (typeof v !== "boolean") problems.push(`${key}: must be true or false`);
        else out[key] = v;
        break;
      case "enum":
        if (typeof v !== "string" || !def.options.includes(v)) problems.push(`${key}: must be one of ${def.options.join(", ")}`);
        else out[key] = v;
        break;
    }
  }
  if (problems.length > 0) throw new PluginError("HOST_ERR_SETTINGS_INVALID", `Invalid settings: ${problems.join("; ")}`, problems);
  return out;
}
