import { createSignal, For, type JSX, Match, Show, Switch } from "solid-js";
import { api, errorMessage } from "../../api/index.js";
import { license, moduleInfo, refreshAll } from "../../data/index.js";
import { Badge, EmptyState, Icon, notify, Spinner } from "../../ui/index.js";

const fmt = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "Never");

/** The license: state, licensed modules, last check, days of grace left, and "Check now". */
export function LicenseTab(): JSX.Element {
  const [checking, setChecking] = createSignal(false);
  const l = () => license.read.latest;
  const checkNow = async () => {
    setChecking(true);
    try {
      await api.refreshLicense();
      refreshAll();
      notify("License checked.", "success");
    } catch (e) {
      notify(`The license check failed: ${errorMessage(e)}`, "error");
    } finally {
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
              <div class={`license-icon license-icon--${lic().state}`}>
                <Icon name="shield" size={22} />
              </div>
              <div>
                <h2>
                  <Switch>
                    <Match when={lic().state === "valid"}>License valid</Match>
                    <Match when={lic().state === "grace"}>Working offline</Match>
                    <Match when={lic().state === "expired"}>License expired</Match>
                    <Match when={lic().state === "unregistered"}>Free core</Match>
                  </Switch>
                </h2>
                <p class="muted">
                  <Switch>
                    <Match when={lic().state === "valid"}>Your modules are active. ArchNest checks the license every week.</Match>
                    <Match when={lic().state === "grace"}>
                      The license server could not be reached. Paid modules keep working for {lic().daysLeft ?? 0} more {lic().daysLeft === 1 ? "day" : "days"}.
                    </Match>
                    <Match when={lic().state === "expired"}>Paid modules are paused; their data is kept. A successful check restores them.</Match>
                    <Match when={lic().state === "unregistered"}>This install has no paid modules. The free core is fully usable.</Match>
                  </Switch>
                </p>
              </div>
            </div>
            <button type="button" class="btn btn--ghost" onClick={() => void checkNow()} disabled={checking()}>
              <Icon name="refresh" size={16} /> {checking() ? "Checking…" : "Check now"}
            </button>
          </section>
          <div class="grid grid--3">
            <div class="stat">
              <span class="stat__label">Last check</span>
              <span class="stat__value">{fmt(lic().lastCheck)}</span>
            </div>
            <div class="stat">
              <span class="stat__label">Valid until</span>
              <span class="stat__value">{fmt(lic().validUntil)}</span>
            </div>
            <div class="stat">
              <span class="stat__label">Days of grace left</span>
              <span class="stat__value" data-testid="days-left">
                {lic().daysLeft ?? "—"}
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
