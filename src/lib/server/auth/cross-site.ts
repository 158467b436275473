/**
 * Which requests may change state: the one rule for every entry point (hooks.server.ts and
 * the production fast path, which answers only GETs and leaves every other method to the hooks).
 *
 * A browser names the page that sent a request: `Sec-Fetch-Site` (all current browsers) and
 * `Origin` (on every POST, `no-cors` and form posts included). A state-changing request that
 * either header says came from another site is refused, whatever its content type and with or
 * without ADMIN_TOKEN (without it, whoever reaches 127.0.0.1 is the operator, and a page in
 * the operator's browser reaches 127.0.0.1 too). A request with neither header comes from no
 * browser page (curl, scripts, Stripe's webhooks) and is left to the other checks.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CROSS_SITE_MESSAGE =
	'Cross-site request refused: this server accepts state changes only from its own pages or from non-browser clients';

export interface RequestOrigin {
	method: string;
	origin: string | null | undefined;
	secFetchSite: string | null | undefined;
}

/** True when the request changes state and a browser says another site sent it. `ownOrigin` is computed only when needed. */
export function isCrossSite(request: RequestOrigin, ownOrigin: () => string): boolean {
	if (SAFE_METHODS.has(request.method)) return false;
	const site = request.secFetchSite?.toLowerCase();
	// same-site is refused too: a sibling subdomain is another party
	if (site && site !== 'same-origin' && site !== 'none') return true;
	if (request.origin === null || request.origin === undefined) return false;
	return request.origin.toLowerCase() !== ownOrigin().toLowerCase();
}
