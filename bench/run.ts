/**
 * `npm run bench [-- --quick]`: the production server (npm start's, NODE_ENV=production) on a
 * temporary SQLite database with realistic history, against a bare node:http baseline in the
 * same run, plus in-process figures. Prints one line per figure and writes them as JSON to
 * bench/results/. It measures and reports; it never asserts a target.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/lib/server/config';
import { openStore } from '../src/lib/server/db';
import { appRouter } from '../src/lib/server/trpc/router';
import { startServer } from '../tests/support/server';
import { billingRunFigures, billingRunLine } from './billing-run';
import { heartbeatTarget, seedFleet } from './fleet';
import { statementFigures } from './in-process';
import { postgresIngest } from './postgres-ingest';
import { median, memoryOf, runRound, waitIdle, type LoadTarget, type Round } from './load';
import { seedHistory } from './seed';
import { pageWeight } from './weight';

const ROOT = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const plan = quick
	? { rounds: 2, seconds: 2, warmup: 1, statementRuns: 100_000, repetitions: 3, billingServers: 200 }
	: { rounds: 3, seconds: 5, warmup: 2, statementRuns: 100_000, repetitions: 7, billingServers: 10_000 };
const HISTORY = { runs: 10_000, charges: 1_000 };
const FLEET = 1_000;
const started = performance.now();
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** the router's procedures are its own keys */
const hasProcedure = (name: string) => Object.hasOwn(appRouter, name);
const hasScheduledBilling = hasProcedure('billNow');

console.log(`Server Billing bench${quick ? ' (--quick)' : ''} — ${new Date().toISOString()}`);
console.log(
	`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadavg()
		.map((l) => l.toFixed(2))
		.join(' ')}`
);
console.log(`plan: ${plan.rounds} rounds × ${plan.seconds} s per figure, 50 connections, baseline and targets alternating`);

if (!existsSync(join(ROOT, 'build/handler.js'))) {
	console.log('no build: npm run build');
	if (spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) process.exit(1);
}

// --- the database: this machine with a long history, and a fleet once fleets exist ---
const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
const databaseUrl = join(dir, 'billing.db');
const bootTime = Math.floor((Date.now() - 3600_000) / 1000) * 1000;
const bootFile = join(dir, 'boot');
writeFileSync(bootFile, String(bootTime));
const config = loadConfig({ DATABASE_URL: databaseUrl, SERVER_NAME: 'bench' });
const store = await openStore(config.database);
const { unbilledRuns } = await seedHistory(store, config, { ...HISTORY, before: bootTime - 60_000 });
const fleetSize = hasProcedure('heartbeat') ? FLEET : 0;
const fleetBoot = Math.floor((Date.now() - 1800_000) / 1000) * 1000;
if (fleetSize) await seedFleet(store, config, fleetSize, fleetBoot - 60_000, { runs: 10, paid: true, customers: 100 });
await store.close();
console.log(
	`data: this machine with ${fmt(HISTORY.runs)} past runs and ${fmt(HISTORY.charges)} paid charges (${unbilledRuns} runs + the current boot unbilled)` +
		(fleetSize
			? `; a fleet of ${fmt(fleetSize)} remote servers with 10 runs each, in 100 customers`
			: '; no fleet (no heartbeat procedure yet)')
);

// --- the servers ---
// SERVER_NODE_OPTIONS: Node's options for the app server only (say, a heap limit), to measure their effect
const nodeOptions = process.env.SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVER_NODE_OPTIONS } : {};
if (nodeOptions.NODE_OPTIONS) console.log(`app server started with NODE_OPTIONS=${nodeOptions.NODE_OPTIONS}`);
const app = await startServer({
	DATABASE_URL: databaseUrl,
	BOOT_TIME_FILE: bootFile,
	SERVER_NAME: 'bench',
	NODE_ENV: 'production',
	...nodeOptions
});
const sample = await fetch(`${app.url}/api/trpc/billingStatus`);
const sampleBody = await sample.text();
if (!sample.ok) throw new Error(`billingStatus answered ${sample.status}: ${sampleBody}`);
const bare = await startBare(Buffer.byteLength(sampleBody));
const appPid = app.process.pid!;

