/**
 * Shared pieces for the SDK's property-based tests: an assertion that a call either returns or throws a
 * coded {@link SdkError}, and generators for hostile JSON-like values.
 */
import fc from "fast-check";
import { SdkError, type SdkErrorCode, SdkErrors } from "../errors/index.js";

/** Bounded so the whole suite stays fast; each property still sees a few hundred shapes. */
export const RUNS = { numRuns: 300 } as const;

/**
 * Calls `fn`; a thrown value other than an {@link SdkError} with a catalogued code fails the property.
 * Returns the code, or undefined when `fn` returned.
 */
export function onlyCodedErrors(fn: () => unknown, allowed?: readonly SdkErrorCode[]): SdkErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!(err instanceof SdkError)) throw new Error(`expected an SdkError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    if (!Object.hasOwn(SdkErrors.table, err.code)) throw new Error(`uncatalogued code ${err.code}`);
    if (allowed && !allowed.includes(err.code)) throw new Error(`unexpected code ${err.code}: ${err.message}`);
    if (err.message.length === 0) throw new Error(`${err.code} without a message`);
    return err.code;
  }
}

/** Any value a hostile caller might pass: JSON, odd prototypes, typed arrays, dates, maps, big ints. */
export const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withTypedArray: true,
  withSparseArray: true,
  maxDepth: 4,
});

/** JSON as a document read from disk or the network would be. */
export const anyJson = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/**
 * `base` with the value at one of `paths` replaced (or removed when the replacement is undefined), to
 * probe every field of an otherwise valid document.
 */
export function withFieldReplaced(base: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) return copy;
    node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}
