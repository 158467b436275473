#!/usr/bin/env node
// Production server: loads .env, builds once if there is no build, then serves the
// SvelteKit app on HOST:PORT (from the validated configuration) until SIGTERM/SIGINT.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildEntry = join(root, 'build', 'handler.js');

// ENV_FILE= (empty) skips .env; the variables already set always win.
const envFile = process.env.ENV_FILE ?? '.env';
if (envFile && existsSync(envFile)) process.loadEnvFile(envFile);
process.env.NODE_ENV ??= 'production';

if (!existsSync(buildEntry)) {
	console.error('No build found: building once (vite build)…');
	const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (built.status !== 0) process.exit(built.status ?? 1);
}

// This server speaks plain HTTP. adapter-node assumes https unless told, which would make
// SvelteKit's CSRF check refuse same-site form posts: stamp the real protocol on each request.
// Behind a TLS proxy set ORIGIN (or PROTOCOL_HEADER=x-forwarded-proto) instead.
const PROTOCOL_STAMP = 'x-server-billing-protocol';
const stampProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (stampProtocol) process.env.PROTOCOL_HEADER = PROTOCOL_STAMP;

let handler;
try {
	({ handler } = await import(pathToFileURL(buildEntry).href));
} catch (error) {
	// A configuration error names the variable and what is allowed; nothing else to add.
	console.error(error?.name === 'ConfigError' ? error.message : `Start-up failed: ${error?.message ?? error}`);
	process.exit(1);
}

const app = globalThis[Symbol.for('server-billing.app')];
const { host, port } = app.config;

// The fast path (src/lib/server/http/fast-api.ts): GET queries on /api/trpc and the prototype's
// GET endpoints without SvelteKit's per-request Request/Response, same bytes on the wire; it
// hands everything else to SvelteKit. FAST_API=0 serves the API through SvelteKit alone.
const fastApi = /^(0|false|off|no)$/i.test(process.env.FAST_API ?? '') ? undefined : globalThis[Symbol.for('server-billing.fast-api')];
const notFound = (res) => {
	res.statusCode = 404;
	res.end('Not found');
};
const server = createServer((req, res) => {
	if (stampProtocol) req.headers[PROTOCOL_STAMP] = 'http';
	const sveltekit = () => handler(req, res, () => notFound(res));
	if (fastApi) fastApi(req, res, sveltekit);
	else sveltekit();
});
server.keepAliveTimeout = 65_000;

server.on('error', (error) => {
	console.error(`Cannot listen on ${host}:${port}: ${error.message}`);
	process.exit(1);
});
server.listen(port, host, () => {
	const actual = server.address().port;
	app.logger.info({ url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}` }, 'Server Billing listening');
});

let stopping = false;
async function shutdown(signal) {
	if (stopping) return;
	stopping = true;
	app.logger.info({ signal }, 'shutting down');
	// stop accepting, let in-flight requests finish (bounded), then sample once more and close the database
	const closed = new Promise((resolve) => server.close(resolve));
	// keep-alive connections go as soon as their request is answered; stragglers after 10 s
	server.closeIdleConnections();
	const sweep = setInterval(() => server.closeIdleConnections(), 50);
	const deadline = setTimeout(() => server.closeAllConnections(), 10_000);
	await closed;
	clearInterval(sweep);
	clearTimeout(deadline);
	await app.stop();
	process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
