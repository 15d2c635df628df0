// The evaluator thread's entry: loads dist/evaluator.js through V8's code cache (see
// ../codeCache.ts), so that the thread is ready sooner after it starts.
import path from 'node:path';
import { runBundle } from '../codeCache';

runBundle(path.join(__dirname, 'evaluator.js'));
