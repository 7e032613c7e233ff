/**
 * @archnest/sdk/manifest: the schema of a plugin's package.json (`archnest` field) and its types. It imports
 * no Node module, so the web shell and a plugin's web entry can use it as the host and the CLI do.
 */
import semver from "semver";
import { z } from "zod";
import { SdkError } from "../errors/index.js";

/**
 * Capabilities a plugin may ask for. The host hands a plugin only the capabilities its manifest declares
 * and the admin accepted; `net:outbound:<host>` names one outbound host (or `*.domain`).
 */
export const PERMISSIONS = [
  "storage",
  "secrets",
  "hosts:read",
  "hosts:write",
  "ssh:exec",
  "ssh:shell",
  "ssh:sftp",
  "ssh:forward",
  "ssh:route",
  "ssh:auth",
  "docker",
  "users",
  "audit",
  "agents",
] as const;

export type Permission = (typeof PERMISSIONS)[number] | `net:outbound:${string}`;

const ID = /^[a-z][a-z0-9-]{1,48}$/;
const SLOT = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+@[1-9][0-9]*$/;
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const OUTBOUND = /^net:outbound:(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?$/;

const relativeFile = z
  .string()
  .min(1)
  .max(200)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes("..") && !p.includes("\\"), "must be a relative path inside the package");

const semverRange = z.string().refine((r) => semver.validRange(r) !== null, "must be a semver range such as ^1.0.0");

const permission = z.string().superRefine((p, ctx) => {
  if (!(PERMISSIONS as readonly string[]).includes(p) && !OUTBOUND.test(p)) {
    ctx.addIssue({ code: "custom", message: `unknown permission "${p}"; use one of ${PERMISSIONS.join(", ")} or net:outbound:<host>` });
  }
});

const settingSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("string"),
    title: z.string(),
    description: z.string().optional(),
    default: z.string().optional(),
    maxLength: z.number().int().positive().optional(),
  }),
  z.strictObject({
    type: z.literal("number"),
    title: z.string(),
    description: z.string().optional(),
    default: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  z.strictObject({ type: z.literal("boolean"), title: z.string(), description: z.string().optional(), default: z.boolean().optional() }),
  z.strictObject({
    type: z.literal("enum"),
    title: z.string(),
    description: z.string().optional(),
    options: z.array(z.string()).min(1),
    default: z.string().optional(),
  }),
]);

const slotContribution = z.strictObject({
  slot: z.string().regex(SLOT, "must be a versioned slot name such as dashboard.widget@1"),
  id: z.string().regex(ID, "must be lowercase letters, digits and dashes"),
  component: z.string().regex(EXPORT_NAME, "must be the name of an export of the web entry"),
  title: z.string().max(100).optional(),
});

const pageContribution = z.strictObject({
  path: z.string().regex(/^\/[a-z0-9/-]*$/, "must start with / and use lowercase letters, digits, dashes"),
  title: z.string().min(1).max(60),
  component: z.string().regex(EXPORT_NAME),
  icon: z.string().max(40).optional(),
});

const LIMIT_NAME = /^[a-z][a-z0-9-]{1,48}$/;

/** A free cap a plugin enforces, and the paid module that lifts it. */
const limitDeclaration = z.strictObject({
  cap: z.number({ error: "must be the number of items the free core keeps" }).int("must be a whole number").min(0).max(1_000_000),
  module: z
    .string({ error: "must name the module that lifts the cap" })
    .regex(/^[a-z0-9][a-z0-9-]*$/, "must be a module slug")
    .refine((m) => m !== "free", 'must name the paid module that lifts the cap, not "free"'),
});

