import { parseArgs } from 'node:util';
import { createBillingClient } from '../lib/client';
import type { Locale } from '../lib/format';
import { agentCommand } from './agent-command';
import * as commands from './commands';
import { describeFailure, UsageError } from './errors';
import { cliTranslator } from './messages';
import { exportCsv, parseBucket, parseTime, usage } from './usage';

const USAGE = `Usage: server-billing <command> [options]

Commands (they talk to a running server through its API; none opens a database):
  status              a server's uptime and unbilled amount (as the prototype printed)
  charge              bill the unbilled usage as a Stripe Payment Intent (paid on the dashboard)
  invoice             bill the unbilled usage as a finalized Stripe invoice
  servers             every server, online or not, and when it was last seen
  add-server          register a remote server: --id web-2 --name "Web 2" [--rate 120]; prints its agent token
  usage               metered time per --bucket hour|day|month [--from 2026-11-01] [--to …] [--customer <id>]
  export usage|charges  CSV to stdout or --out <file> (same filters as usage)
  agent               on another machine: --url https://billing.example.com --token <agent token> [--interval 30]
Options:
  --url <url>         the server (or SERVER_BILLING_URL; default http://localhost:8000)
  --token <token>     its ADMIN_TOKEN (or SERVER_BILLING_TOKEN)
  --server <id>       another server than the billing server's own machine
  --json              print the API's JSON instead of text
  --lang <en|ja>      language of labels, amounts and times (default from LANG)
  --tz <zone>         time zone of the times shown, e.g. Asia/Tokyo (default this machine's)`;

const OPTIONS = {
	url: { type: 'string' },
	token: { type: 'string' },
	server: { type: 'string' },
	customer: { type: 'string' },
	json: { type: 'boolean', default: false },
	lang: { type: 'string' },
	tz: { type: 'string' },
	id: { type: 'string' },
	name: { type: 'string' },
	rate: { type: 'string' },
	from: { type: 'string' },
	to: { type: 'string' },
	bucket: { type: 'string', default: 'day' },
	out: { type: 'string' },
	help: { type: 'boolean', short: 'h', default: false }
} as const;

async function main(argv: string[]): Promise<number> {
	// the agent has its own options (and runs from the bundled /agent.mjs too)
	if (argv[0] === 'agent') return agentCommand(argv.slice(1));
	const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
	const [command, subject] = positionals;
	if (values.help || !command) {
		console.log(USAGE);
		return values.help ? 0 : 2;
	}
	const url = values.url ?? process.env.SERVER_BILLING_URL ?? 'http://localhost:8000';
	if (!URL.canParse(url)) throw new UsageError(`--url: "${url}" is not a URL (e.g. http://localhost:8000)`);
	const token = values.token ?? process.env.SERVER_BILLING_TOKEN ?? undefined;
	const session: commands.Session = {
		client: createBillingClient(url, { token }),
		url,
		token,
		json: values.json,
		view: { locale: locale(values.lang), timeZone: timeZone(values.tz) },
		t: cliTranslator(locale(values.lang)),
		print: (text) => console.log(text)
	};
	const failed = (error: unknown) => {
		const given = {
			'--rate': values.rate,
			'--id': values.id,
			'--name': values.name,
			'--server': values.server,
			'--customer': values.customer
		};
		throw new ReportedError(describeFailure(error, url, Boolean(token), given));
	};
	const serverId = values.server;
	switch (command) {
		case 'status':
			return done(commands.status(session, serverId).catch(failed));
		case 'charge':
			return done(commands.charge(session, serverId).catch(failed));
		case 'invoice':
			return done(commands.invoice(session, serverId).catch(failed));
		case 'servers':
			return done(commands.servers(session).catch(failed));
		case 'add-server': {
			if (!values.id || !values.name) throw new UsageError('add-server needs --id and --name (e.g. --id web-2 --name "Web 2")');
			const input = { id: values.id, name: values.name, ...(values.rate === undefined ? {} : { hourlyRate: values.rate }) };
			return done(commands.addServer(session, input).catch(failed));
		}
		case 'usage':
			return done(usage(session, usageQuery(values)).catch(failed));
		case 'export':
			return done(exportCsv(session, subject ?? '', usageQuery(values), values.out).catch(failed));
		default:
			throw new UsageError(`Unknown command "${command}"`);
	}
}

/** A failure already put into words for the user. */
class ReportedError extends Error {}

const done = (work: Promise<void>) => work.then(() => 0);

function locale(lang: string | undefined): Locale {
	const chosen = lang ?? (process.env.LANG?.startsWith('ja') ? 'ja' : 'en');
	if (chosen === 'en' || chosen === 'ja') return chosen;
	throw new UsageError(`--lang: "${lang}" must be en or ja`);
}

function timeZone(tz: string | undefined): string | undefined {
	if (tz === undefined) return undefined;
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return tz;
	} catch {
		throw new UsageError(`--tz: "${tz}" is not a time zone (e.g. Asia/Tokyo, UTC)`);
	}
}

function usageQuery(values: { server?: string; customer?: string; from?: string; to?: string; bucket: string }) {
	const now = new Date();
	const monthStart = new Date(now.getFullYear(), now.getMonth(), 1).toISOString();
	return {
		...(values.server ? { serverId: values.server } : {}),
		...(values.customer ? { customerId: values.customer } : {}),
		from: values.from ? parseTime('--from', values.from) : monthStart,
		to: values.to ? parseTime('--to', values.to) : now.toISOString(),
		bucket: parseBucket(values.bucket)
	};
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error: unknown) => {
		// one line, never a stack or raw JSON: usage mistakes exit 2, failures 1
		const usageMistake = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
		// node's parseArgs adds a paragraph about '--' to "Unknown option '--x'": the first sentence says it
		const message = (error instanceof Error ? error.message : String(error)).split(/\n|\. To specify/)[0];
		console.error(`Error: ${message}${usageMistake ? ' (see server-billing --help)' : ''}`);
		process.exit(usageMistake ? 2 : 1);
	}
);
