#!/usr/bin/env node
// `npx server-billing <command>`: runs the TypeScript CLI through tsx (Node 20 cannot run .ts itself).
import { tsImport } from 'tsx/esm/api';

await tsImport('../src/cli/main.ts', import.meta.url);