const archnestSchema = z
  .strictObject({
    id: z.string().regex(ID, "must be 2-49 lowercase letters, digits or dashes, starting with a letter"),
    displayName: z.string().min(1).max(60),
    description: z.string().max(500).optional(),
    module: z.string().regex(/^(free|[a-z0-9][a-z0-9-]*)$/, 'must be "free" or a module slug'),
    sdk: semverRange,
    server: relativeFile.optional(),
    web: relativeFile.optional(),
    permissions: z.array(permission).max(50).default([]),
    dependencies: z.record(z.string().regex(ID), semverRange).default({}),
    provides: z
      .record(
        z.string().regex(ID),
        z.string().refine((v) => semver.valid(v) !== null, "must be a semver version"),
      )
      .default({}),
    consumes: z.record(z.string().regex(ID), semverRange).default({}),
    experimental: z.array(z.string().max(80)).default([]),
    /** Free caps the plugin enforces through `ctx.limits` (`{"bookmarks": {"cap": 10, "module": "unlimited-bookmarks"}}`). */
    limits: z.record(z.string(), limitDeclaration).default({}),
    /**
     * What a paid plugin does without its license: left out, it is not loaded and every route answers 402;
     * `"read-only"` keeps it loaded, its GET and HEAD routes served, so what it stored stays readable.
     */
    unlicensed: z.enum(["read-only"], { error: 'must be "read-only"' }).optional(),
    contributes: z
      .strictObject({
        slots: z.array(slotContribution).max(100).default([]),
        pages: z.array(pageContribution).max(20).default([]),
        settings: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), settingSchema).default({}),
        declares: z.array(z.string().regex(SLOT, "must be a versioned slot name")).default([]),
      })
      .default({ slots: [], pages: [], settings: {}, declares: [] }),
  })
  .superRefine((m, ctx) => {
    if (!m.server && !m.web) ctx.addIssue({ code: "custom", message: "declare a server entry, a web entry or both", path: ["server"] });
    if ((m.contributes.slots.length > 0 || m.contributes.pages.length > 0) && !m.web) {
      ctx.addIssue({ code: "custom", message: "slot and page contributions need a web entry", path: ["web"] });
    }
    // hasOwn, not a lookup: an id such as "constructor" would find Object.prototype.constructor.
    if (Object.hasOwn(m.dependencies, m.id)) ctx.addIssue({ code: "custom", message: "a plugin cannot depend on itself", path: ["dependencies", m.id] });
    // Checked here rather than in the record's key schema, whose refusal would not say what a name must be.
    for (const name of Object.keys(m.limits)) {
      if (!LIMIT_NAME.test(name))
        ctx.addIssue({ code: "custom", message: "must be a cap name of lowercase letters, digits and dashes", path: ["limits", name] });
    }
    if (m.unlicensed && m.module === "free")
      ctx.addIssue({ code: "custom", message: 'only a paid module has an unlicensed mode; "free" is always licensed', path: ["unlicensed"] });
    const ids = new Set<string>();
    for (const [i, s] of m.contributes.slots.entries()) {
      if (ids.has(s.id)) ctx.addIssue({ code: "custom", message: `duplicate contribution id "${s.id}"`, path: ["contributes", "slots", i, "id"] });
      ids.add(s.id);
    }
  });

const packageSchema = z.looseObject({
  name: z
    .string()
    .regex(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/, "must be a valid npm package name")
    .max(214),
  version: z.string().refine((v) => semver.valid(v) !== null && semver.clean(v) === v, "must be a semver version such as 1.2.3"),
  archnest: archnestSchema,
});

/** The `archnest` field of a plugin's package.json, with defaults filled in. */
export type PluginManifest = z.infer<typeof archnestSchema>;
/** One slot contribution (`contributes.slots[]`): which export of the web entry renders in which slot. */
export type SlotContribution = PluginManifest["contributes"]["slots"][number];
/** One page contribution (`contributes.pages[]`): a shell route rendered by an export of the web entry. */
export type PageContribution = PluginManifest["contributes"]["pages"][number];
/** One declared setting (`contributes.settings[name]`), which the shell renders as a form field. */
export type SettingSchema = PluginManifest["contributes"]["settings"][string];
/** A plugin's package.json: npm's fields plus the ArchNest manifest. */
export interface PluginPackage {
  name: string;
  version: string;
  archnest: PluginManifest;
}

// `archnest.contributes.settings["a b"]`: keys that are not plain names are quoted, so the path stays readable.
function describePath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((acc, p) => {
      if (typeof p === "number") return `${acc}[${p}]`;
      const key = String(p);
      if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${acc}[${JSON.stringify(key)}]`;
      return acc ? `${acc}.${key}` : key;
    }, "") || "(root)"
  );
}

/**
 * Validates a plugin's package.json and its `archnest` manifest. Every problem is reported at once,
 * each naming the field (`archnest.permissions[2]: unknown permission "root"`).
 *
 * @example
 * ```ts
 * const pkg = parsePluginPackage(JSON.parse(readFileSync("package.json", "utf8")));
 * pkg.archnest.permissions; // ["storage"]
 * ```
 */
export function parsePluginPackage(value: unknown): PluginPackage {
  const parsed = packageSchema.safeParse(value);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => {
      const extra = i.code === "unrecognized_keys" ? ` (${i.keys.join(", ")})` : "";
      return `${describePath(i.path)}: ${i.message}${extra}`;
    });
    throw new SdkError("SDK_ERR_MANIFEST_INVALID", `The plugin manifest is invalid: ${details.join("; ")}`, details);
  }
  const { name, version, archnest } = parsed.data;
  return { name, version, archnest };
}
