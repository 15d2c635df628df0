// The terminal thread's entry (what bin/eshell-ts loads): dist/main.js through V8's code cache
// (see ../codeCache.ts), so that the first prompt comes sooner.
import path from 'node:path';
import { runBundle } from '../codeCache';

runBundle(path.join(__dirname, 'main.js'));
