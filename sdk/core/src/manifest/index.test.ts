import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SdkError } from "../errors/index.js";
import { anyJson, anyValue, onlyCodedErrors, RUNS, withFieldReplaced } from "../test-support/properties.js";
import { PERMISSIONS, parsePluginPackage } from "./index.js";

const valid = {
  name: "@acme/hello",
  version: "1.0.0",
  description: "npm fields beside the manifest are kept out of the way, not refused",
  archnest: {
    id: "hello",
    displayName: "Hello",
    module: "free",
    sdk: "^1.0.0",
    server: "dist/server.js",
    web: "dist/web.js",
    permissions: ["storage", "net:outbound:api.example.com"],
    contributes: { slots: [{ slot: "dashboard.widget@1", id: "hello-widget", component: "HelloWidget" }] },
  },
};

function problems(value: unknown): string[] {
  try {
    parsePluginPackage(value);
  } catch (err) {
    expect(err).toBeInstanceOf(SdkError);
    expect((err as SdkError).code).toBe("SDK_ERR_MANIFEST_INVALID");
    return [...(err as SdkError).details];
  }
  throw new Error("expected the manifest to be refused");
}

describe("parsePluginPackage", () => {
  it("accepts a valid package.json and fills in defaults", () => {
    const pkg = parsePluginPackage(valid);
    expect(pkg).toMatchObject({ name: "@acme/hello", version: "1.0.0" });
    expect(pkg.archnest.dependencies).toEqual({});
    expect(pkg.archnest.contributes.pages).toEqual([]);
    expect(pkg.archnest.permissions).toEqual(["storage", "net:outbound:api.example.com"]);
  });

  it("lets a paid plugin stay loaded read-only without its license, and refuses the mode elsewhere", () => {
    const paid = withFieldReplaced(valid, ["archnest", "module"], "session-recording");
    expect(parsePluginPackage(withFieldReplaced(paid, ["archnest", "unlicensed"], "read-only")).archnest.unlicensed).toBe("read-only");
    expect(parsePluginPackage(paid).archnest.unlicensed).toBeUndefined();
    expect(problems(withFieldReplaced(paid, ["archnest", "unlicensed"], "full"))).toEqual([
      expect.stringMatching(/^archnest\.unlicensed: must be "read-only"/),
    ]);
    expect(problems(withFieldReplaced(valid, ["archnest", "unlicensed"], "read-only"))).toEqual([
      expect.stringMatching(/^archnest\.unlicensed: only a paid module has an unlicensed mode/),
    ]);
  });

  it("keeps the free caps a plugin declares, and defaults to none", () => {
    expect(parsePluginPackage(valid).archnest.limits).toEqual({});
    const declared = withFieldReplaced(valid, ["archnest", "limits"], { bookmarks: { cap: 10, module: "unlimited-bookmarks" } });
    expect(parsePluginPackage(declared).archnest.limits).toEqual({ bookmarks: { cap: 10, module: "unlimited-bookmarks" } });
  });

  it("refuses a cap that is not a whole count, lifted by nothing or named oddly, naming each field", () => {
    const details = problems(
      withFieldReplaced(valid, ["archnest", "limits"], {
        bookmarks: { cap: 2.5, module: "unlimited-bookmarks" },
        panes: { cap: 1, module: "free" },
        tabs: { cap: 1 },
      }),
    );
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^archnest\.limits\.bookmarks\.cap: must be a whole number/),
        expect.stringMatching(/^archnest\.limits\.panes\.module: must name the paid module that lifts the cap/),
        expect.stringMatching(/^archnest\.limits\.tabs\.module: must name the module that lifts the cap/),
      ]),
    );
    expect(problems(withFieldReplaced(valid, ["archnest", "limits"], { "Bad Name": { cap: 1, module: "x" } }))).toEqual([
      'archnest.limits["Bad Name"]: must be a cap name of lowercase letters, digits and dashes',
    ]);
  });

  it("names the field of each problem, and reports them all at once", () => {
    const details = problems(
      withFieldReplaced(
        withFieldReplaced(withFieldReplaced(valid, ["archnest", "permissions"], ["storage", "root"]), ["version"], "1.0"),
        ["archnest", "sdk"],
        "soon",
      ),
    );
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^version: must be a semver version/),
        expect.stringMatching(/^archnest\.sdk: must be a semver range/),
        expect.stringMatching(/^archnest\.permissions\[1\]: unknown permission "root"/),
      ]),
    );
    expect(details).toHaveLength(3);
  });

  it("refuses unknown fields in the manifest and names them", () => {
    const details = problems(withFieldReplaced(valid, ["archnest", "runAsRoot"], true));
    expect(details.join("\n")).toMatch(/archnest.*runAsRoot/);
  });

  it.each(Object.keys(valid.archnest))("names archnest.%s when it has the wrong type", (field) => {
    const details = problems(withFieldReplaced(valid, ["archnest", field], 42));
    expect(details.some((d) => d.startsWith(`archnest.${field}`))).toBe(true);
  });

  it.each([
    ["name", "Not A Name"],
    ["version", "v1"],
  ])("names %s when it is invalid", (field, value) => {
    expect(problems(withFieldReplaced(valid, [field], value))[0]).toMatch(new RegExp(`^${field}: `));
  });

  it("says what is missing when neither a server nor a web entry is declared", () => {
    const noEntries = withFieldReplaced(withFieldReplaced(valid, ["archnest", "server"], undefined), ["archnest", "web"], undefined);
    expect(problems(noEntries).join("\n")).toContain("declare a server entry, a web entry or both");
  });

  it("refuses entry files that climb out of the package or are absolute", () => {
    expect(problems(withFieldReplaced(valid, ["archnest", "server"], "../server.js"))[0]).toMatch(/^archnest\.server: must be a relative path/);
    expect(problems(withFieldReplaced(valid, ["archnest", "web"], "/etc/web.js"))[0]).toMatch(/^archnest\.web: must be a relative path/);
  });

  it("refuses slot contributions without a web entry, and duplicate contribution ids", () => {
    expect(problems(withFieldReplaced(valid, ["archnest", "web"], undefined)).join("\n")).toContain(
      "archnest.web: slot and page contributions need a web entry",
    );
    const slot = { slot: "dashboard.widget@1", id: "w", component: "W" };
    const dup = withFieldReplaced(valid, ["archnest", "contributes"], { slots: [slot, { ...slot, id: "w" }] });
    expect(problems(dup).join("\n")).toMatch(/archnest\.contributes\.slots\[\d\]\.id/);
  });

  it("refuses a plugin that depends on itself, but not a plugin whose id is an Object property name", () => {
    expect(problems(withFieldReplaced(valid, ["archnest", "dependencies"], { hello: "^1.0.0" })).join("\n")).toContain("cannot depend on itself");
    expect(parsePluginPackage(withFieldReplaced(valid, ["archnest", "id"], "constructor")).archnest.id).toBe("constructor");
  });

  it("quotes a key that is not a plain name in the path it reports", () => {
    const details = problems(withFieldReplaced(valid, ["archnest", "contributes"], { settings: { "a b": { type: "boolean", title: "x" } } }));
    expect(details[0]).toBe(`archnest.contributes.settings["a b"]: Invalid key in record`);
  });

  it("refuses a package.json that is not an object", () => {
    for (const v of [null, 42, "x", [], undefined]) expect(problems(v).length).toBeGreaterThan(0);
  });
});

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,11}$/);
const idArb = fc.stringMatching(/^[a-z][a-z0-9-]{1,20}$/);
const nameArb = fc.oneof(
  segment,
  fc.tuple(segment, segment).map(([scope, n]) => `@${scope}/${n}`),
);
const versionArb = fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map((v) => v.join("."));
const rangeArb = fc.oneof(
  versionArb.map((v) => `^${v}`),
  versionArb.map((v) => `~${v}`),
  fc.constantFrom("*", "1.x", ">=1.0.0 <2.0.0", "^1.0.0 || ^2.0.0"),
);
const fileArb = fc.tuple(fc.array(segment, { minLength: 0, maxLength: 3 }), segment).map(([dirs, f]) => [...dirs, `${f}.js`].join("/"));
const hostArb = fc
  .tuple(
    fc.boolean(),
    fc.array(
      segment.filter((s) => !s.includes("_")),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([wild, parts]) => `net:outbound:${wild ? "*." : ""}${parts.join(".")}`);
const permissionsArb = fc.uniqueArray(fc.oneof(fc.constantFrom(...PERMISSIONS), hostArb), { maxLength: 8 });
const slotArb = fc.record({
  slot: fc.constantFrom("dashboard.widget@1", "terminal.toolbar@2", "settings.tab@1", "nav.main@1"),
  id: idArb,
  component: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,15}$/),
});

