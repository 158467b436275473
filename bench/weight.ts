import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Weight {
	/** JS the page loads before it is interactive: the entries, the route's nodes and their static imports */
	initialGzipBytes: number;
	initialFiles: string[];
	/** JS those files import on demand (e.g. the Stripe.js loader when paying); Stripe.js itself is not ours */
	onDemandGzipBytes: number;
}

const STATIC_IMPORT = /(?:^|[;}\s])(?:import|export)\s*(?:[\w${}\s,*]*from\s*)?["'`]([^"'`]+\.js)["'`]/g;
const DYNAMIC_IMPORT = /import\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g;

/**
 * The client JavaScript a server-rendered page ships, from its HTML and the build: the
 * entries SvelteKit's boot script imports, the nodes it starts with (`node_ids`), and every
 * module those import statically; sizes are the precompressed .gz files adapter-node serves.
 */
export function pageWeight(html: string, clientDir: string): Weight {
	const entries = [...html.matchAll(/import\(\s*["']([^"']+\.js)["']\s*\)/g)].map((m) => m[1]);
	const nodeIds = (html.match(/node_ids:\s*\[([\d,\s]*)\]/)?.[1] ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const nodesDir = join(clientDir, '_app/immutable/nodes');
	const nodes = nodeIds
		.map((id) => readdirSync(nodesDir).find((f) => f.startsWith(`${id}.`) && f.endsWith('.js')))
		.filter((f): f is string => !!f);
	const start = [...entries.map((e) => resolve(clientDir, e.replace(/^(\.\/|\/)/, ''))), ...nodes.map((f) => join(nodesDir, f))];
	const initial = closure(start, STATIC_IMPORT);
	const onDemand = new Set<string>();
	for (const file of initial)
		for (const found of imports(file, DYNAMIC_IMPORT))
			if (!initial.has(found)) closure([found], STATIC_IMPORT).forEach((f) => onDemand.add(f));
	for (const file of initial) onDemand.delete(file);
	return {
		initialGzipBytes: sum([...initial].map(gzipSize)),
		initialFiles: [...initial].map((f) => relative(clientDir, f)),
		onDemandGzipBytes: sum([...onDemand].map(gzipSize))
	};
}

function closure(start: string[], pattern: RegExp): Set<string> {
	const seen = new Set<string>();
	const queue = [...start];
	while (queue.length) {
		const file = queue.pop()!;
		if (seen.has(file) || !existsSync(file)) continue;
		seen.add(file);
		queue.push(...imports(file, pattern));
	}
	return seen;
}

function imports(file: string, pattern: RegExp): string[] {
	const code = readFileSync(file, 'utf8');
	return [...code.matchAll(pattern)]
		.map((m) => m[1])
		.filter((s) => s.startsWith('.'))
		.map((s) => resolve(dirname(file), s));
}

const gzipSize = (file: string) =>
	existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : gzipSync(readFileSync(file), { level: 9 }).length;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
