import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { App } from '../lib/server/app';
import { ConfigError, loadConfig } from '../lib/server/config';
import { createLogger } from '../lib/server/log';
import { createCaller } from '../lib/server/trpc/router';
import { operatorContext } from '../lib/server/trpc/context';
import { runAgent } from './agent';
import { formatMinor, printStatus } from './status';

const USAGE = `Usage: server-billing <command> [options]

Commands:
  status              this machine's uptime and unbilled amount (as the prototype printed)
  charge              bill the unbilled usage as a Stripe Payment Intent (paid on the dashboard)
  invoice             bill the unbilled usage as a finalized Stripe invoice
  add-server          register a remote server: --id web-2 --name "Web 2" [--rate 120]; prints its agent token
  agent               on another machine: --url http://billing:8000 --token <agent token> [--interval 30]
Options:
  --server <id>       another server than this machine
  --json              print JSON instead of text
  --lang <en|ja>      language of amounts and labels
Configuration comes from .env and the environment, as for the server.`;

async function main(argv: string[]): Promise<number> {
	const { positionals, values } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			server: { type: 'string' },
			json: { type: 'boolean', default: false },
			lang: { type: 'string', default: 'en' },
			id: { type: 'string' },
			name: { type: 'string' },
			rate: { type: 'string' },
			url: { type: 'string' },
			token: { type: 'string' },
			interval: { type: 'string', default: '30' },
			help: { type: 'boolean', short: 'h', default: false }
		}
	});
	const [command] = positionals;
	if (values.help || !command) {
		console.log(USAGE);
		return command || values.help ? 0 : 2;
	}
	if (command === 'agent') return agent(values);
	if (existsSync(process.env.ENV_FILE ?? '.env')) process.loadEnvFile(process.env.ENV_FILE ?? '.env');
	const config = loadConfig(process.env);
	// logs go to stderr so stdout stays the command's output
	const app = await App.open(config, { sampling: false, logger: createLogger(config.debug, process.stderr) });
	try {
		const locale = values.lang === 'ja' ? 'ja' : 'en';
		const caller = createCaller(operatorContext(app, locale));
		switch (command) {
			case 'status': {
				const status = await caller.billingStatus({ serverId: values.server, locale });
				console.log(values.json ? JSON.stringify(status, null, 2) : printStatus(status, locale));
				return 0;
			}
			case 'charge': {
				const intent = await caller.createPaymentIntent({ serverId: values.server });
				const { clientSecret: _secret, ...shown } = intent;
				console.log(
					values.json
						? JSON.stringify(shown, null, 2)
						: `Charge #${intent.chargeId}: Payment Intent ${intent.paymentIntentId} for ${formatMinor(intent.amountMinor, intent.currency, locale)} (${intent.periodStart} → ${intent.periodEnd}), ${intent.status}.\nThe customer pays it on the dashboard.`
				);
				return 0;
			}
			case 'invoice': {
				const invoice = await caller.createInvoice({ serverId: values.server });
				console.log(
					values.json
						? JSON.stringify(invoice, null, 2)
						: `Charge #${invoice.chargeId}: invoice ${invoice.invoiceId} for ${formatMinor(invoice.amountMinor, invoice.currency, locale)} (${invoice.periodStart} → ${invoice.periodEnd}), ${invoice.status}.\n${invoice.hostedInvoiceUrl ?? ''}`
				);
				return 0;
			}
			case 'add-server': {
				if (!values.id || !values.name) throw new Error('add-server needs --id and --name');
				const added = await caller.addServer({ id: values.id, name: values.name, hourlyRate: values.rate });
				console.log(
					values.json
						? JSON.stringify(added, null, 2)
						: `Server ${added.serverId} added. Its agent token (shown once):\n${added.token}\nOn that machine: npx server-billing agent --url <this server's URL> --token ${added.token}`
				);
				return 0;
			}
			default:
				console.error(`Unknown command "${command}"\n\n${USAGE}`);
				return 2;
		}
	} finally {
		await app.stop();
	}
}

/** Runs until SIGTERM/SIGINT, then sends a last heartbeat. Needs no database or .env. */
async function agent(values: { url?: string; token?: string; interval?: string }): Promise<number> {
	const token = values.token ?? process.env.AGENT_TOKEN;
	if (!values.url || !token) throw new Error('agent needs --url and --token (or AGENT_TOKEN)');
	const intervalSeconds = Number(values.interval);
	if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 3600)
		throw new Error('--interval must be 1 to 3600 seconds');
	const running = runAgent({ url: values.url, token, intervalSeconds, bootTimeFile: process.env.BOOT_TIME_FILE || undefined });
	await new Promise<void>((resolve) => {
		process.once('SIGTERM', resolve);
		process.once('SIGINT', resolve);
	});
	await running.stop();
	return 0;
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error) => {
		// expected failures (BELOW_MINIMUM, STRIPE_NOT_CONFIGURED, …) print their message and code
		const code = error?.cause?.code ? ` [${error.cause.code}]` : '';
		console.error(error instanceof ConfigError ? error.message : `Error: ${error?.message ?? error}${code}`);
		process.exit(1);
	}
);
