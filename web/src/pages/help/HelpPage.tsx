import type { JSX } from "solid-js";
import { Icon, PageHeader } from "../../ui/index.js";

const SHORTCUTS: [string, string][] = [
  ["Tab / Shift+Tab", "Move between controls; the focused one is outlined"],
  ["Enter / Space", "Activate the focused button or link"],
  ["Esc", "Close a dialog"],
  ["Tab on page load", "Shows “Skip to content” to jump past the navigation"],
];

/** Short answers to the questions people ask first. */
export function HelpPage(): JSX.Element {
  return (
    <div class="page page--narrow">
      <PageHeader title="Help" description="How ArchNest works, in a few minutes." />
      <div class="grid grid--2">
        <section class="card">
          <h2 class="card__title">
            <Icon name="glance" /> Glance
          </h2>
          <p>
            Glance is your dashboard. Widgets come from plugins; choose <strong>Customize</strong> to reorder or hide them. Your layout is saved to your
            account.
          </p>
        </section>
        <section class="card">
          <h2 class="card__title">
            <Icon name="puzzle" /> Plugins
          </h2>
          <p>
            Everything in ArchNest is a signed plugin. Settings → Plugins lists each one with its version, signer and permissions, and lets you update, pin,
            roll back, disable or uninstall it. Uninstalling keeps the plugin's data unless you choose to delete it.
          </p>
        </section>
        <section class="card">
          <h2 class="card__title">
            <Icon name="store" /> Modules
          </h2>
          <p>
            The free core stays free. Paid modules cost $5 each, once, and bundles save more. Buy them in Settings → Module Store; they install without a page
            reload.
          </p>
        </section>
        <section class="card">
          <h2 class="card__title">
            <Icon name="key" /> License
          </h2>
          <p>
            Your license is checked weekly. If ArchNest cannot reach the license server it keeps working for the days of grace shown in Settings → License.
            After that, paid modules pause until the next successful check; nothing is deleted.
          </p>
        </section>
      </div>
      <section class="card" id="ssh" data-testid="help-ssh">
        <h2 class="card__title">
          <Icon name="server" /> SSH hosts
        </h2>
        <dl class="kv help-topics">
          <dt>Adding a host</dt>
          <dd>
            Settings → Integrations → <strong>Add host</strong>: a name, the address and port (22 unless the server says otherwise) and the user to sign in as.{" "}
            <strong>Import from ~/.ssh/config</strong> adds the hosts of an OpenSSH client config at once. The free core keeps 3 hosts; the Add button shows how
            many are used, and Unlimited SSH Hosts lifts the cap.
          </dd>
          <dt>Keys or passwords</dt>
          <dd>
            A private key is the safer choice: paste the private key file (not the <code>.pub</code>) and its passphrase if it has one, and put the public key
            in the server's <code>~/.ssh/authorized_keys</code>. A password works too. Either is stored encrypted and never shown again; editing a host keeps it
            unless you type a new one.
          </dd>
          <dt>Host key trust</dt>
          <dd>
            The first connection shows the fingerprint of the key the server presented (<code>SHA256:…</code>) and sends nothing until you choose{" "}
            <strong>Trust and connect</strong>. Compare it first with what <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> prints on the server.
            If the key changes later, every connection is refused and both fingerprints are shown until an admin accepts the new one: expect that only after
            reinstalling the server.
          </dd>
          <dt>Terminal</dt>
          <dd>
            Terminal opens a shell on the host you pick. Select text to copy it; Ctrl+Shift+C and Ctrl+Shift+V copy and paste. The free core runs one terminal
            at a time; Multi-Pane Terminal adds tabs and split panes.
          </dd>
          <dt>Files</dt>
          <dd>Files browses a host over SFTP with the host's sign-in: upload, download, rename, change permissions and edit small text files.</dd>
          <dt>Tunnels</dt>
          <dd>
            Tunnels forward a port through a host: a local forward reaches a service on or behind the server (a database on its 127.0.0.1) from this machine; a
            remote forward exposes a local service on the server.
          </dd>
        </dl>
      </section>
      <section class="card" id="docker" data-testid="help-docker">
        <h2 class="card__title">
          <Icon name="box" /> Docker
        </h2>
        <dl class="kv help-topics">
          <dt>Adding a source</dt>
          <dd>
            Docker → <strong>Add source</strong> connects to a Docker engine. A <strong>unix socket</strong> (<code>/var/run/docker.sock</code>) reaches the
            engine on the machine ArchNest runs on; ArchNest needs permission to read it.
          </dd>
          <dt>TCP and TLS</dt>
          <dd>
            A <strong>TCP</strong> source reaches an engine that listens on the network (<code>dockerd -H tcp://…</code>). Use <strong>TLS</strong> with a
            client certificate and key (and the CA that signed the server's certificate) whenever the port is reachable by others, usually 2376: without TLS
            anyone who reaches the port controls the engine.
          </dd>
          <dt>Free cap</dt>
          <dd>
            The free core manages one Docker source, with its containers, images, volumes and networks. Docker over SSH adds more sources, reached through your
            SSH hosts instead of an exposed TCP port.
          </dd>
        </dl>
      </section>
      <section class="card">
        <h2 class="card__title">
          <Icon name="keyboard" /> Keyboard
        </h2>
        <dl class="kv">
          {SHORTCUTS.map(([k, v]) => (
            <>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </>
          ))}
        </dl>
      </section>
    </div>
  );
}
