import type { Store } from '../db';
import { DEFAULT_CUSTOMER_ID, type Server } from '../db/schema';
import { Failure } from '../errors';
import { getServer } from '../metering/servers';
import type { Auth } from '../trpc/context';

type Account = Extract<Auth, { role: 'admin' } | { role: 'customer' }>;

/**
 * A server the caller may see: any for the admin, only their own for a customer. Another
 * customer's server answers exactly as a server that does not exist (404), so ids leak nothing.
 */
export async function visibleServer(store: Store, auth: Account, serverId: string): Promise<Server> {
	const server = await store.db.selectFrom('servers').selectAll().where('id', '=', serverId).executeTakeFirst();
	if (!server || (auth.role === 'customer' && server.customer_id !== auth.customerId)) {
		throw new Failure('SERVER_NOT_FOUND', `No server with id "${serverId}"`);
	}
	return server;
}

/** The customer a call is about: a customer's own (another id answers 404), or for the admin the one named (default: the default customer). */
export function visibleCustomerId(auth: Account, customerId: string | undefined): string {
	if (auth.role === 'customer') {
		if (customerId !== undefined && customerId !== auth.customerId) {
			throw new Failure('CUSTOMER_NOT_FOUND', `No customer with id "${customerId}"`);
		}
		return auth.customerId;
	}
	return customerId ?? DEFAULT_CUSTOMER_ID;
}

/** The server a call is about when none is named: the admin's is this machine; a customer must name one of theirs. */
export async function defaultServer(store: Store, auth: Account, serverId: string | undefined, localId: string): Promise<Server> {
	if (serverId !== undefined) return visibleServer(store, auth, serverId);
	if (auth.role === 'admin') return getServer(store, localId);
	const first = await store.db
		.selectFrom('servers')
		.selectAll()
		.where('customer_id', '=', auth.customerId)
		.orderBy('name')
		.orderBy('id')
		.limit(1)
		.executeTakeFirst();
	if (!first) throw new Failure('SERVER_NOT_FOUND', 'This customer has no servers yet');
	return first;
}
