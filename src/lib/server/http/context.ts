import type { App } from '../app';
import { authenticate } from '../auth/authenticate';
import type { Context } from '../trpc/context';
import { pickLocale } from './locale';
import { newRequestId } from './request-id';

export interface RequestFacts {
	authorization: string | null;
	sessionToken: string | undefined;
	cookieLocale: string | undefined;
	acceptLanguage: string | null;
	clientAddress: string;
	requestId?: string;
}

/** Builds a procedure context from the facts of one HTTP request, whichever server received it. */
export async function createContext(app: App, facts: RequestFacts): Promise<Context> {
	return {
		app,
		auth: await authenticate(app, { authorization: facts.authorization, sessionToken: facts.sessionToken, clientKey: facts.clientAddress }),
		requestId: facts.requestId ?? newRequestId(),
		clientKey: facts.clientAddress,
		locale: pickLocale(facts.cookieLocale, facts.acceptLanguage)
	};
}

/** The operator at the console (CLI): no HTTP, full rights. */
export function operatorContext(app: App, locale: 'en' | 'ja'): Context {
	return { app, auth: { role: 'admin' }, requestId: newRequestId(), clientKey: 'cli', locale };
}
