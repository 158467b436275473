/**
 * What a live page keeps about its freshness: the clock it ticks by (every second, so uptime counts on between
 * refreshes), when its data was last fetched, and a refresh (`load`) run at most once at a time and every
 * `refreshSeconds` once `start`ed (from `onMount`, which gets back what stops it).
 */
export class LivePage {
	now = $state(Date.now());
	fetchedAt = $state(Date.now());
	refreshing = $state(false);
	refreshError = $state<string | null>(null);

	constructor(private readonly load: () => Promise<void>) {}

	refresh = async () => {
		if (this.refreshing) return;
		this.refreshing = true;
		try {
			await this.load();
			this.fetchedAt = Date.now();
			this.refreshError = null;
		} catch (error) {
			this.refreshError = error instanceof Error ? error.message : String(error);
		} finally {
			this.refreshing = false;
		}
	};

	start(refreshSeconds: number): () => void {
		this.fetchedAt = Date.now();
		const ticking = setInterval(() => (this.now = Date.now()), 1000);
		const polling = setInterval(this.refresh, refreshSeconds * 1000);
		return () => {
			clearInterval(ticking);
			clearInterval(polling);
		};
	}
}
