import type { IncomingMessage } from 'node:http';

/**
 * What adapter-node makes of a request that an API answer depends on, from the same variables: whether it came over
 * https (HSTS) and the client's address (rate-limit key). `undefined`: not plainly known here, so SvelteKit answers.
 */
export function nodeRequestReader(env: Record<string, string | undefined>) {
	// a host or port taken from headers is rare behind this app's proxies: SvelteKit alone answers those setups
	if (env.HOST_HEADER || env.PORT_HEADER) return undefined;
	const originHttps = env.ORIGIN ? new URL(env.ORIGIN.trim()).protocol === 'https:' : undefined;
	const [protocolHeader, addressHeader] = [env.PROTOCOL_HEADER, env.ADDRESS_HEADER].map((name) => (name ?? '').toLowerCase());
	const xffDepth = parseInt(env.XFF_DEPTH ?? '1');
	return {
		https({ headers }: IncomingMessage): boolean | undefined {
			if (typeof headers.host !== 'string' || !/^(?:[\w-]+(?:\.[\w-]+)*|\[[\d.:a-fA-F]+\])(?::\d{1,5})?$/.test(headers.host))
				return undefined;
			const protocol = originHttps === undefined && protocolHeader ? headers[protocolHeader] || 'https' : 'https';
			return originHttps ?? (protocol === 'https' ? true : protocol === 'http' ? false : undefined);
		},
		/** the origin SvelteKit's `event.url` gets: ORIGIN, or the protocol read above and Host */
		origin: ({ headers }: IncomingMessage, https: boolean) => env.ORIGIN ?? `${https ? 'https' : 'http'}://${headers.host}`,
		clientAddress({ headers, socket }: IncomingMessage): string | undefined {
			const value = addressHeader ? headers[addressHeader] : socket.remoteAddress;
			if (addressHeader !== 'x-forwarded-for' || typeof value !== 'string') return typeof value === 'string' ? value : undefined;
			const addresses = value.split(',');
			return xffDepth >= 1 && xffDepth <= addresses.length ? addresses[addresses.length - xffDepth].trim() : undefined;
		}
	};
}

/** One cookie's value as SvelteKit's `cookies.get` reads it: first occurrence, quotes stripped, percent-decoded when it decodes. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
	for (const pair of header?.split(';') ?? []) {
		const eq = pair.indexOf('=');
		if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
		const value = pair.slice(eq + 1).trim();
		const unquoted = value.charCodeAt(0) === 0x22 ? value.slice(1, -1) : value;
		try {
			return unquoted.includes('%') ? decodeURIComponent(unquoted) : unquoted;
		} catch {
			return unquoted;
		}
	}
	return undefined;
}
