import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { App } from '../lib/server/app';
import { ConfigError, loadConfig } from '../lib/server/config';
import { createLogger } from '../lib/server/log';
import { createCaller } from '../lib/server/trpc/router';
import { contextFor } from '../lib/server/http/context';
import { printStatus } from './status';

const USAGE = `Usage: server-billing <command> [options]

Commands:
  status              this machine's uptime and unbilled amount (as the prototype printed)
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
			help: { type: 'boolean', short: 'h', default: false }
		}
	});
	const [command] = positionals;
	if (values.help || !command) {
		console.log(USAGE);
		return command || values.help ? 0 : 2;
	}
	if (existsSync(process.env.ENV_FILE ?? '.env')) process.loadEnvFile(process.env.ENV_FILE ?? '.env');
	const config = loadConfig(process.env);
	// logs go to stderr so stdout stays the command's output
	const app = await App.open(config, { sampling: false, logger: createLogger(config.debug, process.stderr) });
	try {
		const locale = values.lang === 'ja' ? 'ja' : 'en';
		const caller = createCaller(contextFor(app, { authorization: null, cookieLocale: locale, acceptLanguage: null, clientAddress: 'cli' }));
		switch (command) {
			case 'status': {
				const status = await caller.billingStatus({ serverId: values.server, locale });
				console.log(values.json ? JSON.stringify(status, null, 2) : printStatus(status, locale));
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

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error) => {
		console.error(error instanceof ConfigError ? error.message : `Error: ${error?.message ?? error}`);
		process.exit(1);
	}
);
