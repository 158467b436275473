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
