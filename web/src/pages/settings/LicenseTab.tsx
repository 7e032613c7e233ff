import { ApiError } from "@archnest/sdk/web";
import { createSignal, For, type JSX, Show } from "solid-js";
import { api, errorMessage, type LicenseStatus } from "../../api/index.js";
import { license, moduleInfo, refreshAll } from "../../data/index.js";
import { Badge, EmptyState, Icon, notify, Spinner } from "../../ui/index.js";

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** What the summary says: a free install is not a "valid license", and a failed check is said as such. */
function headline(lic: LicenseStatus): { title: string; text: string } {
  if (lic.modules.length === 0) {
    return {
      title: "Free core",
      text: "No paid modules: the free core is fully usable. Modules you buy in the Module Store appear here.",
    };
  }
  switch (lic.state) {
    case "valid":
      return { title: "License valid", text: "Your modules are active. ArchNest checks the license every week." };
    case "grace":
      return {
        title: "Working offline",
        text: `The license server could not be reached. Paid modules keep working for ${lic.daysLeft ?? 0} more ${lic.daysLeft === 1 ? "day" : "days"}.`,
      };
    case "expired":
      return { title: "License expired", text: "Paid modules are paused; their data is kept. A successful check restores them." };
    default:
      return { title: "Not registered", text: "This install has not reached the license server yet. The free core is fully usable." };
  }
}

/** The license: state, licensed modules, last check, days of grace left, and "Check now". */
export function LicenseTab(): JSX.Element {
  const [checking, setChecking] = createSignal(false);
  const l = () => license.read.latest;
  /** No paid modules, whatever the license state: nothing has a grace period. */
  const free = () => (l()?.modules.length ?? 0) === 0;
  const checkNow = async () => {
    setChecking(true);
    try {
      await api.refreshLicense();
      notify("License checked: the license server answered.", "success");
    } catch (e) {
      const code = e instanceof ApiError ? ` (${e.code})` : "";
      notify(`The license check failed${code}: ${errorMessage(e)}`, "error");
    } finally {
      // The state after a failed check carries the failure, shown below until a check succeeds.
      refreshAll();
      setChecking(false);
    }
  };
  return (
    <Show
      when={l()}
      fallback={
        <Show
          when={license.read.loading}
          fallback={
            <EmptyState icon="alert" title="License status unavailable">
              The host did not answer. Try again in a moment.
            </EmptyState>
          }
        >
          <Spinner />
        </Show>
      }
    >
      {(lic) => (
        <div class="stack">
          <section class="card license-summary" data-testid="license-state" data-state={lic().state}>
            <div class="license-summary__state">
              <div class={`license-icon license-icon--${free() ? "free" : lic().state}`}>
                <Icon name="shield" size={22} />
              </div>
              <div>
                <h2>{headline(lic()).title}</h2>
                <p class="muted">{headline(lic()).text}</p>
              </div>
            </div>
            <button type="button" class="btn btn--ghost" onClick={() => void checkNow()} disabled={checking()}>
              <Icon name="refresh" size={16} /> {checking() ? "Checking…" : "Check now"}
            </button>
          </section>
          <Show when={lic().lastErrorCode}>
            {(code) => (
              <p class="form-error" role="alert" data-testid="license-check-error" data-code={code()}>
                The last check failed: {lic().lastError ?? "the license server did not answer."} <code>{code()}</code>
              </p>
            )}
          </Show>
          <div class="grid grid--3">
            <div class="stat">
              <span class="stat__label">Last check</span>
              <span class="stat__value" data-testid="last-check">
                {lic().lastCheck ? `${when(lic().lastCheck as string)}${lic().lastErrorCode ? " (failed)" : ""}` : "Not yet"}
              </span>
            </div>
            <div class="stat">
              <span class="stat__label">Valid until</span>
              <span class="stat__value" data-testid="valid-until">
                {lic().validUntil ? when(lic().validUntil as string) : "No license issued yet"}
              </span>
            </div>
            <div class="stat">
              <span class="stat__label">Days of grace left</span>
              <span class="stat__value" data-testid="days-left">
                {free() || lic().validUntil === null ? "—" : (lic().daysLeft ?? "—")}
              </span>
            </div>
          </div>
          <section class="card">
            <h2 class="card__title">Licensed modules</h2>
            <Show
              when={lic().modules.length > 0}
              fallback={
                <p class="muted">
                  No paid modules yet. <a href="/settings/store">Browse the Module Store</a>.
                </p>
              }
            >
              <ul class="module-list">
                <For each={lic().modules}>
                  {(slug) => (
                    <li>
                      <Icon name="check" size={16} class="text-success" />
                      <span>{moduleInfo(slug).name}</span>
                      <Badge>{slug}</Badge>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </section>
        </div>
      )}
    </Show>
  );
}
