import type { App } from '../app';
import type { Auth, Context } from '../trpc/context';
import { pickLocale } from './locale';
import { newRequestId } from './request-id';

export interface RequestFacts {
	authorization: string | null;
	cookieLocale: string | undefined;
	acceptLanguage: string | null;
	clientAddress: string;
	requestId?: string;
	/** set when the hooks already resolved a session */
	auth?: Auth;
}

/** Builds a procedure context from the facts of one HTTP request, whatever server received it. */
export function contextFor(app: App, facts: RequestFacts): Context {
	return {
		app,
		auth: facts.auth ?? authenticate(app, facts.authorization),
		requestId: facts.requestId ?? newRequestId(),
		clientKey: facts.clientAddress,
		locale: pickLocale(facts.cookieLocale, facts.acceptLanguage)
	};
}

/** Without ADMIN_TOKEN the app only listens on loopback and whoever reaches it is the operator. */
function authenticate(app: App, _authorization: string | null): Auth {
	if (!app.config.adminToken) return { role: 'admin' };
	return { role: 'anonymous' };
}
