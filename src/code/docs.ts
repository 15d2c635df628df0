// `h(mod)` and `h(mod, fun)`, Erlang's h/1,2 for TypeScript: a module's exported functions
// with their signatures and TSDoc. The type checker thread reads them with TypeScript's
// compiler API from its warm program, so TypeScript is never loaded on the evaluator thread
// (loading it there would stall every running process for a quarter of a second).
import { codeServer } from './codeServer';
import { displayName } from './codePath';
import { checkerFailure, exportedFunctionDocs, type FunctionDoc, type SignatureDoc } from './typeCheck';

export async function moduleDocs(module: string, fn?: string): Promise<string> {
  // The loaded version's file when there is one: what `h` documents is what runs.
  const file = codeServer.sourceFile(module);
  if (!file) return `No module named ${module} on the code path.`;
  let docs: FunctionDoc[] | null;
  try {
    docs = await exportedFunctionDocs(file);
  } catch (e) {
    return `Cannot read the documentation of ${module}: ${checkerFailure(e)}`;
  }
  if (docs === null) return `Cannot read ${displayName(file)}.`;
  if (fn === undefined) return moduleSummary(module, file, docs);
  const doc = docs.find((d) => d.name === fn);
  if (!doc) return `${module} has no exported function ${fn}.`;
  return doc.signatures.map((s) => functionInFull(module, s)).join('\n\n');
}

/** Every exported function on one line, with the first line of its TSDoc beneath. */
function moduleSummary(module: string, file: string, docs: FunctionDoc[]): string {
  if (docs.length === 0) return `${module} (${displayName(file)}) exports no functions.`;
  const lines = [`${module} (${displayName(file)})`, ''];
  for (const doc of docs) {
    for (const signature of doc.signatures) {
      lines.push(`  ${signature.text}`);
      const summary = firstLine(signature.doc);
      if (summary) lines.push(`      ${summary}`);
    }
  }
  return lines.join('\n');
}

/** The signature, the whole TSDoc, then parameters, return value and other tags. */
function functionInFull(module: string, signature: SignatureDoc): string {
  const lines = [`  ${module}:${signature.text}`, ''];
  lines.push(indent(signature.doc || '(no documentation)'));
  const documented = signature.params.filter((p) => p.doc);
  if (documented.length > 0) {
    lines.push('', '  Parameters:');
    const width = Math.max(...documented.map((p) => p.name.length));
    for (const p of documented) lines.push(`    ${p.name.padEnd(width)}  ${p.doc}`);
  }
  if (signature.returns) lines.push('', `  Returns: ${signature.returns}`);
  for (const [tag, text] of signature.tags) {
    lines.push('', `  @${tag}`, ...(text ? [indent(text, '    ')] : []));
  }
  return lines.join('\n');
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

function indent(text: string, prefix = '  '): string {
  return text.split('\n').map((line) => (line ? prefix + line : line)).join('\n');
}
