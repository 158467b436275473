import { parseArgs } from 'node:util';
import { runAgent } from './agent';
import { UsageError } from './errors';

export const AGENT_USAGE = `Usage: server-billing-agent --url https://billing.example.com --token sba_… [--interval 30]
  --url        the billing server (or SERVER_BILLING_URL)
  --token      this server's agent token, from add-server (or AGENT_TOKEN)
  --interval   seconds between heartbeats, 1 to 3600 (default 30)
BOOT_TIME_FILE=<file> reads the boot time from a file instead (containers).`;

/**
 * Runs until SIGTERM/SIGINT, then sends a last heartbeat. Needs no database, .env or
 * dependency: the same code is the CLI's `agent` command and the bundled /agent.mjs.
 */
export async function agentCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			url: { type: 'string' },
			token: { type: 'string' },
			interval: { type: 'string', default: '30' },
			help: { type: 'boolean', short: 'h', default: false }
		}
	});
	if (values.help) {
		console.log(AGENT_USAGE);
		return 0;
	}
	const url = values.url ?? process.env.SERVER_BILLING_URL;
	const token = values.token ?? process.env.AGENT_TOKEN;
	if (!url || !token) throw new UsageError('agent needs --url and --token (or SERVER_BILLING_URL and AGENT_TOKEN)');
	if (!URL.canParse(url)) throw new UsageError(`--url: "${url}" is not a URL (e.g. https://billing.example.com)`);
	const intervalSeconds = Number(values.interval);
	if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 3600)
		throw new UsageError(`--interval: "${values.interval}" must be 1 to 3600 seconds`);
	const running = runAgent({
		url,
		token,
		intervalSeconds,
		...(process.env.BOOT_TIME_FILE ? { bootTimeFile: process.env.BOOT_TIME_FILE } : {})
	});
	await new Promise<void>((resolve) => {
		process.once('SIGTERM', resolve);
		process.once('SIGINT', resolve);
	});
	await running.stop();
	return 0;
}
