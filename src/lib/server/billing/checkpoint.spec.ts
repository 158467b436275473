import { describe, it } from 'vitest';
import { checkpointedEqualsFull } from '../../../../tests/support/statement-property';
import { openStore } from '../db';

describe('the chain checkpoint (settled runs chained once, kept with the store)', () => {
	it('gives the statement computed from every run, byte for byte, whatever arrives in between (SQLite)', async () => {
		await checkpointedEqualsFull(() => openStore({ kind: 'sqlite', path: ':memory:' }), 150);
	}, 60_000);
});
