import type { Locale } from '../../format';
import { SESSION_COOKIE } from '../auth/sessions';
import type { Logger } from '../log';
import type { RequestFacts } from '../trpc/context';

/* What every request gets, whichever server answers it: hooks.server.ts and the fast path (fast-api.ts) both apply this. */

/** Headers on every response; HSTS only where the request came over https. */
export const securityHeaders = (https: boolean): [string, string][] => (https ? [...HEADERS, HSTS] : HEADERS);
const HSTS: [string, string] = ['strict-transport-security', 'max-age=31536000'];
const HEADERS: [string, string][] = [
	['x-content-type-options', 'nosniff'],
	['referrer-policy', 'strict-origin-when-cross-origin'],
	['x-frame-options', 'DENY']
];

/**
 * Without ADMIN_TOKEN whoever reaches the app is the operator, which is safe only if the request really comes from this
 * machine. A web page the operator visits could still reach 127.0.0.1 through DNS rebinding (its own host name resolving
 * to 127.0.0.1): such requests carry that foreign name in Host, so only loopback names are answered in that mode.
 */
export const hostAllowed = (adminToken: string | undefined, host: string | null | undefined) =>
	Boolean(adminToken) || (typeof host === 'string' && /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i.test(host));
export const FOREIGN_HOST_MESSAGE = 'Without ADMIN_TOKEN this server only answers requests for localhost or 127.0.0.1';

/** Bodies are small JSON (or Stripe events): bigger ones are refused before they are read. */
const MAX_BODY_BYTES = 512 * 1024;
export const bodyTooLarge = (contentLength: string | null | undefined) => Number(contentLength ?? 0) > MAX_BODY_BYTES;
export const BODY_TOO_LARGE_MESSAGE = `Request body too large: at most ${MAX_BODY_BYTES / 1024} KB`;

/** `?lang=en|ja` switches the language for good: kept in a cookie for a year. */
export const chosenLocale = (params: URLSearchParams): Locale | undefined =>
	params.get('lang') === 'en' || params.get('lang') === 'ja' ? (params.get('lang') as Locale) : undefined;
export const LANG_COOKIE = 'lang';
export const LANG_COOKIE_OPTIONS = { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 } as const;

/** The facts a procedure context is built from (trpc/context.ts), read alike from either server's request. */
export function contextFacts(
	read: { header(name: string): string | null; cookie(name: string): string | undefined },
	clientAddress: string,
	chosen?: Locale,
	origin?: string
): RequestFacts {
	return {
		origin,
		authorization: read.header('authorization'),
		sessionToken: read.cookie(SESSION_COOKIE),
		cookieLocale: chosen ?? read.cookie(LANG_COOKIE),
		acceptLanguage: read.header('accept-language'),
		clientAddress
	};
}

/** One structured line per request at debug level (DEBUG=True); 429 at warn and 5xx at error, always. */
export function logRequest(
	logger: Logger,
	line: { requestId: string; method: string; path: string; status: number; started: number; fastPath?: true }
) {
	const { started, ...facts } = { ...line, path: loggedPath(line.path) };
	const level = facts.status >= 500 ? 'error' : facts.status === 429 ? 'warn' : 'debug';
	if (logger.isLevelEnabled(level)) logger[level]({ ...facts, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request');
}

/** A path as logs show it: an invitation link's token is a credential and never written down. */
export const loggedPath = (path: string) => (path.startsWith('/invite/') ? '/invite/…' : path);
