// Bundles the agent (src/cli/agent-entry.ts, its imports and @trpc/client) into one ES module
// that runs on plain Node 20 with nothing installed: the server serves it at GET /agent.mjs.
import { build } from 'esbuild';

const outfile = new URL('../dist/agent.mjs', import.meta.url).pathname;
const result = await build({
	entryPoints: [new URL('../src/cli/agent-entry.ts', import.meta.url).pathname],
	outfile,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	minify: false,
	legalComments: 'inline',
	banner: {
		js: '#!/usr/bin/env node\n// Server Billing agent: node server-billing-agent.mjs --url <billing server> --token <agent token>'
	},
	metafile: true,
	logLevel: 'warning'
});
// a bare import left in the bundle would fail on a machine without node_modules
const foreign = result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].imports.filter(
	(i) => i.external && !i.path.startsWith('node:')
);
if (foreign.length)
	throw new Error(`agent bundle imports ${foreign.map((i) => i.path).join(', ')}: only node: built-ins may stay external`);
console.log(`agent bundled: ${outfile}`);
