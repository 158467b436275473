import Negotiator from 'negotiator';
import { LOCALES, type Locale } from '../../format';
import type { App } from '../app';
import { authenticate } from '../auth/authenticate';
import { newRequestId } from '../log';

/** Who is calling: the admin (session or bearer token), a customer (session from an invitation), an agent for one server, or nobody. */
export type Auth =
	| { role: 'admin' }
	| { role: 'customer'; customerId: string }
	| { role: 'agent'; serverId: string }
	/** retryAfterSeconds: this client sent too many wrong tokens and must wait */
	| { role: 'anonymous'; retryAfterSeconds?: number };

export interface Context {
	app: App;
	auth: Auth;
	requestId: string;
	/** the client's address (the proxy's ADDRESS_HEADER when set): anonymous limits and failed sign-ins count against it */
	clientKey: string;
	locale: Locale;
	/** this site's origin as the request reached it (links the API hands out: invitations, Stripe's return URL); unknown for the CLI */
	origin?: string;
}

/** What a context is built from, read from a request by http/request-policy.ts whichever server received it. */
export interface RequestFacts {
	authorization: string | null;
	sessionToken: string | undefined;
	cookieLocale: string | undefined;
	acceptLanguage: string | null;
	clientAddress: string;
	origin?: string;
}

export async function createContext(app: App, facts: RequestFacts): Promise<Context> {
	return {
		app,
		auth: await authenticate(app, { authorization: facts.authorization, sessionToken: facts.sessionToken, clientKey: facts.clientAddress }),
		requestId: newRequestId(),
		clientKey: facts.clientAddress,
		locale: pickLocale(facts.cookieLocale, facts.acceptLanguage),
		...(facts.origin && { origin: facts.origin })
	};
}

/** The operator at the console (CLI): no HTTP, full rights. */
export function operatorContext(app: App, locale: Locale): Context {
	return { app, auth: { role: 'admin' }, requestId: newRequestId(), clientKey: 'cli', locale };
}

/**
 * The viewer's language: an explicit choice (cookie) first, then Accept-Language with its
 * q-values honoured ("fr-FR, ja;q=0.5, en;q=0.8" is English), then English.
 */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
	if (cookie === 'ja' || cookie === 'en') return cookie;
	if (!acceptLanguage) return 'en';
	const preferred = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language(LOCALES as Locale[]);
	return preferred === 'ja' ? 'ja' : 'en';
}
