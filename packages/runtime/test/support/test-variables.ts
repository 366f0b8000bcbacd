import type { ConfigurationVariables } from "../../src/index.js";

/** Configuration variables a test sets; every `set` reports its key to the subscribers at once. */
export class TestVariables implements ConfigurationVariables {
  private readonly values: Map<string, string>;
  private readonly listeners = new Set<(keys: string[]) => void>();

  constructor(initial: Record<string, string> = {}) {
    this.values = new Map(Object.entries(initial));
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  subscribe(onChange: (keys: string[]) => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  /** Sets (or, with `undefined`, unsets) `key` and tells the subscribers. */
  set(key: string, value: string | undefined): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    for (const listener of [...this.listeners]) listener([key]);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