const targets: LoadTarget[] = [
	{ name: 'billingStatus via /api/trpc', url: `${app.url}/api/trpc/billingStatus` },
	{ name: 'billingStatus via /api/billing-status', url: `${app.url}/api/billing-status` }
];
// HOOK: heartbeat ingest is measured once the `heartbeat` procedure exists (batches of one beat per fleet server)
if (fleetSize) {
	targets.push(heartbeatTarget(`heartbeat ingest (batches of ${fmt(fleetSize)} over /api/trpc)`, app.url, fleetSize, fleetBoot));
}
// last: its big pages grow the heap, which would weigh on the figures after it
const DASHBOARD = `GET / (server-rendered dashboard, ${fmt(fleetSize)} servers)`;
targets.push({ name: DASHBOARD, url: `${app.url}/` });

const results = new Map<string, Round[]>([['bare', []], ...targets.map((t): [string, Round[]] => [t.name, []])]);
/** the baseline round run right before each target round: ratios are taken pairwise, so load drifting over the run cancels out */
const pairedBare = new Map<string, Round[]>(targets.map((t) => [t.name, []]));
const baseline: LoadTarget = { name: 'bare node:http', url: bare.url };
let html: string;
let memory: ReturnType<typeof memoryOf>;
try {
	// each target in turn, alternating with the baseline round by round
	await runRound(baseline, plan.warmup);
	for (const target of targets) {
		await runRound(target, plan.warmup);
		await waitIdle(appPid);
		for (let round = 0; round < plan.rounds; round++) {
			const bareRound = await runRound(baseline, plan.seconds);
			results.get('bare')!.push(bareRound);
			pairedBare.get(target.name)!.push(bareRound);
			results.get(target.name)!.push(await runRound(target, plan.seconds, appPid));
			await waitIdle(appPid);
		}
	}
	html = await (await fetch(`${app.url}/`)).text();
	memory = memoryOf(appPid);
} finally {
	bare.process.kill('SIGTERM');
	await app.stop();
}

// --- in-process figures, with nothing else running ---
const statement = await statementFigures(plan.statementRuns, plan.repetitions);
const weight = pageWeight(html, join(ROOT, 'build/client'));
// HOOK: scheduled billing (runBillingTick) — measured once it exists
const billing = hasScheduledBilling ? await billingRunFigures(plan.billingServers) : undefined;
const postgres = fleetSize ? await postgresIngest(fleetSize, plan.rounds, plan.seconds) : undefined;

