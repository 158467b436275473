import type { Locale } from '../../format';
import type { App } from '../app';

/** Who is calling: the admin (session or bearer token), an agent for one server, or nobody. */
export type Auth = { role: 'admin' } | { role: 'agent'; serverId: string } | { role: 'anonymous' };

export interface Context {
	app: App;
	auth: Auth;
	requestId: string;
	/** the key mutations are rate-limited by (client address) */
	clientKey: string;
	locale: Locale;
}
