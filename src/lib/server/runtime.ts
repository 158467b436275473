import type { App } from './app';

/**
 * The process's one App, reachable from SvelteKit's hooks and from the production
 * server script (scripts/start.mjs), which imports the build and needs the same instance.
 */
const KEY = Symbol.for('server-billing.app');
/** The production server's fast path (http/fast-api.ts), handed to scripts/start.mjs the same way. */
const FAST_API = Symbol.for('server-billing.fast-api');
type Holder = { [KEY]?: App; [FAST_API]?: unknown };

export function setApp(app: App): void {
	(globalThis as Holder)[KEY] = app;
}

export function getApp(): App {
	const app = (globalThis as Holder)[KEY];
	if (!app) throw new Error('The app has not started');
	return app;
}

export function setFastApi(handler: unknown): void {
	(globalThis as Holder)[FAST_API] = handler;
}
