import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '../auth/sessions';
import type { RequestFacts } from './context';

/**
 * How adapter-node reads a request, from the same variables it reads (ORIGIN, PROTOCOL_HEADER,
 * ADDRESS_HEADER, XFF_DEPTH, BODY_SIZE_LIMIT), so the fast path sees what SvelteKit would.
 */
export interface AdapterOptions {
	origin: URL | undefined;
	protocolHeader: string;
	addressHeader: string;
	xffDepth: number;
	bodySizeLimit: number;
}

export function adapterOptions(env: Record<string, string | undefined>): AdapterOptions | undefined {
	// a host or port taken from headers is rare behind this app's proxies: SvelteKit answers those setups alone
	if (env.HOST_HEADER || env.PORT_HEADER) return undefined;
	return {
		origin: env.ORIGIN ? new URL(env.ORIGIN.trim()) : undefined,
		protocolHeader: (env.PROTOCOL_HEADER ?? '').toLowerCase(),
		addressHeader: (env.ADDRESS_HEADER ?? '').toLowerCase(),
		xffDepth: parseInt(env.XFF_DEPTH ?? '1'),
		bodySizeLimit: parseBytes(env.BODY_SIZE_LIMIT ?? '512K')
	};
}

/** adapter-node's parse_as_bytes: "512K", "1M", "Infinity", a plain number. */
function parseBytes(value: string): number {
	const multiplier = ({ K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[value.at(-1)?.toUpperCase() ?? ''] ?? 1;
	return Number(multiplier !== 1 ? value.slice(0, -1) : value) * multiplier;
}

const HOST = /^(?:[\w-]+(?:\.[\w-]+)*|\[[\d.:a-fA-F]+\])(?::\d{1,5})?$/;

/** Whether SvelteKit would see this request as https (for HSTS); undefined when it would refuse the request. */
export function isHttps(req: IncomingMessage, options: AdapterOptions): boolean | undefined {
	if (options.origin) return options.origin.protocol === 'https:';
	const host = req.headers.host;
	if (typeof host !== 'string' || !HOST.test(host)) return undefined;
	const protocol = options.protocolHeader ? req.headers[options.protocolHeader] : undefined;
	if (protocol === undefined || protocol === '') return true;
	if (protocol === 'http' || protocol === 'https') return protocol === 'https';
	return undefined;
}

/** The client address as adapter-node's getClientAddress gives it; undefined when it would throw. */
export function clientAddress(req: IncomingMessage, options: AdapterOptions): string | undefined {
	if (!options.addressHeader) return req.socket.remoteAddress as string;
	const value = req.headers[options.addressHeader];
	if (value === undefined || Array.isArray(value)) return undefined;
	if (options.addressHeader !== 'x-forwarded-for') return value;
	const addresses = value.split(',');
	if (!(options.xffDepth >= 1) || options.xffDepth > addresses.length) return undefined;
	return addresses[addresses.length - options.xffDepth].trim();
}

/**
 * One cookie's value, parsed exactly as SvelteKit's `cookies.get` does (the `cookie`
 * package: first occurrence wins, quotes stripped, percent-decoded when it decodes).
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	let index = 0;
	while (index < header.length) {
		const eq = header.indexOf('=', index);
		if (eq === -1) break;
		let end = header.indexOf(';', index);
		if (end === -1) end = header.length;
		else if (end < eq) {
			index = header.lastIndexOf(';', eq - 1) + 1;
			continue;
		}
		if (header.slice(index, eq).trim() === name) {
			let value = header.slice(eq + 1, end).trim();
			if (value.charCodeAt(0) === 0x22) value = value.slice(1, -1);
			try {
				return value.includes('%') ? decodeURIComponent(value) : value;
			} catch {
				return value;
			}
		}
		index = end + 1;
	}
	return undefined;
}

/** The facts createContext needs, read from a node request as the SvelteKit hook reads them. */
export function requestFacts(req: IncomingMessage, address: string): RequestFacts {
	const cookies = req.headers.cookie;
	return {
		authorization: req.headers.authorization ?? null,
		sessionToken: cookieValue(cookies, SESSION_COOKIE),
		cookieLocale: cookieValue(cookies, 'lang'),
		acceptLanguage: req.headers['accept-language'] ?? null,
		clientAddress: address
	};
}

/**
 * The body as `Request.text()` gives it (UTF-8, a leading BOM dropped), read only when asked
 * for, as tRPC reads it. Callers only get here with a Content-Length within the limit.
 */
export function bodyReader(req: IncomingMessage): () => Promise<string> {
	let text: Promise<string> | undefined;
	return () =>
		(text ??= new Promise<string>((resolve, reject) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => resolve(new TextDecoder().decode(Buffer.concat(chunks))));
			req.on('error', reject);
		}));
}
