// Entry of the type checker thread (dist/typecheck.js). Type checking is synchronous and takes
// from tens of milliseconds (a warm re-check) to a second (the first one, which parses the
// standard library and @types/node), so it never runs on the evaluator thread, where user
// processes would stall behind it.
//
// One TypeScript language service is kept for the whole session. It is incremental: a file is
// parsed again only when its version changes (mtime and size on disk, or a hash of the text
// the code server is about to load), and unchanged files keep their syntax trees. ts-node's
// type-checking mode is a wrapper around this same language service, so using the service
// directly is at least as fast and needs no extra package.
//
// The thread also answers documentation requests for `h(mod)`, reusing the warm program.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import ts from 'typescript';

/** A type error, in plain data: it crosses the thread boundary by structured clone. */
export interface TypeDiagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 0-based, in characters (UTF-16 code units, as JavaScript strings count them). */
  column: number;
  /** Characters underlined, at most to the end of the line. */
  length: number;
  lineText: string;
  /** TypeScript's error number: 2322 prints as TS2322. */
  code: number;
  /** The message, with any nested explanation on the following lines. */
  message: string;
}

export interface ParameterDoc {
  name: string;
  doc: string;
}

/** One call signature of an exported function, with its TSDoc. */
export interface SignatureDoc {
  /** `server_loop(count: number): Receive<unknown>` */
  text: string;
  doc: string;
  params: ParameterDoc[];
  returns: string;
  /** Other TSDoc tags (`@example`, `@deprecated` ...) as [name, text]. */
  tags: [string, string][];
}

export interface FunctionDoc {
  name: string;
  signatures: SignatureDoc[];
}

/** `text`, when given, stands in for the file's contents (the source about to be loaded). */
export interface CheckerRequest {
  id: number;
  kind: 'check' | 'docs';
  file: string;
  text?: string;
}

export type CheckerReply =
  | { id: number; diagnostics: TypeDiagnostic[] }
  | { id: number; docs: FunctionDoc[] | null }
  | { id: number; failure: string };

/** dist/ sits in the package root: `import ... from 'eshell-ts'` resolves to its sources. */
const PACKAGE_ROOT = path.resolve(__dirname, '..');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'], // no DOM: modules run in Node, and lib.dom alone doubles the first check
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force, // every module is its own scope, as when loaded
  allowImportingTsExtensions: true,
  allowJs: true,
  esModuleInterop: true,
  isolatedModules: true, // esbuild compiles one file at a time: what it cannot, we report
  resolveJsonModule: true,
  skipLibCheck: true,
  noUnusedLocals: false, // an unused import is not worth a warning on every reload
  noUnusedParameters: false,
  types: ['node'],
  paths: { 'eshell-ts': [path.join(PACKAGE_ROOT, 'src', 'index.ts')] },
};

const rootFiles = new Set<string>();
/** Text handed in by the code server: what is about to be loaded, not what is on disk now. */
const givenText = new Map<string, { version: string; text: string }>();
const snapshots = new Map<string, { version: string; snapshot: ts.IScriptSnapshot }>();

const host: ts.LanguageServiceHost = {
  getCompilationSettings: () => OPTIONS,
  getScriptFileNames: () => [...rootFiles],
  getScriptVersion: versionOf,
  getScriptSnapshot: snapshotOf,
  getCurrentDirectory: () => PACKAGE_ROOT,
  getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
  fileExists: (file) => givenText.has(file) || ts.sys.fileExists(file),
  readFile: (file) => givenText.get(file)?.text ?? ts.sys.readFile(file),
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
  realpath: ts.sys.realpath,
};

const service = ts.createLanguageService(host, ts.createDocumentRegistry());

/** Installed packages do not change during a session: their files are read once. */
function isInstalled(file: string): boolean {
  return file.includes(`${path.sep}node_modules${path.sep}`);
}

function versionOf(file: string): string {
  const given = givenText.get(file);
  if (given) return given.version;
  if (isInstalled(file) && snapshots.has(file)) return snapshots.get(file)!.version;
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
}

function snapshotOf(file: string): ts.IScriptSnapshot | undefined {
  const version = versionOf(file);
  const cached = snapshots.get(file);
  if (cached?.version === version) return cached.snapshot;
  const text = givenText.get(file)?.text ?? ts.sys.readFile(file);
  if (text === undefined) return undefined;
  const snapshot = ts.ScriptSnapshot.fromString(text);
  snapshots.set(file, { version, snapshot });
  return snapshot;
}

/** Makes `file` part of the program, with `text` standing in for its contents when given. */
function track(file: string, text: string | undefined): void {
  rootFiles.add(file);
  if (text === undefined) givenText.delete(file);
  else givenText.set(file, { version: `text:${createHash('sha1').update(text).digest('hex')}`, text });
}

function check(file: string, text: string | undefined): TypeDiagnostic[] {
  track(file, text);
  const found = [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)];
  const errors = found.filter((d) => d.category === ts.DiagnosticCategory.Error).map(plainDiagnostic);
  return [...errors, ...discardedReceives(file)];
}

