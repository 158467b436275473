/**
 * Runs the Stripe test double as its own process (benchmarks, dev):
 *
 *   npx tsx tests/support/stripe-double-cli.ts --port 12111 --secret-key sk_test_x \
 *     --webhook-url http://127.0.0.1:8000/webhooks/stripe --webhook-secret whsec_x \
 *     --also-webhook http://127.0.0.1:8001/webhooks/stripe=whsec_y   # more endpoints, each gets every event
 *
 * Prints `stripe-double listening on http://127.0.0.1:PORT` once ready; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { startStripeDouble, type StripeDoubleOptions } from './stripe-double';

const USAGE =
	'usage: stripe-double-cli [--port N] [--host H] [--secret-key sk_test_…] [--publishable-key pk_test_…] ' +
	'[--webhook-url URL --webhook-secret whsec_…] [--also-webhook URL=whsec_… …] [--no-auto-webhooks] [--rate-limit N (requests/s)]';

function parseOptions(argv: string[]): StripeDoubleOptions {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string' },
			host: { type: 'string' },
			'secret-key': { type: 'string' },
			'publishable-key': { type: 'string' },
			'webhook-url': { type: 'string' },
			'webhook-secret': { type: 'string' },
			'also-webhook': { type: 'string', multiple: true },
			'no-auto-webhooks': { type: 'boolean' },
			'rate-limit': { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const port = values.port === undefined ? 0 : Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port: ${values.port}`);
	if (Boolean(values['webhook-url']) !== Boolean(values['webhook-secret'])) {
		throw new Error('--webhook-url and --webhook-secret go together');
	}
	const webhook = values['webhook-url'] ? { url: values['webhook-url'], secret: values['webhook-secret']! } : undefined;
	const webhooks = (values['also-webhook'] ?? []).map((spec) => {
		const eq = spec.lastIndexOf('=');
		if (eq <= 0 || !spec.slice(eq + 1)) throw new Error(`--also-webhook wants URL=SECRET (got ${spec})`);
		return { url: spec.slice(0, eq), secret: spec.slice(eq + 1) };
	});
	return {
		port,
		host: values.host,
		secretKey: values['secret-key'],
		publishableKey: values['publishable-key'],
		webhook,
		webhooks,
		autoWebhooks: values['no-auto-webhooks'] ? false : undefined,
		rateLimit: values['rate-limit'] === undefined ? undefined : Number(values['rate-limit'])
	};
}

async function main(): Promise<void> {
	let options: StripeDoubleOptions;
	try {
		options = parseOptions(process.argv.slice(2));
	} catch (err) {
		console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
		process.exit(2);
	}
	const double = await startStripeDouble(options);
	console.log(`stripe-double listening on ${double.url}`);
	let stopping = false;
	const stop = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		double.close().then(
			() => process.exit(0),
			(err) => {
				console.error(`stripe-double: error while stopping on ${signal}:`, err);
				process.exit(1);
			}
		);
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

main().catch((err) => {
	console.error('stripe-double failed to start:', err);
	process.exit(1);
});
