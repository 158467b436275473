import type { Store } from '.';

/**
 * How many reads a request may have in flight at once. SQLite answers one statement at a time
 * (Kysely's driver queues the rest, and a long queue costs more than it saves); PostgreSQL's
 * pool (10 connections) is shared with every other request.
 */
export const readConcurrency = (store: Pick<Store, 'dialect'>) => (store.dialect === 'postgres' ? 4 : 1);

/** `work` over `items`, at most `limit` at a time, answers in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}
