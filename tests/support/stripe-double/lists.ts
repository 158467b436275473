/** List responses (`object: 'list'`) with limit / starting_after / ending_before, and `expand[]`. */
import type Stripe from 'stripe';
import { deepClone } from './form';
import { optInt, optString, expandPaths } from './params';
import type { State } from './state';
import type { Params } from './types';

/** A list with the `total_count` Stripe includes for embedded lists (invoice lines), which the SDK types leave out. */
export type CountedList<T> = Stripe.ApiList<T> & { total_count: number };

export function countedList<T>(url: string): CountedList<T> {
	return { object: 'list', data: [], has_more: false, total_count: 0, url };
}

/** What lists hold: API objects with an id and a creation time (`date` on invoice items). */
type Listed = { id: string; created?: number; date?: number };
const createdOf = (o: Listed) => o.created ?? o.date ?? 0;

export function listObject<T>(data: T[], url: string, hasMore = false): Stripe.ApiList<T> {
	return { object: 'list', data, has_more: hasMore, url };
}

/** `items` are in creation order; Stripe lists newest first unless `newestFirst` is false. */
export function paginate<T extends { id: string }>(items: T[], params: Params, url: string, newestFirst = true): Stripe.ApiList<T> {
	const limit = optInt(params, ['limit'], { min: 1, max: 100 }) ?? 10;
	const ordered = newestFirst ? [...items].reverse() : [...items];
	const after = optString(params, 'starting_after');
	const before = optString(params, 'ending_before');
	if (before) {
		const end = Math.max(
			0,
			ordered.findIndex((o) => o.id === before)
		);
		const start = Math.max(0, end - limit);
		return listObject(deepClone(ordered.slice(start, end)), url, start > 0);
	}
	const window = after ? ordered.slice(ordered.findIndex((o) => o.id === after) + 1) : ordered;
	return listObject(deepClone(window.slice(0, limit)), url, window.length > limit);
}

/** A JSON object of a response being rendered (a copy, free to rewrite). */
type Json = Record<string, unknown>;

function expandPath(node: unknown, parts: string[], state: State): unknown {
	if (node === null || typeof node !== 'object') return node;
	const obj = node as Json;
	if (obj.object === 'list' && parts[0] === 'data' && Array.isArray(obj.data)) {
		obj.data = obj.data.map((item) => expandPath(item, parts.slice(1), state));
		return obj;
	}
	const [head, ...rest] = parts;
	if (!(head in obj)) return obj;
	if (rest.length === 0) {
		const value = obj[head];
		if (typeof value === 'string') {
			const target = state.find(value);
			if (target) obj[head] = deepClone(target);
		}
		return obj;
	}
	obj[head] = expandPath(obj[head], rest, state);
	return obj;
}

/** Stripe embeds at most this many lines in an invoice; the rest are read from /v1/invoices/:id/lines. */
export const EMBEDDED_INVOICE_LINES = 10;

function limitLines(node: unknown): void {
	const invoice = node as Json | null;
	const lines = invoice?.lines as Json | undefined;
	if (invoice?.object !== 'invoice' || !Array.isArray(lines?.data) || lines.data.length <= EMBEDDED_INVOICE_LINES) return;
	lines.data = lines.data.slice(0, EMBEDDED_INVOICE_LINES);
	lines.has_more = true;
}

/** A response copy of `object` with `expand[]` paths replaced by the referenced objects. */
export function render(object: object, params: Params, state: State): unknown {
	let out: unknown = deepClone(object);
	for (const path of expandPaths(params)) out = expandPath(out, path.split('.'), state);
	// like Stripe, an invoice (alone or in a list) carries only its first lines: code that needs all of them must page
	const rendered = out as Json;
	if (rendered.object === 'invoice') limitLines(rendered);
	else if (Array.isArray(rendered.data)) rendered.data.forEach(limitLines);
	return out;
}

/** `created=123` or `created[gte]=…&created[lt]=…` filters. */
export function filterCreated<T extends Listed>(items: T[], params: Params): T[] {
	const c = params.created;
	if (c === undefined) return items;
	if (typeof c === 'string') {
		const t = optInt(params, ['created']);
		return items.filter((o) => createdOf(o) === t);
	}
	const bound = (op: string) => optInt(params, ['created', op]);
	const [gt, gte, lt, lte] = ['gt', 'gte', 'lt', 'lte'].map(bound);
	return items.filter(
		(o) =>
			(gt === undefined || createdOf(o) > gt) &&
			(gte === undefined || createdOf(o) >= gte) &&
			(lt === undefined || createdOf(o) < lt) &&
			(lte === undefined || createdOf(o) <= lte)
	);
}
