// The entry of the single-file agent served at /agent.mjs (bundled by scripts/build-agent.mjs).
import { agentCommand } from './agent-command';
import { UsageError } from './errors';

agentCommand(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : String(error));
		process.exit(error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
	}
);
