import { randomFillSync } from 'node:crypto';
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. Keys that could carry a secret are redacted
 * wherever they appear, as a second line of defence behind never logging them.
 */
export function createLogger(debug: boolean, destination?: NodeJS.WritableStream): Logger {
	return pino(
		{
			level: debug ? 'debug' : 'info',
			base: { app: 'server-billing' },
			redact: {
				paths: [
					'*.secretKey',
					'*.webhookSecret',
					'*.adminToken',
					'*.authorization',
					'*.cookie',
					'*.client_secret',
					'*.clientSecret',
					'headers.authorization',
					'headers.cookie',
					'headers["stripe-signature"]'
				],
				censor: '[redacted]'
			}
		},
		destination as never
	);
}

/** Random bytes drawn in bulk: one call into the CSPRNG per 1,024 ids instead of one per request. */
const idPool = Buffer.alloc(6 * 1024);
let idOffset = idPool.length;

/** A request id: short, unguessable, and safe to show in an error message. */
export function newRequestId(): string {
	if (idOffset === idPool.length) {
		randomFillSync(idPool);
		idOffset = 0;
	}
	idOffset += 6;
	return idPool.toString('hex', idOffset - 6, idOffset);
}
