import {
	getErrorShape,
	getTRPCErrorFromUnknown,
	transformTRPCResponse,
	TRPCError,
	type AnyTRPCProcedure,
	type AnyTRPCRouter
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import { defaultTransformer } from '@trpc/server/unstable-core-do-not-import';
import type { Context } from '../trpc/context';
import { runProcedure } from './procedure-runner';

/**
 * tRPC's `resolveResponse` for the plain cases — one query or mutation, or a batch of them,
 * as JSON — without building a Fetch Request and Response around each call. Every step
 * mirrors tRPC 11's, in its order, and the envelope comes from tRPC's own getErrorShape (so
 * the app's errorFormatter) and getHTTPStatusCode; anything else is left to tRPC itself
 * (see `planCall`). tests/integration/fast-path.spec.ts compares both byte for byte.
 */
export interface TrpcCall {
	method: 'GET' | 'POST';
	isBatch: boolean;
	calls: { path: string; procedure: AnyTRPCProcedure | null }[];
	/** the procedures' type, 'unknown' when none was found */
	type: string;
	searchParams: URLSearchParams;
}

export interface Reply {
	status: number;
	/** lower-case names */
	headers: Record<string, string>;
	body: string;
}

type Procedures = Record<string, AnyTRPCProcedure>;

/** The call, when this resolver answers it exactly as tRPC would; undefined to leave it to tRPC. */
export function planCall(router: AnyTRPCRouter, method: 'GET' | 'POST', path: string, searchParams: URLSearchParams): TrpcCall | undefined {
	const def = router._def as { procedures: Procedures; lazy: object };
	if (hasLazy(def) || searchParams.has('connectionParams')) return undefined;
	const isBatch = searchParams.get('batch') === '1';
	const calls = [];
	let type: string | undefined;
	for (const name of isBatch ? path.split(',') : [path]) {
		const procedure = def.procedures[name];
		if (procedure !== undefined && !Object.hasOwn(def.procedures, name)) return undefined;
		calls.push({ path: name, procedure: procedure ?? null });
		if (!procedure) continue;
		// a mixed batch, and subscriptions, take tRPC's own path
		if ((type !== undefined && procedure._def.type !== type) || procedure._def.type === 'subscription') return undefined;
		type = procedure._def.type;
	}
	return { method, isBatch, calls, type: type ?? 'unknown', searchParams };
}

/** Lazy sub-routers (loaded on first call) are tRPC's business; once loaded they stay listed. */
const hasLazy = (def: { lazy: object }) => {
	for (const _ in def.lazy) return true;
	return false;
};

const ACCEPTED: Record<string, string[]> = { query: ['GET'], mutation: ['POST'] };
const NO_SIGNAL = new AbortController().signal;

/** Runs the calls and builds tRPC's answer; `extraHeaders` plays the route's responseMeta. */
export async function resolveCall(
	router: AnyTRPCRouter,
	call: TrpcCall,
	ctx: Context,
	readBody: () => Promise<string>,
	extraHeaders: (errors: TRPCError[]) => Record<string, string>
): Promise<Reply> {
	const config = router._def._config;
	const headers: Record<string, string> = {};
	const inputs = memo(async () => {
		let raw: unknown;
		if (call.method === 'GET') {
			const query = call.searchParams.get('input');
			if (query) raw = JSON.parse(query);
		} else {
			const body = await readBody();
			if (body) raw = JSON.parse(body);
		}
		const result: Record<number, unknown> = Object.create(null);
		if (raw === undefined) return result;
		if (!call.isBatch) {
			result[0] = config.transformer.input.deserialize(raw);
			return result;
		}
		if (!isObject(raw)) throw new TRPCError({ code: 'BAD_REQUEST', message: '"input" needs to be an object when doing a batch call' });
		call.calls.forEach((_, index) => {
			const input = (raw as Record<number, unknown>)[index];
			if (input !== undefined) result[index] = config.transformer.input.deserialize(input);
		});
		return result;
	});
	const runOne = async ({ path, procedure }: TrpcCall['calls'][number], batchIndex: number): Promise<[TRPCError | undefined, unknown]> => {
		try {
			if (!procedure) throw new TRPCError({ code: 'NOT_FOUND', message: `No procedure found on path "${path}"` });
			const type = procedure._def.type;
			if (!ACCEPTED[type].includes(call.method)) {
				headers.allow = ACCEPTED[type].join(', ');
				throw new TRPCError({
					code: 'METHOD_NOT_SUPPORTED',
					message: `Unsupported ${call.method}-request to ${type} procedure at path "${path}"`
				});
			}
			const getRawInput = async () => (await inputs.read())[batchIndex];
			return [undefined, await runProcedure(procedure, { path, getRawInput, ctx, type, signal: NO_SIGNAL, batchIndex })];
		} catch (cause) {
			return [getTRPCErrorFromUnknown(cause), undefined];
		}
	};
	// every call starts at once, in order, as tRPC starts them
	const runs = call.isBatch ? call.calls.map(runOne) : [runOne(call.calls[0], 0)];
	const shape = (error: TRPCError, index: number | undefined, type: string) =>
		getErrorShape({
			config,
			ctx,
			error,
			type: type as never,
			input: index === undefined ? undefined : inputs.result()?.[index],
			path: index === undefined ? undefined : call.calls[index].path
		});
	try {
		if (!call.isBatch) {
			const [error, data] = await runs[0];
			if (isDataStream(data)) throw streamError();
			if (!error) return reply(200, headers, extraHeaders([]), JSON.stringify(serialize(config, { result: { data } })));
			const json = { error: shape(error, 0, call.type) };
			return reply(getHTTPStatusCode([json], [error]), headers, extraHeaders([error]), JSON.stringify(serialize(config, json)));
		}
		const results = (await Promise.all(runs)).map(([error, data]): [TRPCError | undefined, unknown] =>
			!error && isDataStream(data) ? [streamError(), undefined] : [error, data]
		);
		const json = results.map(([error, data], index) =>
			error ? { error: shape(error, index, call.calls[index].procedure?._def.type ?? 'unknown') } : { result: { data } }
		);
		const errors = results.map(([error]) => error);
		const status = getHTTPStatusCode(json, errors as TRPCError[]);
		const meta = extraHeaders(errors.filter((e): e is TRPCError => e !== undefined));
		return reply(status, headers, meta, JSON.stringify(serialize(config, json)));
	} catch (cause) {
		// tRPC's last resort: one error for the whole request, without a path
		const error = getTRPCErrorFromUnknown(cause);
		const json = { error: shape(error, undefined, call.type) };
		return reply(getHTTPStatusCode(json, [error]), headers, extraHeaders([error]), JSON.stringify(serialize(config, json)));
	}
}

/** tRPC's transformTRPCResponse; with the default (identity) transformer its copies serialize to the same JSON, so they are skipped. */
function serialize<T extends object>(config: AnyTRPCRouter['_def']['_config'], json: T | T[]): unknown {
	return config.transformer === defaultTransformer ? json : transformTRPCResponse(config, json as never);
}

const streamError = () =>
	new TRPCError({
		code: 'UNSUPPORTED_MEDIA_TYPE',
		message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink'
	});

function reply(status: number, own: Record<string, string>, meta: Record<string, string>, body: string): Reply {
	return { status, headers: { ...own, 'content-type': 'application/json', vary: 'trpc-accept, accept', ...meta }, body };
}

/** tRPC's memo: the input is parsed once, on first use; a parse failure is a BAD_REQUEST. */
function memo<T>(read: () => Promise<T>) {
	let promise: Promise<T> | undefined;
	let value: { v: T } | undefined;
	return {
		read: async () => {
			if (value) return value.v;
			promise ??= read().catch((cause) => {
				if (cause instanceof TRPCError) throw cause;
				throw new TRPCError({ code: 'BAD_REQUEST', message: cause instanceof Error ? cause.message : 'Invalid input', cause });
			});
			value = { v: await promise };
			return value.v;
		},
		result: () => value?.v
	};
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && !Array.isArray(v) && typeof v === 'object';
const isPromise = (v: unknown) =>
	(isObject(v) || typeof v === 'function') &&
	typeof (v as { then?: unknown }).then === 'function' &&
	typeof (v as { catch?: unknown }).catch === 'function';
const isAsyncIterable = (v: unknown) => isObject(v) && Symbol.asyncIterator in v;

/** tRPC's isDataStream: a result that would need the streaming link. */
function isDataStream(v: unknown): boolean {
	if (!isObject(v)) return false;
	if (isAsyncIterable(v)) return true;
	for (const key in v) {
		if (!Object.hasOwn(v, key)) continue;
		const item = v[key];
		if (isPromise(item) || isAsyncIterable(item)) return true;
	}
	return false;
}
