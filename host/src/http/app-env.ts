import type { RequestUser } from "@archnest/sdk/plugin";
import type { HttpBindings } from "@hono/node-server";
import type { Session } from "../auth/session-store.js";
import type { Logger } from "../log/index.js";

/**
 * Variables every handler of the host app can read with `c.get(...)`. `user` and `session` are set by the
 * session guard on every /api route except the public ones (setup, login), where they are absent.
 */
export interface AppVariables {
  requestId: string;
  /** The request's logger, bound to its request id. */
  log: Logger;
  user: RequestUser;
  session: Session;
}

/** The Hono environment of the host app: `new Hono<AppEnv>()`. Bindings are absent under `app.request()`. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: AppVariables;
}
