/** This page's query with some parameters changed (null removes one): links that keep the rest of the page's state. */
export function withParams(url: URL, changes: Record<string, string | number | null>): string {
	const params = new URLSearchParams(url.searchParams);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null) params.delete(key);
		else params.set(key, String(value));
	}
	const query = params.toString();
	return query ? `?${query}` : url.pathname;
}

/** The page's other parameters, for a GET form's hidden inputs (a search keeps the other table's state). */
export function otherParams(url: URL, own: readonly string[]): [string, string][] {
	return [...url.searchParams].filter(([key]) => !own.includes(key) && key !== 'lang');
}
