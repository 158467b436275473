import type { App } from '../app';
import type { Auth } from '../trpc/context';
import { safeEqual, sha256 } from './tokens';

export interface Credentials {
	authorization: string | null;
	sessionToken: string | undefined;
}

/**
 * Who is calling. Without ADMIN_TOKEN the app listens on loopback only and whoever reaches
 * it is the operator. With it: a session cookie or `Bearer ADMIN_TOKEN` is the admin, a
 * server's agent token is that server's agent, anything else is anonymous.
 */
export async function authenticate(app: App, credentials: Credentials): Promise<Auth> {
	const adminToken = app.config.adminToken;
	if (!adminToken) return { role: 'admin' };
	const bearer = credentials.authorization?.match(/^Bearer\s+(\S{1,200})$/i)?.[1];
	if (bearer) {
		if (safeEqual(bearer, adminToken)) return { role: 'admin' };
		const server = await app.store.db.selectFrom('servers').select('id').where('agent_token_hash', '=', sha256(bearer)).executeTakeFirst();
		return server ? { role: 'agent', serverId: server.id } : { role: 'anonymous' };
	}
	if (await app.sessions.valid(credentials.sessionToken)) return { role: 'admin' };
	return { role: 'anonymous' };
}
