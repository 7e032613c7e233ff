/**
 * How a module reaches an install once bought:
 * - `package`: a signed plugin package published in this registry; it is on sale only once one is.
 * - `entitlement`: the license slug alone, which lifts a free cap (`lifts`) that the host and its core
 *   plugins already enforce; nothing is downloaded.
 */
export type ModuleDelivery = { kind: "package" } | { kind: "entitlement"; lifts: string };

/** The paid modules of docs/modules.md: the license slugs the registry sells and the host gates on. Never rename a slug. */
export interface CatalogModule {
  slug: string;
  name: string;
  description: string;
  priceCents: number;
  delivery: ModuleDelivery;
}

const m = (slug: string, name: string, description: string): CatalogModule => ({ slug, name, description, priceCents: 500, delivery: { kind: "package" } });
/** A module that only lifts a cap; `lifts` is the host's name for that cap (host/src/gate/host-limits.ts, or a plugin manifest's `archnest.limits`). */
const cap = (slug: string, name: string, description: string, lifts: string): CatalogModule => ({
  ...m(slug, name, description),
  delivery: { kind: "entitlement", lifts },
});

export const MODULES: readonly CatalogModule[] = [
  m("multi-pane-terminal", "Multi-Pane Terminal", "Split panes (2 or 4) and multiple tabs."),
  m("tmux", "tmux Integration", "List and attach to existing tmux sessions on a host, create new ones."),
  m("jump-host", "Jump-Host Chaining", "Connect through one or more intermediary hosts (ProxyJump) for terminal, SFTP, tunnels, metrics."),
  m("cert-auth", "Certificate Auth (OPKSSH)", "OpenSSH user-certificate authentication (certificates such as OPKSSH issues)."),
  m("tunnel-autostart", "Tunnel Auto-Start", "Chosen tunnels start on boot and reconnect with backoff."),
  m("persistent-sessions", "Persistent Sessions", "Terminal sessions survive page navigation and reloads; reattach with scrollback."),
  m("session-recording", "Session Recording", "Record terminal sessions to disk (asciicast v2), list, replay in the browser, download."),
  m("host-transfer", "Host-to-Host Transfer", "Copy or move files and folders between two SSH hosts, with progress."),
  m("docker-over-ssh", "Docker over SSH", "Manage containers through the docker CLI or socket over SSH, no exposed TCP socket."),
  m("docker-push-agent", "Docker Push Agent", "An outbound-only agent on a Docker host pushes container state to ArchNest."),
  m("container-exec", "Container Exec", "Interactive shell into a running container, in the browser terminal."),
  m("container-detail", "Container Detail View", "Full inspect: ports, networks, mounts, env, labels, logs."),
  cap("unlimited-hosts", "Unlimited SSH Hosts", "Removes the 3-host cap.", "hosts"),
  m("proxmox", "Proxmox Integration", "List VMs and LXC containers, status, start/stop/reboot."),
  m("aws", "AWS Integration", "EC2 instance and STS identity inventory."),
  m("cloudflare", "Cloudflare Integration", "DNS zones and records listing."),
  m("netbird", "NetBird Integration", "Mesh peers and their connectivity."),
  m("uptime-kuma", "Uptime Kuma Integration", "Monitor status and health."),
  m("rdp", "Remote Desktop (RDP)", "RDP sessions through Apache Guacamole (guacd)."),
  m("vnc", "Remote Desktop (VNC)", "VNC sessions in the browser."),
  m("telnet", "Remote Desktop (Telnet)", "Telnet sessions in the browser terminal."),
  m("theme-midnight-blue", "Theme: Midnight Blue", "Blue accent theme."),
  m("theme-forest", "Theme: Forest", "Emerald accent theme."),
  m("theme-light", "Theme: Light", "Light mode theme."),
  m("multi-user", "Multi-User", "More users, admin/member roles, up to 10 seats."),
  m("advanced-metrics", "Advanced Metrics", "Network, processes, listening ports, firewall, login stats."),
  m("data-export", "Data Export/Import", "Backup and restore of integrations, secrets, bookmarks, tunnels (encrypted archive)."),
  m("audit-log", "Audit Log", "Full activity audit log with filters and export."),
  cap("unlimited-bookmarks", "Unlimited Bookmarks", "Removes the 10-bookmark cap.", "bookmarks"),
  m("global-search", "Global Search", "One search box across pages, hosts, bookmarks, containers, files."),
];

/** A bundle: several modules for less than their sum. */
export interface CatalogBundle {
  slug: string;
  name: string;
  modules: readonly string[];
  priceCents: number;
}

const slugs = (from: number, to: number) => MODULES.slice(from - 1, to).map((x) => x.slug);

export const BUNDLES: readonly CatalogBundle[] = [
  { slug: "ssh-pro", name: "SSH Pro", modules: slugs(1, 8), priceCents: 2500 },
  { slug: "docker-pro", name: "Docker Pro", modules: slugs(9, 12), priceCents: 1500 },
  { slug: "remote-desktop", name: "Remote Desktop", modules: slugs(19, 21), priceCents: 1000 },
  { slug: "all-themes", name: "All Themes", modules: slugs(22, 24), priceCents: 1000 },
  { slug: "everything", name: "Everything", modules: slugs(1, 30), priceCents: 9900 },
];
