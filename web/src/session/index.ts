/**
 * The signed-in session: who is signed in, whether first-run setup is needed, and the CSRF token handed
 * to `@archnest/sdk/web` so every state-changing request carries it.
 */
import { ApiError, setCsrfToken } from "@archnest/sdk/web";
import { createSignal } from "solid-js";
import { api, type Credentials, type Session, type SetupRequest, type User } from "../api/index.js";

export type SessionStatus = "loading" | "setup" | "signed-out" | "signed-in" | "offline";

const [status, setStatus] = createSignal<SessionStatus>("loading");
const [user, setUser] = createSignal<User | undefined>();

function accept(session: Session): void {
  setCsrfToken(session.csrfToken);
  setUser(session.user);
  setStatus("signed-in");
}

/** Drops the signed-in user and the CSRF token; the caller sets the status that follows. */
function forget(): void {
  setCsrfToken(undefined);
  setUser(undefined);
}

/** Reads the session from the host: signed in, setup needed, or signed out. */
export async function loadSession(): Promise<void> {
  try {
    // Signed in is the common case: ask that first and only look at setup when it is not.
    accept(await api.me());
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      setStatus("offline");
      return;
    }
    forget();
    try {
      const setup = await api.setupStatus();
      setStatus(setup.needsSetup ? "setup" : "signed-out");
    } catch {
      setStatus("offline");
    }
  }
}

export async function signIn(credentials: Credentials): Promise<void> {
  accept(await api.login(credentials));
}

export async function createAdmin(request: SetupRequest): Promise<void> {
  accept(await api.setup(request));
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } finally {
    sessionExpired();
  }
}

/** Called when any request answers 401 after sign-in: the session expired or was revoked. */
export function sessionExpired(): void {
  forget();
  setStatus("signed-out");
}

export const session = { status, user };
