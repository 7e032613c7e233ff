import semver from "semver";

interface Provided {
  version: string;
  implementation: object;
}

/** Services provided and consumed between plugins, matched by name and semver range. */
export class ServiceRegistry {
  private readonly services = new Map<string, Provided>();

  provide(name: string, entry: Provided): () => void {
    this.services.set(name, entry);
    return () => {
      if (this.services.get(name) === entry) this.services.delete(name);
    };
  }

  consume(name: string, range: string): object | undefined {
    const p = this.services.get(name);
    return p && semver.satisfies(p.version, range) ? p.implementation : undefined;
  }
}
