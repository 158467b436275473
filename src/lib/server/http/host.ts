/**
 * Without ADMIN_TOKEN whoever reaches the app is the operator, which is safe only if the
 * request really comes from this machine. A web page the operator visits could still reach
 * 127.0.0.1 through DNS rebinding (its own host name resolving to 127.0.0.1): such requests
 * carry that foreign name in Host, so only loopback names are answered in that mode.
 */
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;

export function hostAllowed(adminToken: string | undefined, host: string | null | undefined): boolean {
	return Boolean(adminToken) || (typeof host === 'string' && LOOPBACK_HOST.test(host));
}

export const FOREIGN_HOST_MESSAGE = 'Without ADMIN_TOKEN this server only answers requests for localhost or 127.0.0.1';
