/**
 * The tmux commands this plugin runs over SSH, built from checked input only. Pure: no IO.
 *
 * Every value that reaches a command line is first checked against a strict pattern, then single-quoted
 * (inside single quotes a POSIX shell interprets nothing), so no input can add a word or a command.
 */

/**
 * tmux's own rules (session_check_name in tmux's session.c): a name is not empty, and ':' and '.' are
 * replaced because they separate targets. Ours are stricter so a name reads the same in a shell, a URL and a
 * tab title: 1 to 64 ASCII letters, digits, '_' and '-', not starting with '-' (tmux would read it as an
 * option). No shell metacharacter (space, quote, '$', '`', ';', '|', '&', '<', '>', '(', ')', '\', '*', '?',
 * '[', '#', '~', '=', '%', '!', '{', '}') and no control character can appear.
 */
export const SESSION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

/** A session's id as tmux prints it (`$3`): the way to reach a session whose name breaks our rules. */
export const SESSION_ID = /^\$[0-9]{1,9}$/;

/** A client's terminal device as `list-clients` prints it. */
export const CLIENT_TTY = /^\/dev\/(pts\/[0-9]{1,6}|tty[A-Za-z0-9]{1,12})$/;

/** True for a name {@link newSessionCommand} accepts. */
export function isSessionName(name: string): boolean {
  return SESSION_NAME.test(name);
}

/** True for a name or an id the other commands accept as a target. */
export function isSessionTarget(target: string): boolean {
  return SESSION_NAME.test(target) || SESSION_ID.test(target);
}

/** `'value'`, for values that passed one of the patterns above (they hold no quote, but quote it anyway). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A target that matches one session exactly: tmux otherwise takes a prefix or a pattern (`-t work` finds
 * "workshop" when no "work" exists, and kill-session would kill it). An id is exact already.
 */
export function exactTarget(target: string): string {
  if (!isSessionTarget(target)) throw new TypeError(`not a checked session target: ${JSON.stringify(target)}`);
  return shellQuote(SESSION_ID.test(target) ? target : `=${target}`);
}

/**
 * Separates fields in list output: tmux stores control characters in names as octal escapes (`\037`),
 * so this byte only ever separates. Only with `-u`: a tmux client that finds no UTF-8 locale (an SSH exec
 * usually has none) prints every byte outside printable ASCII as `_`, this one included.
 */
export const FIELD = "\x1f";

const SESSION_FORMAT = ["S", "#{session_id}", "#{session_name}", "#{session_created}", "#{session_attached}", "#{session_activity}", "#{session_windows}"];
const WINDOW_FORMAT = ["W", "#{session_id}", "#{window_index}", "#{window_name}", "#{window_active}", "#{window_panes}"];
const CLIENT_FORMAT = ["C", "#{session_id}", "#{client_tty}", "#{client_width}", "#{client_height}", "#{client_created}", "#{client_termname}"];

const format = (fields: string[]) => shellQuote(fields.join(FIELD));

/** Printed on stderr when the host has no tmux on PATH, so "not installed" never depends on a shell's wording. */
export const NOT_INSTALLED_MARKER = "archnest-tmux-not-installed";

/** Runs `body` only when tmux is on the remote PATH; exit status 127 otherwise, as a shell's own "not found". */
function withTmux(body: string): string {
  return `command -v tmux >/dev/null 2>&1 || { echo ${NOT_INSTALLED_MARKER} >&2; exit 127; }; ${body}`;
}

/** Lists sessions, then every window, then every client, one record a line. */
export function listCommand(): string {
  return withTmux(
    `tmux -u list-sessions -F ${format(SESSION_FORMAT)} && tmux -u list-windows -a -F ${format(WINDOW_FORMAT)} && tmux -u list-clients -F ${format(CLIENT_FORMAT)}`,
  );
}

/** Creates a detached session; the caller has checked the name with {@link isSessionName}. */
export function newSessionCommand(name: string): string {
  if (!isSessionName(name)) throw new TypeError(`not a checked session name: ${JSON.stringify(name)}`);
  return withTmux(`tmux new-session -d -s ${shellQuote(name)}`);
}

/** Detaches one client (by its tty) of the session, or all its clients. */
export function detachCommand(target: string, tty?: string): string {
  if (tty === undefined) return withTmux(`tmux detach-client -s ${exactTarget(target)}`);
  if (!CLIENT_TTY.test(tty)) throw new TypeError(`not a checked client tty: ${JSON.stringify(tty)}`);
  return withTmux(`tmux detach-client -t ${shellQuote(tty)}`);
}

/** Ends the session, its windows and their processes. */
export function killCommand(target: string): string {
  return withTmux(`tmux kill-session -t ${exactTarget(target)}`);
}

/** What the terminal runs on a pty to show the session in a pane (`-u`: UTF-8 even where the exec has no locale). */
export function attachCommand(target: string): string {
  return `tmux -u attach-session -t ${exactTarget(target)}`;
}
