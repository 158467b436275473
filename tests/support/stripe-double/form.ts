/**
 * Stripe's form encoding: `metadata[server_id]=x`, `payment_method_types[0]=card`,
 * `expand[]=lines`. Values stay strings; handlers convert where Stripe would.
 */
import type { Params } from './types';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function splitKey(key: string): string[] {
	const first = key.indexOf('[');
	if (first <= 0) return [key];
	const parts = [key.slice(0, first)];
	const re = /\[([^\]]*)\]/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(key.slice(first))) !== null) parts.push(m[1]);
	return parts;
}

function assign(target: Params, parts: string[], value: string): void {
	let node: Params = target;
	for (let i = 0; i < parts.length; i++) {
		let part = parts[i];
		if (FORBIDDEN_KEYS.has(part)) return;
		const last = i === parts.length - 1;
		if (part === '') part = String(Object.keys(node).length); // `a[]=x` appends
		if (last) {
			node[part] = value;
			return;
		}
		const existing = node[part];
		if (existing === undefined || typeof existing !== 'object') node[part] = {};
		node = node[part];
	}
}

/** Objects whose keys are exactly 0..n-1 become arrays (Stripe's indexed arrays). */
function arrayify(value: unknown): unknown {
	if (value === null || typeof value !== 'object') return value;
	const record = value as Record<string, unknown>;
	for (const k of Object.keys(record)) record[k] = arrayify(record[k]);
	const keys = Object.keys(record);
	const isIndexed = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
	if (!isIndexed) return value;
	const sorted = keys.map(Number).sort((a, b) => a - b);
	return sorted.map((k) => record[String(k)]);
}

function decodeComponent(s: string): string {
	try {
		return decodeURIComponent(s.replace(/\+/g, ' '));
	} catch {
		return s;
	}
}

export function decodeForm(input: string): Params {
	const out: Params = {};
	if (!input) return out;
	for (const pair of input.split('&')) {
		if (!pair) continue;
		const eq = pair.indexOf('=');
		const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
		const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
		assign(out, splitKey(key), value);
	}
	return arrayify(out) as Params;
}

/** Order-independent serialisation, used to compare idempotent requests. */
export function stableStringify(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
	const keys = Object.keys(value).sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function deepClone<T>(value: T): T {
	return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
