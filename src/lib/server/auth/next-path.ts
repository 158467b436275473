/** A base no real request has: a `next` that stays on it is a path of this site. */
const BASE = 'http://site.invalid';

/**
 * Where to send the operator after signing in: `next` only when it is a path of this site,
 * judged the way a browser reads a Location header (WHATWG URL parsing: backslashes count as
 * slashes, tabs and newlines are dropped, `/./` collapses), else '/'. Answered as the parsed,
 * re-serialised path, so what we check is exactly what the browser follows.
 */
export function safeNext(next: string | null | undefined): string {
	if (!next || next.length > 2000 || !next.startsWith('/')) return '/';
	let url: URL;
	try {
		url = new URL(next, BASE);
	} catch {
		return '/';
	}
	const path = url.pathname + url.search + url.hash;
	// a path that still begins with two slashes (or a slash and a backslash) would be another host
	if (url.origin !== BASE || /^[/\\]{2}/.test(path)) return '/';
	return path;
}
