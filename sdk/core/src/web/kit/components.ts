/**
 * The shell's building blocks for plugin pages. The shell renders them, so they follow its CSS variables
 * and whichever theme is active, and a plugin page looks like the rest of ArchNest without carrying CSS.
 */
import type { JSX } from "solid-js";
import { useShell } from "../shell.js";

/** One column of a {@link Table}. */
export interface TableColumn<T> {
  header: string;
  /** Keeps the header for screen readers only (a column of row actions). */
  headerHidden?: boolean;
  /** The cell of a row in this column. */
  cell: (row: T) => JSX.Element;
  /** `end` right-aligns numbers. */
  align?: "start" | "end";
  /** Class of the column's cells, such as `mono small`. */
  class?: string;
}

/** Props of {@link Table}. */
export interface TableProps<T> {
  /** Names the table for assistive technology. */
  label: string;
  columns: readonly TableColumn<T>[];
  /** `undefined` while loading: the body says "Loading…". */
  rows: readonly T[] | undefined;
  /** Shown in the body when `rows` is empty ("None." when left out). */
  empty?: JSX.Element;
  /** `data-*` attributes of a row, so tests and styles can find it (`{ "data-container": c.name }`). */
  rowAttributes?: (row: T) => Record<`data-${string}`, string>;
  "data-testid"?: string;
}

/** Props of {@link Field}. */
export interface FieldProps {
  label: string;
  /** The control: an `input`, `select` or `textarea`. The label names it. */
  children: JSX.Element;
  /** A line under the control on what to enter. */
  hint?: string;
  /** What is wrong with the value; the control is marked invalid while it is set. */
  error?: string;
}

/** Props of {@link EmptyState}. */
export interface EmptyStateProps {
  title: string;
  /** A sentence on what would fill this place. */
  children?: JSX.Element;
  /** The button that fills it ("Add source"). */
  action?: JSX.Element;
  /** An icon of the shell's set; a box when left out. */
  icon?: string;
}

/** Props of {@link ErrorState}. */
export interface ErrorStateProps {
  /** What failed: an `ApiError`, an `Error` or any thrown value. */
  error: unknown;
  /** A heading above the message ("Could not load containers"). */
  title?: string;
  /** Offers "Try again". */
  retry?: () => void;
}

/**
 * A table in the shell's style: a header row, one row per item, "Loading…" while `rows` is undefined and
 * `empty` when there are none.
 *
 * @example
 * ```tsx
 * <Table label="Images" rows={images()} columns={[
 *   { header: "Tag", cell: (i) => i.tag },
 *   { header: "Size", cell: (i) => formatBytes(i.size), align: "end" },
 * ]} />
 * ```
 */
export function Table<T>(props: TableProps<T>): JSX.Element {
  return useShell().Table(props);
}

/**
 * A labelled form field: the label, the control, a hint, and the error when there is one.
 *
 * @example
 * ```tsx
 * <Field label="Name" hint="Shown in the sidebar" error={nameError()}>
 *   <input value={name()} onInput={(e) => setName(e.currentTarget.value)} />
 * </Field>
 * ```
 */
export function Field(props: FieldProps): JSX.Element {
  return useShell().Field(props);
}

/**
 * What a page shows while it has nothing yet, with the action that fills it.
 *
 * @example
 * ```tsx
 * <EmptyState title="No tunnels yet" action={<button class="btn">Add tunnel</button>}>Forward a port of a host to this machine.</EmptyState>
 * ```
 */
export function EmptyState(props: EmptyStateProps): JSX.Element {
  return useShell().EmptyState(props);
}

/**
 * A failure, shown with its code and request id when it has them (so a bug report can name both) and an
 * optional "Try again". A 402 for a paid module shows the shell's lock instead.
 *
 * @example
 * ```tsx
 * <Show when={list.error}>{(e) => <ErrorState title="Could not load hosts" error={e()} retry={refetch} />}</Show>
 * ```
 */
export function ErrorState(props: ErrorStateProps): JSX.Element {
  return useShell().ErrorState(props);
}
