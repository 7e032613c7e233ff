import { isSdkError, SdkErrors } from "@archnest/sdk";
import { parseCli } from "./args.js";
import { build } from "./commands/build.js";
import { create } from "./commands/create.js";
import { dev } from "./commands/dev.js";
import { install } from "./commands/install.js";
import { keyringCreate, keyringRevoke, keyringRotate } from "./commands/keyring.js";
import { keysGenerate } from "./commands/keys.js";
import { pack, sign, verify } from "./commands/pack.js";
import { publish } from "./commands/publish.js";
import { publisherRegister } from "./commands/publisher.js";
import { trustAdd, trustList, trustRemove } from "./commands/trust.js";
import { type CliIo, line } from "./io.js";

export { buildPlugin } from "./commands/build.js";
export type { CliIo } from "./io.js";

const HELP = `archnest-plugin: create, build, sign, verify and publish ArchNest plugins

Start here:
  archnest-plugin create [@scope/]NAME [--scope @scope]   a TypeScript plugin (route, page, widget, settings, test, CI) with its own keys
  archnest-plugin publish [DIR] --registry URL           build, pack, sign and publish the plugin in DIR (default .);
                                                          registers you as a publisher on first use (token kept in publish-token)
  archnest-plugin dev [DIR] --host URL --user NAME      watch src/, rebuild, sign with a development key (made on first run,
                                                          in .archnest/) and install into the host on every save [--once]
  archnest-plugin dev [DIR] [--port N]                  the same into a host it starts from the project's @archnest/host
                                                          (npm install -D @archnest/host), data in .archnest/dev-host
  archnest-plugin install [NAME] --host URL --user NAME  install from the host's registry (password in ARCHNEST_PASSWORD);
                                                          in a plugin folder: trusts its publisher key and installs it

Usage:
  archnest-plugin keys generate --out DIR --name NAME
  archnest-plugin keyring create --root ROOT.key (--release KEY.pub --scope PATTERN)... [--license KEY.pub] [--index KEY.pub]
                                 [--valid-from DATE] [--key-valid-days N] [--lifetime-days N] [--version N] --out KEYRING.json
  archnest-plugin keyring rotate --root ROOT.key --keyring KEYRING.json [--release KEY.pub --scope PATTERN]... [--key OLD.pub|--keyid ID]...
                                 [--valid-from DATE] [--key-valid-days N] [--out FILE]
                                 the new keys sign nothing before --valid-from (ISO 8601, e.g. 2026-01-31); default now
  archnest-plugin keyring revoke --root ROOT.key --keyring KEYRING.json (--key KEY.pub|--keyid ID) --reason TEXT [--out FILE]
  archnest-plugin build [PLUGIN_DIR]                      bundle src/server.ts and src/web.tsx into the manifest's entries
  archnest-plugin pack [PLUGIN_DIR] --out FILE.tgz      the files npm pack would take ("files", .npmignore); refuses private keys
  archnest-plugin sign FILE.tgz --key RELEASE.key        (or ARCHNEST_SIGNING_KEY in the environment)
  archnest-plugin verify FILE.tgz --root ROOT.pub --keyring KEYRING.json [--min-keyring-version N] [--json]
  archnest-plugin publish FILE.tgz --registry URL [--token TOKEN]   (or ARCHNEST_REGISTRY_URL, ARCHNEST_REGISTRY_TOKEN)
  archnest-plugin publisher register --registry URL --name NAME --scope @SCOPE... --root ROOT.pub --keyring KEYRING.json [--token-file FILE]
  archnest-plugin trust add FINGERPRINT --host URL --user NAME          (password in ARCHNEST_PASSWORD)
  archnest-plugin trust add --root ROOT.pub --keyring KEYRING.json [--name NAME] --host URL --user NAME   (an offline host)
  archnest-plugin trust list --host URL --user NAME
  archnest-plugin trust remove FINGERPRINT --host URL --user NAME
  archnest-plugin errors                                  the error code table

Every command accepts --json for machine-readable output. Exit codes: 0 success, 1 refused, 2 usage.
`;

type Command = (args: ReturnType<typeof parseCli>, io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  create,
  dev,
  install,
  "keys generate": keysGenerate,
  "keyring create": keyringCreate,
  "keyring rotate": keyringRotate,
  "keyring revoke": keyringRevoke,
  build,
  pack,
  sign,
  verify,
  publish,
  "publisher register": publisherRegister,
  "trust add": trustAdd,
  "trust list": trustList,
  "trust remove": trustRemove,
  errors: (_args, io) => {
    for (const [code, e] of Object.entries(SdkErrors.table)) line(io.stdout, `${code}\n  ${e.message}\n  Fix: ${e.hint ?? ""}`);
    return 0;
  },
};

/**
 * Runs the CLI with the given arguments and returns the exit code.
 *
 * @example
 * ```ts
 * const code = await main(["verify", "x.tgz", "--root", "root.pub", "--keyring", "k.json", "--json"], io);
 * ```
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes("--json");
  try {
    const args = parseCli(argv);
    const [first, second] = args.positionals;
    const command = (first && second && COMMANDS[`${first} ${second}`]) || (first ? COMMANDS[first] : undefined);
    if (args.values.help || !first) {
      io.stdout.write(HELP);
      return first || args.values.help ? 0 : 2;
    }
    if (!command) {
      io.stderr.write(`Unknown command: ${args.positionals.join(" ")}\n\n${HELP}`);
      return 2;
    }
    return await command(args, io);
  } catch (err) {
    if (!isSdkError(err)) throw err;
    if (json) line(io.stdout, JSON.stringify({ ok: false, code: err.code, message: err.message }));
    else line(io.stderr, `✗ ${err.message} [${err.code}]`);
    return err.code === "SDK_ERR_USAGE" ? 2 : 1;
  }
}
