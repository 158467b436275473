import { stringify } from 'csv-stringify/sync';

/**
 * An RFC 4180 CSV download (header row, CRLF, quotes where needed), written batch by batch
 * as the client reads: a long history is never held in memory at once.
 */
export function csvResponse(filename: string, columns: readonly string[], batches: AsyncIterable<Record<string, unknown>[]>): Response {
	const iterator = batches[Symbol.asyncIterator]();
	const encoder = new TextEncoder();
	let header = true;
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			const next = await iterator.next();
			if (next.done) {
				if (header) controller.enqueue(encoder.encode(stringify([], { header, columns: [...columns], record_delimiter: 'windows' })));
				controller.close();
				return;
			}
			controller.enqueue(encoder.encode(stringify(next.value, { header, columns: [...columns], record_delimiter: 'windows' })));
			header = false;
		},
		async cancel() {
			await iterator.return?.();
		}
	});
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'no-store'
		}
	});
}
