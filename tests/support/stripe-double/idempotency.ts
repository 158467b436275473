/**
 * Idempotency keys, like Stripe (docs: "Idempotent requests"): the outcome of the first request that
 * started executing is saved — successes, card errors and 500s alike — and replayed for 24 hours; the
 * same key with other params → 400, concurrent use → 409. Validation errors that never started
 * executing are not saved. Keys belong to the account, not to a client: every app using the account's
 * secret key shares one key space (one store per double).
 */
export interface StoredResult {
	status: number;
	body: string;
	requestId: string;
}

type Entry = { fingerprint: string; result: StoredResult | null; createdAt: number };

export type Admission = { kind: 'execute' } | { kind: 'replay'; result: StoredResult } | { kind: 'mismatch' } | { kind: 'in_use' };

/** Stripe prunes keys once they are at least 24 hours old. */
export const KEY_TTL_MS = 24 * 3600 * 1000;

export class IdempotencyStore {
	private entries = new Map<string, Entry>();

	/** `now` is the double's clock, which tests can move forward to age keys. */
	constructor(private readonly now: () => number = Date.now) {}

	/** Called before executing; on 'execute' the key is marked in progress until `save` or `release`. */
	admit(key: string, fingerprint: string): Admission {
		let entry = this.entries.get(key);
		if (entry?.result && this.now() - entry.createdAt >= KEY_TTL_MS) {
			this.entries.delete(key);
			entry = undefined;
		}
		if (!entry) {
			this.entries.set(key, { fingerprint, result: null, createdAt: this.now() });
			return { kind: 'execute' };
		}
		if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
		if (!entry.result) return { kind: 'in_use' };
		return { kind: 'replay', result: entry.result };
	}

	/** Saves (or replaces, for the fault that turns a success into a saved 500) the key's result. */
	save(key: string, result: StoredResult): void {
		const entry = this.entries.get(key);
		if (entry) entry.result = result;
	}

	/** Forget an in-progress key whose request did not get far enough to store a result. */
	release(key: string): void {
		const entry = this.entries.get(key);
		if (entry && !entry.result) this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}
}
