import { getErrorShape, getTRPCErrorFromUnknown, type TRPCError } from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { Context } from './context';
import { retryAfter } from './errors';
import { rootOptions } from './init';
import type { JsonReply } from './prototype';
import { createCaller } from './router';

/*
 * GET queries answered as tRPC's fetch adapter answers them, through its public API only
 * (createCaller, getErrorShape, getHTTPStatusCode): for the production fast path (http/fast-api.ts),
 * which leaves everything else to the adapter itself. fast-path.spec.ts compares the bytes.
 */

/** The inputs as tRPC reads `?input=`; undefined where tRPC would refuse them (SvelteKit then answers). */
export function parseInputs(text: string | null, batch: boolean): Record<number, unknown> | undefined {
	try {
		const raw: unknown = text ? JSON.parse(text) : undefined;
		if (!batch || raw === undefined) return { 0: raw };
		return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<number, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** The calls through createCaller, in tRPC's envelope (the router is plain JSON: no transformer). */
export async function queries(ctx: Context, calls: string[], inputs: Record<number, unknown>, batch: boolean): Promise<JsonReply> {
	const caller = createCaller(ctx) as unknown as Record<string, (input: unknown) => Promise<unknown>>;
	// getErrorShape reads the error formatter and isDev, which rootOptions are
	const config = rootOptions as unknown as Parameters<typeof getErrorShape>[0]['config'];
	const errors: (TRPCError | undefined)[] = [];
	const json = await Promise.all(
		calls.map((path, index) =>
			caller[path](inputs[index]).then(
				(data) => ({ result: { data } }),
				(cause) => {
					const error = (errors[index] = getTRPCErrorFromUnknown(cause));
					return { error: getErrorShape({ config, ctx, error, type: 'query', path, input: inputs[index] }) };
				}
			)
		)
	);
	const seconds = retryAfter(errors.filter((e) => e !== undefined));
	const headers = { 'content-type': 'application/json', vary: 'trpc-accept, accept', ...(seconds && { 'retry-after': String(seconds) }) };
	return { status: getHTTPStatusCode(json, errors as TRPCError[]), headers, body: JSON.stringify(batch ? json : json[0]) };
}
