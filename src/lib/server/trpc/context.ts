import type { Locale } from '../../format';
import type { App } from '../app';

/** Who is calling: the admin (session or bearer token), an agent for one server, or nobody. */
export type Auth =
	| { role: 'admin' }
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
}
