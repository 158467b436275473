import { TRPCError } from '@trpc/server';
import type { TRPCDefaultErrorShape as DefaultErrorShape } from '@trpc/server';
import { ZodError } from 'zod';
import { databaseUnavailable } from '../db';
import { Failure, type FailureCode } from '../errors';

/** Domain failures become tRPC errors here and only here; their kind is the tRPC code. */
export function toTRPCError(error: unknown): TRPCError | undefined {
	const failure = error instanceof Failure ? error : databaseFailure(error);
	if (failure) return new TRPCError({ code: failure.kind, message: failure.message, cause: failure });
	return undefined;
}

/** A database that is locked, read-only or full is a clear 503; its transaction rolled back, nothing changed. */
export function databaseFailure(error: unknown): Failure | undefined {
	const why = databaseUnavailable(error);
	return why ? new Failure('DATABASE_UNAVAILABLE', `The database is ${why}; nothing was changed, try again later`) : undefined;
}

export interface ErrorData {
	/** stable machine code: BELOW_MINIMUM, STRIPE_NOT_CONFIGURED, INVALID_INPUT, INTERNAL_ERROR, … */
	errorCode: FailureCode | 'INTERNAL_ERROR' | 'NOT_FOUND' | 'UNKNOWN';
	details?: Record<string, unknown>;
	issues?: { path: string; message: string }[];
	requestId?: string;
}

/**
 * The error envelope every client sees: tRPC's shape with a machine code, field-level
 * issues for bad input, and no stack trace or internal message, ever.
 */
export function formatError(shape: DefaultErrorShape, error: TRPCError, requestId: string | undefined) {
	const { stack: _stack, ...data } = shape.data;
	const cause = error.cause;
	let message = shape.message;
	let extra: ErrorData;
	if (cause instanceof ZodError) {
		const issues = cause.issues.map((i) => ({ path: i.path.join('.') || '(input)', message: i.message }));
		message = `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
		extra = { errorCode: 'INVALID_INPUT', issues };
	} else if (cause instanceof Failure) {
		extra = { errorCode: cause.code, details: cause.details };
	} else if (error.code === 'INTERNAL_SERVER_ERROR') {
		message = `Internal error (id ${requestId ?? 'unknown'})`;
		extra = { errorCode: 'INTERNAL_ERROR', requestId };
	} else if (error.code === 'NOT_FOUND') {
		extra = { errorCode: 'NOT_FOUND' };
	} else {
		extra = { errorCode: error.code === 'BAD_REQUEST' ? 'INVALID_INPUT' : 'UNKNOWN' };
	}
	return { ...shape, message, data: { ...data, ...extra } };
}

/** Seconds to wait, when one of the errors is a rate limit: sent as Retry-After. */
export function retryAfter(errors: readonly TRPCError[]): number | undefined {
	for (const error of errors) {
		const seconds = (error.cause instanceof Failure ? error.cause.details.retryAfterSeconds : undefined) as number | undefined;
		if (seconds) return seconds;
	}
	return undefined;
}
