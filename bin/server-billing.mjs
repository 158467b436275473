#!/usr/bin/env node
// `npx server-billing <command>`: runs the TypeScript CLI through tsx (Node 20 cannot run .ts itself).
// It talks to a running server over HTTP, so it works from any folder.
import { tsImport } from 'tsx/esm/api';

await tsImport('../src/cli/main.ts', import.meta.url);
