// Builds the typed client as a package (dist/package: `npm pack dist/package`; the repo's own
// package.json points its `./client` export there too). The JS is src/lib/client.ts compiled;
// the types are the router's procedures written out in full at build time, so a consumer
// type-checks against one small .d.ts with no server source, zod or database types behind it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { routerDeclarations } from './client-types.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = `${root}dist/package/`;
const clientSource = `${root}src/lib/client.ts`;
mkdirSync(`${out}client`, { recursive: true });

await build({
	entryPoints: [clientSource],
	outfile: `${out}client/index.js`,
	bundle: true,
	packages: 'external',
	platform: 'neutral',
	target: 'es2022',
	format: 'esm',
	logLevel: 'warning'
});

const types = routerDeclarations(root, clientSource);
writeFileSync(`${out}client/index.d.ts`, types);

const app = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const trpc = app.dependencies['@trpc/client'];
const pkg = {
	name: app.name,
	version: app.version,
	description: "Typed client for Server Billing's API (tRPC): createBillingClient(url, { token })",
	type: 'module',
	license: app.license ?? 'UNLICENSED',
	// node10 resolution finds client/index.d.ts by path; nodenext and bundler use exports
	exports: { './client': { types: './client/index.d.ts', import: './client/index.js', default: './client/index.js' } },
	files: ['client'],
	dependencies: { '@trpc/client': trpc, '@trpc/server': app.dependencies['@trpc/server'] },
	engines: { node: '>=20' }
};
writeFileSync(`${out}package.json`, JSON.stringify(pkg, null, '\t') + '\n');
console.log(`client package built: ${out} (${(types.length / 1024).toFixed(1)} KB of types)`);
