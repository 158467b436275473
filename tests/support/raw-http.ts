import { request } from 'node:http';

export interface RawRequest {
	method?: string;
	/** path and query, sent exactly as given */
	path: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
}

export interface RawResponse {
	status: number;
	/** header names and values as they came off the wire, in order, without Date */
	headers: string[];
	body: string;
}

/** One HTTP/1.1 request on a fresh connection, read back byte for byte (headers in wire order). */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
	const url = new URL(baseUrl);
	return new Promise((resolve, reject) => {
		const outgoing = request(
			{ host: url.hostname, port: url.port, method: req.method ?? 'GET', path: req.path, headers: req.headers, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const headers: string[] = [];
					for (let i = 0; i < res.rawHeaders.length; i += 2) {
						if (res.rawHeaders[i].toLowerCase() !== 'date') headers.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
					}
					resolve({ status: res.statusCode!, headers, body: Buffer.concat(chunks).toString('utf8') });
				});
				res.on('error', reject);
			}
		);
		outgoing.on('error', reject);
		outgoing.end(req.body);
	});
}
