/**
 * Idempotency keys, like Stripe: a result is saved once the endpoint started executing;
 * the same key with the same params replays it, different params → 400, concurrent use → 409.
 */
export interface StoredResult {
	status: number;
	body: string;
	requestId: string;
}

type Entry = { fingerprint: string; result: StoredResult | null };

export type Admission = { kind: 'execute' } | { kind: 'replay'; result: StoredResult } | { kind: 'mismatch' } | { kind: 'in_use' };

export class IdempotencyStore {
	private entries = new Map<string, Entry>();

	/** Called before executing; on 'execute' the key is marked in progress until `save` or `release`. */
	admit(key: string, fingerprint: string): Admission {
		const entry = this.entries.get(key);
		if (!entry) {
			this.entries.set(key, { fingerprint, result: null });
			return { kind: 'execute' };
		}
		if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
		if (!entry.result) return { kind: 'in_use' };
		return { kind: 'replay', result: entry.result };
	}

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