const manifestArb = fc
  .record(
    {
      id: idArb,
      displayName: fc.string({ minLength: 1, maxLength: 60 }),
      description: fc.string({ maxLength: 500 }),
      module: fc.oneof(fc.constant("free"), idArb),
      sdk: rangeArb,
      server: fileArb,
      web: fileArb,
      permissions: permissionsArb,
      dependencies: fc.dictionary(idArb, rangeArb, { maxKeys: 3 }),
      contributes: fc.record({ slots: fc.uniqueArray(slotArb, { selector: (s) => s.id, maxLength: 4 }) }),
    },
    { requiredKeys: ["id", "displayName", "module", "sdk"] },
  )
  .filter((m) => Boolean(m.server || m.web))
  .filter((m) => m.web !== undefined || (m.contributes?.slots.length ?? 0) === 0)
  .filter((m) => !Object.hasOwn(m.dependencies ?? {}, m.id));

const packageArb = fc.record({ name: nameArb, version: versionArb, archnest: manifestArb });

describe("parsePluginPackage properties", () => {
  it("parses every valid generated package.json and keeps its identity and permissions", () => {
    fc.assert(
      fc.property(packageArb, (value) => {
        const pkg = parsePluginPackage(value);
        expect(pkg.name).toBe(value.name);
        expect(pkg.version).toBe(value.version);
        expect(pkg.archnest.id).toBe(value.archnest.id);
        expect(pkg.archnest.permissions).toEqual(value.archnest.permissions ?? []);
      }),
      RUNS,
    );
  });

  it("answers any value with a parsed package or SDK_ERR_MANIFEST_INVALID, never another error", () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        onlyCodedErrors(() => parsePluginPackage(value), ["SDK_ERR_MANIFEST_INVALID"]);
      }),
      RUNS,
    );
  });

  it("answers a valid package.json with any one field replaced by any JSON with a result or a coded error that names a field", () => {
    const paths = [
      ["name"],
      ["version"],
      ["archnest"],
      ...Object.keys(valid.archnest).map((k) => ["archnest", k]),
      ["archnest", "contributes", "slots"],
      ["archnest", "contributes", "pages"],
      ["archnest", "contributes", "settings"],
      ["archnest", "contributes", "declares"],
      ["archnest", "permissions", "0"],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.option(anyJson, { nil: undefined }), (path, replacement) => {
        try {
          parsePluginPackage(withFieldReplaced(valid, path, replacement));
        } catch (err) {
          expect(
            onlyCodedErrors(() => {
              throw err;
            }),
          ).toBe("SDK_ERR_MANIFEST_INVALID");
          for (const d of (err as SdkError).details) expect(d).toMatch(/^(\(root\)|name|version|archnest)(\.|\[|: )/);
        }
      }),
      RUNS,
    );
  });
});
