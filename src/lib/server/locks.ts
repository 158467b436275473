/**
 * In-process mutual exclusion by key: calls with the same key run one after another.
 * It spares the database and Stripe from racing requests of one process; the schema's
 * unique indexes and Stripe's idempotency keys cover several processes.
 */
export class KeyedLock {
	#tails = new Map<string, Promise<unknown>>();

	run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const previous = this.#tails.get(key) ?? Promise.resolve();
		const result = previous.then(task, task);
		const tail = result.then(
			() => undefined,
			() => undefined
		);
		this.#tails.set(key, tail);
		void tail.then(() => {
			if (this.#tails.get(key) === tail) this.#tails.delete(key);
		});
		return result;
	}
}
