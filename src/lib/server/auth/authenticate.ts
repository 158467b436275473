import type { App } from '../app';
import type { Auth } from '../trpc/context';
import { safeEqual, sha256 } from './tokens';

export interface Credentials {
	authorization: string | null;
	sessionToken: string | undefined;
	/** the client's address: failed tokens are counted against it */
	clientKey: string;
}

/**
 * Who is calling. Without ADMIN_TOKEN the app listens on loopback only and whoever reaches
 * it is the operator, except that an agent token still names its server (an agent on this
 * machine reports without saying which server it is) and a customer's session cookie (from an
 * invitation) is that customer. With it: an operator's session cookie or `Bearer ADMIN_TOKEN`
 * is the admin, a customer's session cookie is that customer, a server's agent token is that
 * server's agent, anything else is anonymous. A wrong bearer token counts against the client's failure budget; once that is
 * used up the client is refused (with the seconds to wait) before its token is even looked at.
 */
export async function authenticate(app: App, credentials: Credentials): Promise<Auth> {
	const adminToken = app.config.adminToken;
	const bearer = credentials.authorization?.match(/^Bearer\s+(\S{1,200})$/i)?.[1];
	if (!adminToken) {
		const agent = bearer && (await agentOf(app, bearer));
		if (agent) return agent;
		const session = await app.sessions.find(credentials.sessionToken);
		return session?.customerId ? { role: 'customer', customerId: session.customerId } : { role: 'admin' };
	}
	if (bearer) {
		const waitSeconds = app.limits.blockedFor(credentials.clientKey);
		if (waitSeconds) return { role: 'anonymous', retryAfterSeconds: waitSeconds };
		if (safeEqual(bearer, adminToken)) return { role: 'admin' };
		const agent = await agentOf(app, bearer);
		if (agent) return agent;
		return { role: 'anonymous', retryAfterSeconds: await app.limits.failed(credentials.clientKey) };
	}
	const session = await app.sessions.find(credentials.sessionToken);
	if (!session) return { role: 'anonymous' };
	return session.customerId ? { role: 'customer', customerId: session.customerId } : { role: 'admin' };
}

async function agentOf(app: App, bearer: string): Promise<Auth | undefined> {
	const server = await app.store.db.selectFrom('servers').select('id').where('agent_token_hash', '=', sha256(bearer)).executeTakeFirst();
	return server && { role: 'agent', serverId: server.id };
}
