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

export function listObject(data: any[], url: string, hasMore = false) {
	return { object: 'list', data, has_more: hasMore, url };
}

/** `items` are in creation order; Stripe lists newest first unless `newestFirst` is false. */
export function paginate(items: any[], params: Params, url: string, newestFirst = true) {
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

function expandPath(node: any, parts: string[], state: State): any {
	if (node === null || typeof node !== 'object') return node;
	if (node.object === 'list' && parts[0] === 'data') {
		node.data = node.data.map((item: any) => expandPath(item, parts.slice(1), state));
		return node;
	}
	const [head, ...rest] = parts;
	if (!(head in node)) return node;
	if (rest.length === 0) {
		const value = node[head];
		if (typeof value === 'string') {
			const target = state.find(value);
			if (target) node[head] = deepClone(target);
		}
		return node;
	}
	node[head] = expandPath(node[head], rest, state);
	return node;
}

/** Stripe embeds at most this many lines in an invoice; the rest are read from /v1/invoices/:id/lines. */
export const EMBEDDED_INVOICE_LINES = 10;

function limitLines(invoice: any): void {
	const lines = invoice?.lines;
	if (invoice?.object !== 'invoice' || !Array.isArray(lines?.data) || lines.data.length <= EMBEDDED_INVOICE_LINES) return;
	lines.data = lines.data.slice(0, EMBEDDED_INVOICE_LINES);
	lines.has_more = true;
}

/** A response copy of `object` with `expand[]` paths replaced by the referenced objects. */
export function render(object: any, params: Params, state: State): any {
	let out = deepClone(object);
	for (const path of expandPaths(params)) out = expandPath(out, path.split('.'), state);
	// like Stripe, an invoice (alone or in a list) carries only its first lines: code that needs all of them must page
	if (out?.object === 'invoice') limitLines(out);
	else if (Array.isArray(out?.data)) out.data.forEach(limitLines);
	return out;
}

/** `created=123` or `created[gte]=…&created[lt]=…` filters. */
export function filterCreated(items: any[], params: Params): any[] {
	const c = params.created;
	if (c === undefined) return items;
	if (typeof c === 'string') {
		const t = optInt(params, ['created']);
		return items.filter((o) => o.created === t);
	}
	const bound = (op: string) => optInt(params, ['created', op]);
	const [gt, gte, lt, lte] = ['gt', 'gte', 'lt', 'lte'].map(bound);
	return items.filter(
		(o) =>
			(gt === undefined || o.created > gt) &&
			(gte === undefined || o.created >= gte) &&
			(lt === undefined || o.created < lt) &&
			(lte === undefined || o.created <= lte)
	);
}
