import gt from "semver/functions/gt.js";
import valid from "semver/functions/valid.js";

/** True when `a` is a later version than `b` (semver, prereleases before their release); false for anything unparsable. */
export function newerVersion(a: string, b: string): boolean {
  return valid(a) !== null && valid(b) !== null && gt(a, b);
}
