import gt from "semver/functions/gt.js";
import major from "semver/functions/major.js";
import minor from "semver/functions/minor.js";
import valid from "semver/functions/valid.js";
import type { UpdatePolicy } from "../api/index.js";

/** True when `a` is a later version than `b` (semver, prereleases before their release); false for anything unparsable. */
export function newerVersion(a: string, b: string): boolean {
  return valid(a) !== null && valid(b) !== null && gt(a, b);
}

/** True when an update policy lets `current` move to `candidate`: never when pinned, within the major for minor, within the minor for patch. */
export function withinPolicy(policy: UpdatePolicy, current: string, candidate: string): boolean {
  if (valid(current) === null || valid(candidate) === null) return false;
  switch (policy) {
    case "pinned":
      return false;
    case "patch":
      return major(candidate) === major(current) && minor(candidate) === minor(current);
    case "minor":
      return major(candidate) === major(current);
    case "latest":
      return true;
  }
}
