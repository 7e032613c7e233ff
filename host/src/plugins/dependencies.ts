import semver from "semver";

/** The facts about one plugin that dependency resolution needs. */
export interface DependencyNode {
  id: string;
  version: string;
  active: boolean;
  dependencies: Record<string, string>;
}

/**
 * Every unmet requirement of `node` against the installed set, reported at once (Fastify's loader and
 * VS Code's engines check work the same way): missing, inactive, or at a version outside the range.
 */
export function unmetDependencies(node: DependencyNode, installed: ReadonlyMap<string, DependencyNode>): string[] {
  const problems: string[] = [];
  for (const [dep, range] of Object.entries(node.dependencies)) {
    const d = installed.get(dep);
    if (!d) problems.push(`${dep}@${range} is not installed`);
    else if (!semver.satisfies(d.version, range)) problems.push(`${dep}@${range} is needed, ${d.version} is installed`);
    else if (!d.active) problems.push(`${dep} is installed but not active`);
  }
  return problems;
}

/**
 * Orders plugins so each comes after what it depends on (Kahn's algorithm). Plugins in or behind a cycle
 * are returned apart, each with the cycle that blocks it.
 */
export function activationOrder(nodes: readonly DependencyNode[]): { order: string[]; cycles: Map<string, string[]> } {
  const ids = new Set(nodes.map((n) => n.id));
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    const deps = Object.keys(n.dependencies).filter((d) => ids.has(d));
    indegree.set(n.id, deps.length);
    for (const d of deps) dependents.set(d, [...(dependents.get(d) ?? []), n.id]);
  }
  const queue = [...nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id)].sort();
  const order: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    order.push(id);
    for (const dep of dependents.get(id) ?? []) {
      const left = (indegree.get(dep) ?? 0) - 1;
      indegree.set(dep, left);
      if (left === 0) queue.push(dep);
    }
  }
  const cycles = new Map<string, string[]>();
  const stuck = nodes.filter((n) => !order.includes(n.id));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const n of stuck) {
    // Walk dependencies among stuck nodes until one repeats: that loop is the cycle.
    const path: string[] = [];
    let cur: string | undefined = n.id;
    while (cur && !path.includes(cur)) {
      path.push(cur);
      cur = Object.keys(byId.get(cur)?.dependencies ?? {}).find((d) => stuck.some((s) => s.id === d));
    }
    cycles.set(n.id, cur ? [...path.slice(path.indexOf(cur)), cur] : path);
  }
  return { order, cycles };
}

/** The active plugins that depend on `id`, directly or through others, the nearest first. */
export function activeDependents(id: string, nodes: Iterable<DependencyNode>): string[] {
  const active = [...nodes].filter((n) => n.active);
  const found: string[] = [];
  const queue = [id];
  while (queue.length > 0) {
    const target = queue.shift() as string;
    for (const n of active) {
      if (n.id !== id && target in n.dependencies && !found.includes(n.id)) {
        found.push(n.id);
        queue.push(n.id);
      }
    }
  }
  return found;
}
