import type { Auth } from '../trpc/context';

/**
 * The key an identity's rate limits are counted under: the identity once authenticated, the
 * client address before. So anonymous requests never spend the admin's (or an agent's)
 * budget, and a new role (a customer) only needs its own line here.
 */
export function limitKey(auth: Auth, clientAddress: string): string {
	switch (auth.role) {
		case 'admin':
			return 'admin';
		case 'customer':
			return `customer:${auth.customerId}`;
		case 'agent':
			return `agent:${auth.serverId}`;
		case 'anonymous':
			return `address:${clientAddress}`;
	}
}
