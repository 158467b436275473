/**
 * A live page's two timers, for `onMount`: `tick` every second (uptime counts on between refreshes) and `refresh` every
 * `refreshSeconds`. Returns what stops both.
 */
export function liveTimers(refreshSeconds: number, tick: () => void, refresh: () => void): () => void {
	const ticking = setInterval(tick, 1000);
	const polling = setInterval(refresh, refreshSeconds * 1000);
	return () => {
		clearInterval(ticking);
		clearInterval(polling);
	};
}