/**
 * `receive(...)` (or a call returning a Receive) as a statement of its own: its result is
 * neither returned nor awaited, so the process never waits in it — a forgotten `return`.
 */
function discardedReceives(file: string): TypeDiagnostic[] {
  const program = service.getProgram();
  const source = program?.getSourceFile(file);
  if (!program || !source) return [];
  const checker = program.getTypeChecker();
  const found: TypeDiagnostic[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression)) {
      const type = checker.getTypeAtLocation(node.expression);
      if (type.getSymbol()?.getName() === 'Receive') {
        found.push(plainDiagnostic({
          file: source,
          start: node.expression.getStart(source),
          length: node.expression.getWidth(source),
          messageText: 'this receive is neither returned nor awaited: the process never waits in it (return it, or await it)',
          category: ts.DiagnosticCategory.Error,
          code: 0,
        }));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function plainDiagnostic(diagnostic: ts.Diagnostic): TypeDiagnostic {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const source = diagnostic.file;
  if (!source || diagnostic.start === undefined) {
    return { file: source?.fileName ?? '', line: 0, column: 0, length: 0, lineText: '', code: diagnostic.code, message };
  }
  const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start);
  const lineStarts = source.getLineStarts();
  const lineEnd = line + 1 < lineStarts.length ? lineStarts[line + 1] : source.text.length;
  const lineText = source.text.slice(lineStarts[line], lineEnd).replace(/\r?\n$/, '');
  const length = Math.max(0, Math.min(diagnostic.length ?? 0, lineText.length - character));
  return { file: source.fileName, line: line + 1, column: character, length, lineText, code: diagnostic.code, message };
}

/** The module's exported functions in declaration order, or null when it cannot be read. */
function docs(file: string, text: string | undefined): FunctionDoc[] | null {
  track(file, text);
  const program = service.getProgram();
  const source = program?.getSourceFile(file);
  if (!program || !source) return null;
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  const functions: FunctionDoc[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (!declaration) continue;
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    const signatures = type.getCallSignatures();
    if (signatures.length === 0) continue;
    const symbolDoc = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    functions.push({
      name: symbol.getName(),
      signatures: signatures.map((s) => signatureDoc(checker, symbol.getName(), s, symbolDoc)),
    });
  }
  return functions;
}

/** Types as the shell prints values: atoms (string literals) in single quotes. */
const TYPE_FORMAT =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

/**
 * `start(size: number = 1000, rounds: number = 100): Receive<unknown>`: TypeScript's own
 * rendering would say `size?: number`, hiding the default a reader of `h` wants to see.
 */
function signatureText(checker: ts.TypeChecker, name: string, signature: ts.Signature): string {
  const params = signature.getParameters().map((symbol) => {
    const declaration = symbol.valueDeclaration;
    const type = checker.typeToString(checker.getTypeOfSymbol(symbol), declaration, TYPE_FORMAT);
    if (!declaration || !ts.isParameter(declaration)) return `${symbol.getName()}: ${type}`;
    const rest = declaration.dotDotDotToken ? '...' : '';
    if (declaration.initializer) {
      const declared = checker.typeToString(checker.getTypeAtLocation(declaration), declaration, TYPE_FORMAT);
      return `${rest}${symbol.getName()}: ${declared} = ${declaration.initializer.getText()}`;
    }
    const optional = declaration.questionToken ? '?' : '';
    return `${rest}${symbol.getName()}${optional}: ${type}`;
  });
  const returns = checker.typeToString(signature.getReturnType(), signature.getDeclaration(), TYPE_FORMAT);
  return `${name}(${params.join(', ')}): ${returns}`;
}

function signatureDoc(checker: ts.TypeChecker, name: string, signature: ts.Signature, fallbackDoc: string): SignatureDoc {
  const own = ts.displayPartsToString(signature.getDocumentationComment(checker)).trim();
  const tags = signature.getJsDocTags().map((tag): [string, string] => [tag.name, ts.displayPartsToString(tag.text).trim()]);
  const params = signature.getParameters().map((p) => ({
    name: p.getName(),
    doc: ts.displayPartsToString(p.getDocumentationComment(checker)).trim(),
  }));
  return {
    text: signatureText(checker, name, signature),
    doc: own || fallbackDoc,
    params,
    returns: tags.filter(([tag]) => tag === 'returns' || tag === 'return').map(([, text]) => text).join(' '),
    tags: tags.filter(([tag]) => !['param', 'returns', 'return'].includes(tag)),
  };
}

function answer(request: CheckerRequest): CheckerReply {
  try {
    if (request.kind === 'check') return { id: request.id, diagnostics: check(request.file, request.text) };
    return { id: request.id, docs: docs(request.file, request.text) };
  } catch (e) {
    return { id: request.id, failure: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

parentPort?.on('message', (request: CheckerRequest) => {
  parentPort!.postMessage(answer(request));
});