// --- report ---
const summarize = (rounds: Round[]) => ({
	requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
	p99Ms: median(rounds.map((r) => r.p99Ms)),
	errors: rounds.reduce((n, r) => n + r.errors, 0),
	peakRssMb: Math.max(0, ...rounds.map((r) => r.peakRssMb ?? 0)),
	rounds: rounds.map((r) => Math.round(r.requestsPerSecond))
});
const bareSummary = summarize(results.get('bare')!);
const figures: Record<string, unknown> = { bare: bareSummary };
console.log('');
console.log(
	`bare node:http (baseline, ${bare.bytes}-byte JSON): ${fmt(bareSummary.requestsPerSecond)} req/s (median of ${bareSummary.rounds.length} rounds: ${bareSummary.rounds.map((n) => fmt(n)).join(', ')}), p99 ${bareSummary.p99Ms} ms, ${bareSummary.errors} errors`
);
console.log('(each figure: median of its rounds; % = median of round-by-round ratios to the baseline round run just before)');
for (const target of targets) {
	const rounds = results.get(target.name)!;
	const summary = summarize(rounds);
	const ratio = median(rounds.map((r, i) => r.requestsPerSecond / pairedBare.get(target.name)![i].requestsPerSecond)) * 100;
	figures[target.name] = { ...summary, percentOfBare: ratio };
	if (target.name === DASHBOARD) {
		console.log(`${target.name}: ${fmt(summary.requestsPerSecond)} req/s, p99 ${summary.p99Ms} ms`);
		console.log(`  (the fleet's servers and this machine's; ${fmt(ratio, 1)} % of bare node:http, ${summary.errors} errors)`);
	} else if (target.itemsPerRequest) {
		console.log(
			`${target.name}: ${fmt(summary.requestsPerSecond * target.itemsPerRequest)} heartbeats/s (${fmt(summary.requestsPerSecond, 1)} req/s), p99 ${summary.p99Ms} ms, ${summary.errors} errors`
		);
	} else {
		console.log(
			`${target.name}: ${fmt(summary.requestsPerSecond)} req/s = ${fmt(ratio, 1)} % of bare node:http, p99 ${summary.p99Ms} ms, ${summary.errors} errors`
		);
	}
}
const peakUnderLoad = Math.max(
	...[...results.entries()].filter(([name]) => name !== 'bare').flatMap(([, rounds]) => rounds.map((r) => r.peakRssMb ?? 0))
);
const perTarget = targets.map((t) => `${fmt((figures[t.name] as { peakRssMb: number }).peakRssMb)} MB ${t.name.split(' (')[0]}`).join(', ');
console.log(
	`server peak RSS under load: ${fmt(peakUnderLoad)} MB (VmRSS every 100 ms, in run order: ${perTarget}); ${fmt(memory.hwmMb ?? 0)} MB high-water mark (VmHWM)`
);
console.log(
	`statement for ${fmt(statement.runs)} runs: ${fmt(statement.statementMs, 1)} ms (openStatement from the store's chain checkpoint, median of ${statement.repetitions}; ` +
		`the first, reading and chaining every run, ${fmt(statement.firstStatementMs, 1)} ms, of which reading them from SQLite ≈ ${fmt(statement.readMs, 1)} ms)`
);
console.log(
	`billingStatus with ${fmt(statement.runs)} unbilled runs: ${fmt(statement.statusWarmMs, 3)} ms warm, ${fmt(statement.statusAfterWriteMs, 1)} ms right after a sample is written (in-process, median of ${statement.repetitions})`
);
if (!fleetSize) console.log('heartbeat ingest: skipped (no heartbeat procedure yet)');
if (postgres) {
	console.log(
		`heartbeat ingest on PostgreSQL: ${fmt(postgres.heartbeatsPerSecond)} heartbeats/s (batches of ${fmt(fleetSize)}, embedded PostgreSQL 18), p99 ${postgres.p99Ms} ms, ${postgres.errors} errors`
	);
}
figures.postgresIngest = postgres;
console.log(
	`dashboard JS for /: ${fmt(weight.initialGzipBytes / 1024, 1)} KB gzipped (${weight.initialFiles.length} files, without Stripe.js; ${fmt(weight.onDemandGzipBytes / 1024, 1)} KB more on demand)`
);
if (billing) {
	const { report } = billing;
	console.log(billingRunLine(billing, fmt));
	console.log(
		`  (${quick ? '--quick; the full run bills 10,001 servers; ' : ''}${report.invoiced} invoiced, ${report.skipped} skipped, ${report.failed} failed; ` +
			`paced at STRIPE_MAX_RPS ${billing.maxRps} against the double's test-mode limit of 25/s: ${fmt(billing.rateLimited)} answered 429)`
	);
} else console.log('billing run: skipped (no scheduled billing yet)');
figures.billingRun = billing;
figures.memory = { peakUnderLoadMb: peakUnderLoad, highWaterMarkMb: memory.hwmMb };
figures.statement = statement;
figures.dashboardJs = weight;

const resultsDir = join(ROOT, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const report = {
	at: new Date().toISOString(),
	quick,
	plan,
	node: process.version,
	cores: cpus().length,
	cpu: cpus()[0]?.model.trim(),
	loadAverage: loadavg(),
	commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
	data: { ...HISTORY, fleet: fleetSize },
	figures,
	seconds: (performance.now() - started) / 1000
};
writeFileSync(file, JSON.stringify(report, null, 2));
console.log('');
console.log(`took ${fmt(report.seconds)} s; results: ${file}`);

/** The baseline in its own process, so it has a core of its own like the app server. */
async function startBare(bytes: number): Promise<{ url: string; bytes: number; process: ChildProcess }> {
	const child = spawn(process.execPath, [join(ROOT, 'bench/bare-server.mjs'), String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
	const line = await new Promise<string>((res, rej) => {
		createInterface({ input: child.stdout! }).once('line', res);
		child.once('exit', (code) => rej(new Error(`baseline server exited with ${code}`)));
	});
	return { ...JSON.parse(line), process: child };
}
