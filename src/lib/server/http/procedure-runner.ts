import { getTRPCErrorFromUnknown, TRPCError, type AnyTRPCProcedure } from '@trpc/server';

/** What tRPC hands a procedure (see resolveResponse). */
export interface ProcedureCall {
	path: string;
	type: string;
	ctx: unknown;
	getRawInput: () => Promise<unknown>;
	signal: AbortSignal | undefined;
	batchIndex: number;
}

interface ProcedureDef {
	middlewares: ((opts: object) => Promise<MiddlewareResult>)[];
	meta: unknown;
	caller?: unknown;
}
type MiddlewareResult = { ok: true; data: unknown } | { ok: false; error: TRPCError };

/** tRPC's own marker on a middleware result (initTRPC: `middlewareMarker`). */
const MARKER = 'middlewareMarker';

/**
 * Calls a procedure as tRPC 11.25's procedure caller does (createProcedureCaller and
 * callRecursive in @trpc/server): the same middlewares in the same order, with the same
 * options, context merging, input hand-over and error wrapping — written with native object
 * spreads, where tRPC's build uses a transpiled helper that costs more than the app's own
 * middlewares. A procedure of another shape (a custom caller) is called as it is.
 */
export function runProcedure(procedure: AnyTRPCProcedure, call: ProcedureCall): Promise<unknown> {
	const def = procedure._def as unknown as ProcedureDef;
	if (def.caller || !Array.isArray(def.middlewares)) return (procedure as unknown as (opts: ProcedureCall) => Promise<unknown>)(call);
	return run(def, call);
}

async function run(def: ProcedureDef, call: ProcedureCall): Promise<unknown> {
	const result = await callRecursive(0, def, { ...call, input: undefined });
	if (!result)
		throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'No result from middlewares - did you forget to `return next()`?' });
	if (!result.ok) throw result.error;
	return result.data;
}

type Options = ProcedureCall & { input: unknown };
type NextOptions = { ctx?: object; input?: unknown; getRawInput?: () => Promise<unknown> } | undefined;

async function callRecursive(index: number, def: ProcedureDef, opts: Options): Promise<MiddlewareResult> {
	try {
		return await def.middlewares[index]({
			...opts,
			meta: def.meta,
			input: opts.input,
			next(next: NextOptions) {
				return callRecursive(index + 1, def, {
					...opts,
					ctx: next?.ctx ? { ...(opts.ctx as object), ...next.ctx } : opts.ctx,
					input: next && 'input' in next ? next.input : opts.input,
					getRawInput: next?.getRawInput ?? opts.getRawInput
				});
			}
		});
	} catch (cause) {
		return { ok: false, error: getTRPCErrorFromUnknown(cause), marker: MARKER } as MiddlewareResult;
	}
}
