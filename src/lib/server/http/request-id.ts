import { randomFillSync } from 'node:crypto';

/** Random bytes drawn in bulk: one call into the CSPRNG per 1,024 ids instead of one per request. */
const pool = Buffer.alloc(6 * 1024);
let offset = pool.length;

/** Short, unguessable, and safe to show in an error message. */
export function newRequestId(): string {
	if (offset === pool.length) {
		randomFillSync(pool);
		offset = 0;
	}
	offset += 6;
	return pool.toString('hex', offset - 6, offset);
}
