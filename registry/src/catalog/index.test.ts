import { describe, expect, it } from "vitest";
import { BUNDLES, bundlesView, expandSlugs, formatPrice, MODULES, purchasable } from "./index.js";

describe("module catalog", () => {
  it("sells the 30 modules of docs/modules.md at $5 each, with unique slugs", () => {
    expect(MODULES).toHaveLength(30);
    expect(new Set(MODULES.map((m) => m.slug)).size).toBe(30);
    expect(MODULES.every((m) => m.priceCents === 500)).toBe(true);
    expect(MODULES[0]?.slug).toBe("multi-pane-terminal");
    expect(MODULES[29]?.slug).toBe("global-search");
  });

  it("prices the bundles as docs/modules.md does and lists their members", () => {
    const bundles = Object.fromEntries(bundlesView(new Set()).map((b) => [b.slug, b]));
    expect(bundles["ssh-pro"]).toMatchObject({ price: "$25", separately: "$40", saving: "$15" });
    expect(bundles["ssh-pro"]?.modules).toEqual([
      "multi-pane-terminal",
      "tmux",
      "jump-host",
      "cert-auth",
      "tunnel-autostart",
      "persistent-sessions",
      "session-recording",
      "host-transfer",
    ]);
    expect(bundles["docker-pro"]).toMatchObject({ price: "$15", modules: ["docker-over-ssh", "docker-push-agent", "container-exec", "container-detail"] });
    expect(bundles["remote-desktop"]).toMatchObject({ price: "$10", modules: ["rdp", "vnc", "telnet"] });
    expect(bundles["all-themes"]).toMatchObject({ price: "$10", modules: ["theme-midnight-blue", "theme-forest", "theme-light"] });
    expect(bundles.everything).toMatchObject({ price: "$99", separately: "$150", saving: "$51" });
    expect(BUNDLES.every((b) => b.modules.every((s) => MODULES.some((m) => m.slug === s)))).toBe(true);
  });

  it("expands bundles into module slugs and ignores unknown slugs", () => {
    expect(expandSlugs(["remote-desktop", "tmux", "rdp", "nope"])).toEqual(["rdp", "telnet", "tmux", "vnc"]);
    expect(expandSlugs(["everything"])).toHaveLength(30);
    expect(purchasable("nope")).toBeUndefined();
    expect(formatPrice(450)).toBe("$4.50");
  });
});
