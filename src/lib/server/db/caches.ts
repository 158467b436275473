/**
 * What was computed from one database, kept with its store: a cache lives and closes with the
 * store it reads, and never answers for another (tests and the bench open many stores).
 */
export class StoreCaches {
	readonly #made = new Map<new () => unknown, unknown>();

	/** The store's one `Kind` of cache, made on first use. */
	of<T>(Kind: new () => T): T {
		let cache = this.#made.get(Kind) as T | undefined;
		if (cache === undefined) this.#made.set(Kind, (cache = new Kind()));
		return cache;
	}
}
