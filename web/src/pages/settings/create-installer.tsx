import { createSignal, For, type JSX } from "solid-js";
import { permissionsToAccept } from "../../api/index.js";
import { Dialog, Icon } from "../../ui/index.js";

const DESCRIPTIONS: Record<string, string> = {
  storage: "Keep its own data in the ArchNest database",
  secrets: "Store and read encrypted secrets",
  "hosts:read": "See your SSH hosts",
  "hosts:write": "Add, change and remove SSH hosts",
  "ssh:exec": "Run commands on your hosts",
  "ssh:shell": "Open interactive shells on your hosts",
  "ssh:sftp": "Read and write files on your hosts",
  "ssh:forward": "Open SSH tunnels",
  "ssh:route": "Connect through jump hosts",
  "ssh:auth": "Sign in to your hosts with keys and certificates it holds",
  docker: "Manage Docker containers, images and volumes",
  users: "Manage user accounts",
  audit: "Read the audit log",
  agents: "Accept connections from agents it enrolls on other machines",
};

/** What a permission lets a plugin do, in words. */
export function describePermission(p: string): string {
  if (p.startsWith("net:outbound:")) return `Connect to ${p.slice("net:outbound:".length)}`;
  return DESCRIPTIONS[p] ?? p;
}

interface Pending {
  title: string;
  permissions: string[];
  accept: () => void;
  cancel: () => void;
}

/**
 * Runs an install or update; when the host answers that permissions need accepting, shows them and
 * retries with `acceptPermissions` once the admin accepts. Resolves to undefined when the admin declines.
 */
export function createInstaller(): {
  run: <T>(title: string, attempt: (acceptPermissions?: string[]) => Promise<T>) => Promise<T | undefined>;
  PermissionsDialog: () => JSX.Element;
} {
  const [pending, setPending] = createSignal<Pending>();
  const run = async <T,>(title: string, attempt: (acceptPermissions?: string[]) => Promise<T>): Promise<T | undefined> => {
    try {
      return await attempt();
    } catch (e) {
      const permissions = permissionsToAccept(e);
      if (!permissions) throw e;
      const accepted = await new Promise<boolean>((resolve) => setPending({ title, permissions, accept: () => resolve(true), cancel: () => resolve(false) }));
      setPending(undefined);
      return accepted ? attempt(permissions) : undefined;
    }
  };
  const PermissionsDialog = () => (
    <Dialog
      open={pending() !== undefined}
      title={pending()?.title ?? ""}
      onClose={() => pending()?.cancel()}
      footer={
        <>
          <button type="button" class="btn btn--ghost" onClick={() => pending()?.cancel()}>
            Cancel
          </button>
          <button type="button" class="btn btn--accent" data-testid="accept-permissions" onClick={() => pending()?.accept()}>
            Accept and install
          </button>
        </>
      }
    >
      <p>This plugin asks for the following permissions. It gets only these, and you can uninstall it at any time.</p>
      <ul class="perm-list">
        <For each={pending()?.permissions ?? []}>
          {(p) => (
            <li>
              <Icon name="shield" size={16} />
              <div>
                <strong>{describePermission(p)}</strong>
                <code>{p}</code>
              </div>
            </li>
          )}
        </For>
      </ul>
    </Dialog>
  );
  return { run, PermissionsDialog };
}
