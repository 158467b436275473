import { createHash } from 'node:crypto';
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

// The single-file agent, bundled before `vite build` (scripts/build-agent.mjs) and embedded here,
// so the server needs no path to it at run time. Public: it holds no secret, only code.
const bundled = import.meta.glob<string>('/dist/agent.mjs', { query: '?raw', import: 'default', eager: true });
const source = Object.values(bundled)[0];
const etag = source ? `"${createHash('sha256').update(source).digest('base64url').slice(0, 27)}"` : undefined;

export const GET: RequestHandler = ({ request }) => {
	if (!source) error(404, 'The agent is not bundled in this build: run npm run build');
	const headers = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', etag: etag! };
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
	return new Response(source, { headers });
};
