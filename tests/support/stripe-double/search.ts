/**
 * Stripe's Search API (docs: "Search query language") for the objects the app looks up by metadata:
 * `metadata['charge_id']:'42' AND customer:'cus_…' AND status:'succeeded'`, `amount>=1000`, `-status:'canceled'`.
 * Clauses are joined by AND or by OR (Stripe refuses to mix them); values are quoted strings or
 * numbers; results are newest first, paged with `page` / `next_page`.
 *
 * Stripe's search index lags writes ("usually under a minute"): with `searchLagMs` set, objects
 * younger than that are not found yet — read-after-write code must list instead.
 */
import type Stripe from 'stripe';
import { invalidRequest } from './errors';
import { deepClone } from './form';
import { optInt, optString } from './params';
import type { Params } from './types';

type Op = ':' | '>' | '<' | '>=' | '<=';

interface Clause {
	field: string;
	/** metadata key when field is 'metadata' */
	key?: string;
	op: Op;
	value: string | number;
	negated: boolean;
}

const invalidQuery = (query: string, why: string) =>
	invalidRequest(`Invalid search query \`${query}\`: ${why}. See https://stripe.com/docs/search#search-query-language.`, {
		param: 'query'
	});

/** Splits `query` into clauses and the boolean operator joining them. */
export function parseQuery(query: string, fields: readonly string[]): { clauses: Clause[]; join: 'AND' | 'OR' } {
	const clauses: Clause[] = [];
	const joins = new Set<string>();
	let rest = query.trim();
	if (!rest) throw invalidQuery(query, 'the query is empty');
	const clause =
		/^(-?)([a-z_]+)(?:\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\])?\s*(>=|<=|:|>|<)\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?))/;
	for (;;) {
		const m = clause.exec(rest);
		if (!m) throw invalidQuery(query, `could not parse \`${rest}\``);
		const [whole, neg, field, key1, key2, op, str1, str2, num] = m;
		if (!fields.includes(field))
			throw invalidQuery(query, `\`${field}\` is not a supported search field (supported: ${fields.join(', ')})`);
		const key = key1 ?? key2;
		if ((field === 'metadata') !== (key !== undefined)) throw invalidQuery(query, "metadata needs a key: metadata['key']:'value'");
		const text = str1 ?? str2;
		const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
		clauses.push({
			field,
			key: key === undefined ? undefined : unescape(key),
			op: op as Op,
			value: text !== undefined ? unescape(text) : Number(num),
			negated: neg === '-'
		});
		rest = rest.slice(whole.length).trim();
		if (!rest) break;
		const join = /^(AND|OR)\s+/.exec(rest);
		if (!join) throw invalidQuery(query, `expected AND or OR before \`${rest}\``);
		joins.add(join[1]);
		rest = rest.slice(join[0].length);
	}
	if (joins.size > 1) throw invalidQuery(query, 'AND and OR cannot be combined in one query');
	return { clauses, join: joins.has('OR') ? 'OR' : 'AND' };
}

/** What search looks at: an object's fields, metadata among them. */
type Searchable = { id: string; metadata?: Record<string, string> | null };

function matches(object: Searchable, c: Clause): boolean {
	const actual = c.field === 'metadata' ? object.metadata?.[c.key!] : (object as unknown as Record<string, unknown>)[c.field];
	let hit: boolean;
	if (c.op === ':') hit = actual !== undefined && actual !== null && String(actual) === String(c.value);
	else {
		const a = Number(actual);
		const b = Number(c.value);
		hit = c.op === '>' ? a > b : c.op === '<' ? a < b : c.op === '>=' ? a >= b : a <= b;
	}
	return c.negated ? !hit : hit;
}

export interface SearchOptions {
	fields: readonly string[];
	url: string;
	/** objects created at or after this time (ms) are not indexed yet */
	visibleBefore: number;
	createdAt: (id: string) => number;
}

/** A `search_result` page over `items` (creation order), newest first. */
export function search<T extends Searchable>(items: T[], params: Params, opts: SearchOptions): Stripe.ApiSearchResult<T> {
	const query = optString(params, 'query');
	if (!query) throw invalidRequest('Missing required param: query.', { code: 'parameter_missing', param: 'query' });
	const { clauses, join } = parseQuery(query, opts.fields);
	const limit = optInt(params, ['limit'], { min: 1, max: 100 }) ?? 10;
	const page = optString(params, 'page');
	const offset = page
		? Number(
				Buffer.from(page, 'base64url')
					.toString('utf8')
					.replace(/^offset:/, '')
			)
		: 0;
	if (!Number.isInteger(offset) || offset < 0) throw invalidRequest(`Invalid page: ${page}`, { param: 'page' });
	const hits = [...items]
		.reverse()
		.filter((o) => opts.createdAt(o.id) < opts.visibleBefore)
		.filter((o) => (join === 'AND' ? clauses.every((c) => matches(o, c)) : clauses.some((c) => matches(o, c))));
	const data = hits.slice(offset, offset + limit);
	const hasMore = hits.length > offset + limit;
	return {
		object: 'search_result',
		data: deepClone(data),
		has_more: hasMore,
		next_page: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64url') : null,
		url: opts.url
	};
}
