import type { Store } from '.';

/** This database's installation id (made by the migration that introduced it, or here for safety). */
export async function installationId(store: Store): Promise<string> {
	const row = await store.db.selectFrom('settings').select('value').where('key', '=', 'installation_id').executeTakeFirst();
	if (!row) throw new Error('The database has no installation id: its migrations did not run');
	return row.value;
}
