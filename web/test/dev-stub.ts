/**
 * A stand-in for the host's API, for working on the web app's look without the real host running:
 * `npx tsx web/test/dev-stub.ts [port]`. The browser tests never use it; they run against the real host.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { extname, join, normalize } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const pluginDir = process.env.STUB_PLUGIN_DIR ?? "/tmp/widget-plugin-web";
const port = Number(process.argv[2] ?? 5199);
const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".html": "text/html",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

let setupNeeded = process.env.STUB_SETUP === "1";
let signedIn = process.env.STUB_SIGNED_IN === "1";
const prefs = new Map<string, unknown>();
const day = 86_400_000;
const modules = [
  ["multi-pane-terminal", "Multi-Pane Terminal", "Split panes (2 or 4) and multiple tabs"],
  ["tmux", "tmux Integration", "List and attach to tmux sessions on a host, create new ones"],
  ["jump-host", "Jump-Host Chaining", "Connect through intermediary hosts (ProxyJump)"],
  ["tunnel-autostart", "Tunnel Auto-Start", "Chosen tunnels start on boot and reconnect with backoff"],
  ["session-recording", "Session Recording", "Record terminal sessions and replay them in the browser"],
  ["docker-over-ssh", "Docker over SSH", "Manage containers over SSH, no exposed TCP socket"],
  ["unlimited-bookmarks", "Unlimited Bookmarks", "Removes the 10-bookmark cap"],
  ["theme-midnight-blue", "Theme: Midnight Blue", "Blue accent theme"],
  ["theme-forest", "Theme: Forest", "Emerald accent theme"],
  ["theme-light", "Theme: Light", "Light mode theme"],
] as const;
const owned = new Set<string>(["tmux"]);
/** What the stub's store sells now; the rest shows as coming soon. */
const available = new Set<string>(["tmux", "unlimited-bookmarks", "theme-light"]);
const bundle = (slug: string, name: string, members: string[], price: string, saving: string) => ({
  slug,
  name,
  modules: members,
  price,
  saving,
  owned: false,
  available: members.some((m) => available.has(m)),
  availableNow: members.filter((m) => available.has(m)),
  comingLater: members.filter((m) => !available.has(m)),
});
const plugins = [
  {
    id: "notes",
    name: "@archnest/notes",
    version: "1.0.0",
    previousVersion: null,
    highestSeenVersion: "1.0.0",
    state: "active",
    error: null,
    errorCode: null,
    policy: "minor",
    source: "core",
    module: "free",
    signer: { keyid: "a1b2c3d4e5f6a7b8c9d0", name: "ArchNest releases" },
    permissions: ["storage"],
    grantedPermissions: ["storage"],
    installedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  },
  {
    id: "widget-test",
    name: "@archnest-test/widget-plugin",
    version: "1.0.0",
    previousVersion: "0.9.0",
    highestSeenVersion: "1.0.0",
    state: "active",
    error: null,
    errorCode: null,
    policy: "pinned",
    source: "file",
    module: "free",
    signer: { keyid: "ffeeddccbbaa99887766", name: "Test author" },
    permissions: ["storage", "net:outbound:api.example.com"],
    grantedPermissions: ["storage"],
    installedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  },
  {
    id: "docker",
    name: "@archnest/docker",
    version: "1.2.0",
    previousVersion: null,
    highestSeenVersion: "1.2.0",
    state: "failed",
    error: "setup() timed out after 5000 ms",
    errorCode: "HOST_ERR_PLUGIN_ACTIVATION_TIMEOUT",
    policy: "latest",
    source: "core",
    module: "free",
    signer: { keyid: "a1b2c3d4e5f6a7b8c9d0", name: "ArchNest releases" },
    permissions: ["docker", "hosts:read"],
    grantedPermissions: ["docker", "hosts:read"],
    installedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  },
];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

function file(res: ServerResponse, path: string): void {
  res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
  res.end(readFileSync(path));
}

createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const p = url.pathname;
  let body = "";
  for await (const chunk of req) body += chunk;
  const input = body && req.headers["content-type"]?.includes("json") ? JSON.parse(body) : {};
  if (p === "/api/setup" && req.method === "GET") return json(res, 200, { needsSetup: setupNeeded });
  if (p === "/api/setup" || p === "/api/auth/login") {
    setupNeeded = false;
    signedIn = true;
    return json(res, 200, { user: { id: "u1", username: input.username ?? "admin", role: "admin" }, csrfToken: "t" });
  }
  if (p === "/api/auth/me")
    return signedIn
      ? json(res, 200, { user: { id: "u1", username: "admin", role: "admin" }, csrfToken: "t" })
      : json(res, 401, { error: "HOST_ERR_UNAUTHENTICATED" });
  if (p === "/api/auth/logout") {
    signedIn = false;
    return json(res, 200, {});
  }
  if (p === "/api/ui/manifest")
    return json(res, 200, {
      version: 1,
      plugins: [
        {
          id: "widget-test",
          name: "Widget Test",
          version: "1.0.0",
          module: "free",
          web: "/plugin/index.js",
          slots: [
            { slot: "dashboard.widget@1", id: "hello", component: "HelloWidget", title: "Hello" },
            { slot: "dashboard.widget@1", id: "crash", component: "CrashWidget", title: "Crashy" },
            { slot: "dashboard.widget@1", id: "cap", component: "CapWidget", title: "Capped items" },
          ],
          pages: [{ path: "/notes", title: "Notes", component: "HelloWidget", icon: "file" }],
          settings: {},
        },
      ],
    });
  if (p === "/api/ui/events") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write('event: manifest\ndata: {"version":1}\n\n');
    return;
  }
  if (p === "/api/plugins/widget-test/items")
    return json(res, 402, {
      error: "module_required",
      module: "unlimited-bookmarks",
      price: "$5",
      purchaseUrl: "/settings/store#unlimited-bookmarks",
      cap: 10,
      limit: "bookmarks",
    });
  if (p === "/api/plugins") return json(res, 200, plugins);
  if (p === "/api/license")
    return json(res, 200, {
      state: "valid",
      modules: [...owned],
      validUntil: new Date(Date.now() + 6 * day).toISOString(),
      lastCheck: new Date(Date.now() - 3_600_000).toISOString(),
      daysLeft: 6,
    });
  if (p === "/api/catalog")
    return json(res, 200, {
      plugins: [
        {
          name: "@archnest/notes",
          displayName: "Notes",
          description: "Quick notes",
          module: "free",
          price: "$0",
          bundles: [],
          latest: "1.1.0",
          free: true,
          installed: true,
          owned: true,
        },
        {
          name: "@archnest/bookmarks",
          displayName: "Bookmarks",
          description: "Your links in one place",
          module: "free",
          price: "$0",
          bundles: [],
          latest: "1.0.0",
          free: true,
          installed: false,
          owned: true,
        },
        {
          name: "@archnest/tmux",
          displayName: "tmux",
          description: "",
          module: "tmux",
          price: "$5",
          bundles: ["ssh-pro"],
          latest: "1.0.0",
          free: false,
          installed: true,
          owned: true,
        },
      ],
      modules: modules.map(([slug, name, description]) => ({
        slug,
        name,
        description,
        price: "$5",
        bundles: [],
        owned: owned.has(slug),
        delivery: slug === "unlimited-bookmarks" ? "entitlement" : "package",
        available: available.has(slug),
      })),
      bundles: [
        bundle(
          "ssh-pro",
          "SSH Pro",
          modules.slice(0, 5).map((m) => m[0]),
          "$25",
          "$15",
        ),
        bundle("all-themes", "All Themes", ["theme-midnight-blue", "theme-forest", "theme-light"], "$10", "$5"),
        bundle(
          "everything",
          "Everything",
          modules.map((m) => m[0]),
          "$99",
          "$51",
        ),
      ],
    });
  if (p.startsWith("/api/prefs/")) {
    const key = decodeURIComponent(p.slice(11));
    if (req.method === "PUT") {
      prefs.set(key, input.value);
      return json(res, 200, {});
    }
    return json(res, 200, { value: prefs.get(key) ?? null });
  }
  if (p.startsWith("/api/")) return json(res, 404, { error: "HOST_ERR_NOT_FOUND", message: "not in the stub" });
  if (p.startsWith("/plugin/")) return file(res, join(pluginDir, normalize(p.slice(8))));
  const target = join(dist, normalize(p));
  if (target.startsWith(dist) && existsSync(target) && statSync(target).isFile()) return file(res, target);
  return file(res, join(dist, "index.html"));
}).listen(port, "127.0.0.1", () => console.log(`stub on http://127.0.0.1:${port}`));
