// adapter-node's build/index.js would listen on 0.0.0.0 with none of this app's start-up
// checks (secure bind, .env, graceful shutdown). Make `node build` mean `npm start`.
import { writeFileSync } from 'node:fs';

writeFileSync(
	new URL('../build/index.js', import.meta.url),
	"// Server Billing: `node build` runs the same server as `npm start`.\nimport '../scripts/start.mjs';\n"
);
