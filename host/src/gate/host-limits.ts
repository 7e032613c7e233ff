import type { LimitDeclaration } from "@archnest/sdk/plugin";

/**
 * The free caps the host itself enforces, declared here and nowhere else; every other cap is declared by
 * the plugin that enforces it, in its manifest's `archnest.limits`.
 */
export const HOST_LIMITS: Readonly<Record<"hosts" | "users", LimitDeclaration>> = {
  hosts: { cap: 3, module: "unlimited-hosts" },
  users: { cap: 1, module: "multi-user" },
};
