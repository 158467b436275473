/**
 * Parameter readers. Decoded params are strings (or nested objects/arrays of strings);
 * these convert and validate them, throwing Stripe-shaped 400 errors with `param` set.
 */
import { invalidRequest, missingParam, unknownParam } from './errors';
import type { Params } from './types';

/** Display name of a nested param path: ['period', 'start'] → 'period[start]'. */
const display = (path: string[]) =>
	path[0] +
	path
		.slice(1)
		.map((p) => `[${p}]`)
		.join('');

function at(params: Params, path: string[]): unknown {
	let node: unknown = params;
	for (const part of path) {
		if (node === null || typeof node !== 'object') return undefined;
		node = (node as Record<string, unknown>)[part];
	}
	return node;
}

/** Rejects top-level params that the endpoint does not accept, like Stripe does. */
export function checkKnown(params: Params, allowed: readonly string[]): void {
	for (const key of Object.keys(params)) {
		if (key !== 'expand' && !allowed.includes(key)) throw unknownParam(key);
	}
}

export function has(params: Params, ...path: string[]): boolean {
	return at(params, path) !== undefined;
}

/** Optional string; '' means "unset" (null), as in Stripe. */
export function optString(params: Params, ...path: string[]): string | null | undefined {
	const v = at(params, path);
	if (v === undefined) return undefined;
	if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(v)}`, { param: display(path) });
	return v === '' ? null : v;
}

export function reqString(params: Params, ...path: string[]): string {
	const v = optString(params, ...path);
	if (v === undefined || v === null) throw missingParam(display(path));
	return v;
}

export function optInt(params: Params, path: string[], opts: { min?: number; max?: number } = {}): number | undefined {
	const v = at(params, path);
	if (v === undefined || v === '') return undefined;
	const name = display(path);
	if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
		throw invalidRequest(`Invalid integer: ${typeof v === 'string' ? v : JSON.stringify(v)}`, {
			param: name,
			code: 'parameter_invalid_integer'
		});
	}
	const n = Number(v);
	if (opts.min !== undefined && n < opts.min) {
		throw invalidRequest(`This value must be greater than or equal to ${opts.min}.`, { param: name, code: 'parameter_invalid_integer' });
	}
	if (opts.max !== undefined && n > opts.max) {
		throw invalidRequest(`This value must be less than or equal to ${opts.max}.`, { param: name, code: 'parameter_invalid_integer' });
	}
	return n;
}

export function reqInt(params: Params, path: string[], opts: { min?: number; max?: number } = {}): number {
	const n = optInt(params, path, opts);
	if (n === undefined) throw missingParam(display(path));
	return n;
}

export function optBool(params: Params, ...path: string[]): boolean | undefined {
	const v = at(params, path);
	if (v === undefined || v === '') return undefined;
	if (v === 'true') return true;
	if (v === 'false') return false;
	throw invalidRequest(`Invalid boolean: ${typeof v === 'string' ? v : JSON.stringify(v)}`, { param: display(path) });
}

export function optEnum<T extends string>(params: Params, name: string, values: readonly T[]): T | undefined {
	const v = optString(params, name);
	if (v === undefined || v === null) return undefined;
	if (!values.includes(v as T)) {
		throw invalidRequest(`Invalid ${name}: must be one of ${values.join(', ')}`, { param: name });
	}
	return v as T;
}

export function optCurrency(params: Params, name = 'currency'): string | undefined {
	const v = optString(params, name);
	if (v === undefined || v === null) return undefined;
	if (!/^[a-zA-Z]{3}$/.test(v)) throw invalidRequest(`Invalid currency: ${v.toLowerCase()}.`, { param: name });
	return v.toLowerCase();
}

/** Validated `metadata` update: string values, '' deletes a key; `metadata=` clears everything (returns null). */
export function optMetadata(params: Params): Record<string, string> | null | undefined {
	const v = params.metadata;
	if (v === undefined) return undefined;
	if (v === '') return null;
	if (v === null || typeof v !== 'object' || Array.isArray(v)) {
		throw invalidRequest('Invalid object', { param: 'metadata' });
	}
	for (const [k, val] of Object.entries(v)) {
		if (typeof val !== 'string') throw invalidRequest('Invalid value: metadata values must be strings.', { param: `metadata[${k}]` });
		if (k.length > 40) throw invalidRequest('Keys for metadata must be at most 40 characters.', { param: `metadata[${k}]` });
		if (val.length > 500) throw invalidRequest('Metadata values can have up to 500 characters.', { param: `metadata[${k}]` });
	}
	return v as Record<string, string>;
}

export function mergeMetadata(existing: Record<string, string> | null, update: Record<string, string> | null | undefined) {
	if (update === undefined) return existing ?? {};
	if (update === null) return {};
	const merged = { ...existing };
	for (const [k, val] of Object.entries(update)) {
		if (val === '') delete merged[k];
		else merged[k] = val;
	}
	if (Object.keys(merged).length > 50) throw invalidRequest('You can have up to 50 metadata keys.', { param: 'metadata' });
	return merged;
}

export function expandPaths(params: Params): string[] {
	const v = params.expand;
	if (v === undefined) return [];
	if (!Array.isArray(v) || v.some((p) => typeof p !== 'string')) throw invalidRequest('Invalid array', { param: 'expand' });
	return v;
}

/** The entries of `changes` that were given (undefined = param absent), for Object.assign onto an object. */
export function given<T extends object>(changes: T): Partial<T> {
	return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}
