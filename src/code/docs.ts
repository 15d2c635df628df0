// `h(mod)` and `h(mod, fun)`: a module's exported functions with their signatures and TSDoc,
// read with TypeScript's own compiler API. TypeScript is loaded on the first h() call only:
// it never sits on the path to the prompt.

import path from 'node:path';
import { codeServer } from './codeServer';
import { findModule } from './codePath';
import { isFailure } from './failure';

interface FunctionDoc {
  name: string;
  signature: string;
  summary: string;
  full: string;
}

const PACKAGE_ROOT = path.resolve(__dirname, '..');

export async function moduleDocs(module: string, fn?: string): Promise<string> {
  const file = sourceOf(module);
  if (!file) return `No module named ${module} on the code path.`;
  const docs = await exportedFunctions(file);
  if (fn !== undefined) {
    const doc = docs.find((d) => d.name === fn);
    if (!doc) return `${module} has no exported function ${fn}.`;
    return [`${module}:${doc.signature}`, '', doc.full || '(no documentation)'].join('\n');
  }
  if (docs.length === 0) return `${module} exports no functions.`;
  const lines = [`Module ${module} (${file})`, ''];
  for (const d of docs) {
    lines.push(`  ${d.signature}`);
    if (d.summary) lines.push(`      ${d.summary}`);
  }
  return lines.join('\n');
}

function sourceOf(module: string): string | undefined {
  const loaded = codeServer.current(module);
  if (loaded) return loaded.file;
  const found = findModule(module);
  return isFailure(found) ? undefined : found.file;
}

async function exportedFunctions(file: string): Promise<FunctionDoc[]> {
  const ts = (await import('typescript')).default;
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    allowJs: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    paths: { 'eshell-ts': [path.join(PACKAGE_ROOT, 'src/index.ts')] },
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  const docs: FunctionDoc[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (!declaration) continue;
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    const signatures = type.getCallSignatures();
    if (signatures.length === 0) continue;
    const full = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    for (const signature of signatures) {
      docs.push({
        name: symbol.getName(),
        signature: `${symbol.getName()}${checker.signatureToString(signature)}`,
        summary: full.split('\n')[0] ?? '',
        full,
      });
    }
  }
  return docs;
}
