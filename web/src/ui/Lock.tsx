import { isModuleRequired, isModuleRequiredBody, type LockProps } from "@archnest/sdk/web";
import { type JSX, Show } from "solid-js";
import { errorMessage } from "../api/index.js";
import { moduleInfo } from "../data/index.js";
import { navigate } from "../router/index.js";
import { Icon } from "./Icon.js";

/** Opens the Module Store at a module or bundle. */
export function openStore(slug?: string): void {
  navigate(slug ? `/settings/store#${encodeURIComponent(slug)}` : "/settings/store");
}

/**
 * Where a gated feature or a reached free cap shows: the lock, the module's name and price. Clicking it
 * opens the store at that module.
 */
export function Lock(props: LockProps): JSX.Element {
  const info = () => moduleInfo(props.module);
  // Prices come from the registry's catalog only; without one the lock names the module and no price.
  const price = () => info().price ?? props.price;
  return (
    <Show
      when={props.variant === "inline"}
      fallback={
        <div class="lock-card" data-lock-module={props.module}>
          <div class="lock-card__icon">
            <Icon name="lock" size={20} />
          </div>
          <div class="lock-card__text">
            <strong>{info().name}</strong>
            <span>{props.reason ?? `This feature is part of the ${info().name} module.`}</span>
          </div>
          <button type="button" class="btn btn--accent" onClick={() => openStore(props.module)}>
            {!info().available ? "Coming soon" : price() ? `Unlock for ${price()}` : "Unlock"}
          </button>
        </div>
      }
    >
      <button
        type="button"
        class="lock-pill"
        data-lock-module={props.module}
        onClick={() => openStore(props.module)}
        title={props.reason ?? `Part of ${info().name}`}
      >
        <Icon name="lock" size={14} />
        <span>{props.label ?? info().name}</span>
        <Show when={!info().available || price()}>
          <span class="lock-pill__price">{info().available ? price() : "Coming soon"}</span>
        </Show>
      </button>
    </Show>
  );
}

/** Any API error for people: a 402 `module_required` becomes a {@link Lock}, anything else a message. */
export function ApiErrorView(props: { error: unknown; variant?: "inline" | "card" }): JSX.Element {
  return (
    <Show
      when={isModuleRequired(props.error) ? props.error : undefined}
      fallback={
        <p class="form-error" role="alert">
          {errorMessage(props.error)}
        </p>
      }
    >
      {(e) => {
        const raw = e().body;
        const body = isModuleRequiredBody(raw) ? raw : undefined;
        const reason = body?.cap !== undefined ? `You have reached the free limit of ${body.cap}${body.limit ? ` ${body.limit}` : ""}.` : undefined;
        const price = e().price;
        return (
          <Lock
            module={e().module}
            {...(price !== undefined ? { price } : {})}
            {...(reason ? { reason } : {})}
            {...(props.variant ? { variant: props.variant } : {})}
          />
        );
      }}
    </Show>
  );
}
