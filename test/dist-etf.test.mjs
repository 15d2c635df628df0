// The external term format (src/dist/etf.ts) and the value mapping: against a real BEAM (the
// round trip over thousands of random terms it generates), exact bytes where the encoding is
// canonical, what each Erlang term looks like in TypeScript and how it prints, and hostile
// input (truncated frames, lengths of 2 GB, nesting bombs, unknown tags, fuzzing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn as spawnProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { inspect } from 'node:util';
import { tempDir } from './helpers/tempDir.mjs';
import { inProcess } from './helpers/runtime.mjs';
import { random } from './helpers/random.mjs';
import {
  termToBinary, binaryToTerm, decodeTermAt, encodeTermInto, TermWriter, DecodeError, etfLimits,
  list, charlist, List, improperList, ImproperList, float, Float, bitstring, Bitstring, Port,
  exportFun, ExportFun, ErlangFun, Pid, Ref, RemotePid, RemoteRef, pid, self, erlang,
  ErlangException, setLocalNode, setNodeIndexer, localNodeName, formatValue, exactlyEqual, matches, _,
} from '../dist/internal.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const bytes = (...values) => Buffer.from(values.flat());

// ---------------------------------------------------------------------------------------------
// The round trip against BEAM

/** Runs test/fixtures/etf_roundtrip.erl; `echo` turns original.bin into echoed.bin in between. */
function roundTripWithBeam(dir, seed, count, echo) {
  const fixture = path.join(here, 'fixtures', 'etf_roundtrip.erl');
  const script =
    `{ok, M, Bin} = compile:file("${fixture}", [binary, report]),` +
    `{module, M} = code:load_binary(M, "${fixture}", Bin),` +
    `etf_roundtrip:main(${seed}, ${count}, "${dir}").`;
  return new Promise((resolve, reject) => {
    const erl = spawnProcess('erl', ['-noshell', '-eval', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let echoed = false;
    erl.stderr.on('data', (chunk) => (err += chunk));
    erl.stdout.on('data', (chunk) => {
      out += chunk;
      if (!echoed && out.includes('ready\n')) {
        echoed = true;
        try {
          echo();
        } catch (error) {
          erl.kill();
          reject(error);
          return;
        }
        erl.stdin.write('go\n');
      }
    });
    erl.on('error', reject);
    erl.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) reject(new Error(`erl exited ${code} without a result:\n${out}\n${err}`));
      else resolve(JSON.parse(line));
    });
  });
}

function readRecords(file) {
  const data = readFileSync(file);
  const records = [];
  for (let at = 0; at < data.length; ) {
    const canonical = data[at] === 1;
    const size = data.readUInt32BE(at + 1);
    records.push({ canonical, bytes: data.subarray(at + 5, at + 5 + size) });
    at += 5 + size;
  }
  return records;
}

test('every term BEAM generates (seeded, 3,000 of every type) decodes, and encodes back =:= to the original', { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-etf-');
  let canonical = 0;
  let exact = 0;
  const notExact = [];
  const result = await roundTripWithBeam(dir, 20261129, 3000, () => {
    const out = [];
    for (const record of readRecords(path.join(dir, 'original.bin'))) {
      const value = binaryToTerm(record.bytes);
      const back = termToBinary(value);
      if (record.canonical) {
        canonical++;
        if (back.equals(record.bytes)) exact++;
        else if (notExact.length < 3) notExact.push(`${hex(record.bytes)}\n  -> ${hex(back)}`);
      }
      const size = Buffer.alloc(4);
      size.writeUInt32BE(back.length);
      out.push(size, back);
    }
    writeFileSync(path.join(dir, 'echoed.bin'), Buffer.concat(out));
  });
  assert.equal(result.echoed, 3000);
  assert.equal(result.mismatches, 0, `first mismatch: ${result.first}`);
  assert.equal(result.checked, 3000);
  for (const type of ['atom', 'boolean', 'small_integer', 'integer', 'big', 'float', 'tuple', 'nil', 'list',
    'improper_list', 'map', 'binary', 'bitstring', 'pid', 'remote_pid', 'ref', 'remote_ref', 'port',
    'export_fun', 'local_fun']) {
    assert.ok(result.types.includes(type), `the generated terms cover ${type}`);
  }
  assert.ok(canonical > 2000, `most records are canonical (${canonical})`);
  assert.equal(exact, canonical, `canonical terms come back as the same bytes:\n${notExact.join('\n')}`);
});

test('a term nested 50,000 deep (tuples, lists, maps, improper lists) from BEAM comes back =:=', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-etf-');
  const erl = (script) => new Promise((resolve, reject) => {
    const child = spawnProcess('erl', ['-noshell', '-eval', `${script}, halt().`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`erl exited ${code}: ${out}`))));
    child.on('error', reject);
  });
  await erl(`Deep = lists:foldl(fun(I, Acc) -> case I rem 4 of 0 -> {Acc, I}; 1 -> [Acc]; 2 -> #{k => Acc, I => I}; 3 -> [I | Acc] end end, leaf, lists:seq(1, 50000)),` +
    `ok = file:write_file("${dir}/deep.bin", term_to_binary(Deep))`);
  const value = binaryToTerm(readFileSync(path.join(dir, 'deep.bin')));
  writeFileSync(path.join(dir, 'back.bin'), termToBinary(value));
  const out = await erl(`{ok, A} = file:read_file("${dir}/deep.bin"), {ok, B} = file:read_file("${dir}/back.bin"),` +
    `io:format("~p~n", [binary_to_term(A) =:= binary_to_term(B)])`);
  assert.equal(out.trim(), 'true');
});

test('compressed terms from BEAM decode (term_to_binary(T, [compressed]))', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-etf-');
  const script = `B = term_to_binary({lists:seq(1, 1000), lists:duplicate(100, <<"abc">>), 'ok', 1.0}, [compressed]),` +
    `ok = file:write_file("${dir}/c.bin", B), halt().`;
  await new Promise((resolve, reject) => {
    const erl = spawnProcess('erl', ['-noshell', '-eval', script], { stdio: 'ignore' });
    erl.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`erl exited ${code}`))));
    erl.on('error', reject);
  });
  const packed = readFileSync(path.join(dir, 'c.bin'));
  assert.equal(packed[1], 80, 'BEAM compressed it');
  const [numbers, binaries, ok, one] = binaryToTerm(packed);
  assert.deepEqual(numbers.items, Array.from({ length: 1000 }, (_, i) => i + 1));
  assert.equal(binaries.length, 100);
  assert.equal(binaries.at(99).toString(), 'abc');
  assert.equal(ok, 'ok');
  assert.ok(one instanceof Float && one.value === 1);
  // And ours decode, and are smaller.
  const value = [list(...Array.from({ length: 1000 }, () => 'again'))];
  const ours = termToBinary(value, { compressed: true });
  assert.equal(ours[1], 80);
  assert.ok(ours.length < termToBinary(value).length / 10);
  assert.deepEqual(binaryToTerm(ours)[0].items.length, 1000);
});

// ---------------------------------------------------------------------------------------------
// Exact bytes where the encoding is canonical (as BEAM writes them, with UTF-8 atoms)

test('exact bytes: integers, floats, atoms, tuples, lists, strings, binaries, maps, bitstrings, funs', () => {
  const cases = [
    [0, '836100'], [255, '8361ff'], [256, '836200000100'], [-1, '8362ffffffff'],
    [2 ** 31, '836e040000000080'], [-(2 ** 31) - 1, '836e040101000080'],
    [2n ** 64n, '836e0900' + '00'.repeat(8) + '01'], [2 ** 53, '836e0700000000000000' + '20'],
    [1.5, '83463ff8000000000000'], [float(1), '83463ff0000000000000'], [float(-0), '83468000000000000000'],
    ['ok', '8377026f6b'], [true, '83770474727565'], ['héllo', '83770668c3a96c6c6f'],
    [[], '836800'], [['a', 1], '8368027701616101'],
    [list(), '836a'], [list(1, 2, 3), '836b0003010203'], [list(1000), '836c00000001' + '62000003e8' + '6a'],
    [charlist('hi'), '836b00026869'], [improperList([1], 2), '836c0000000161016102'],
    [Buffer.from('ab'), '836d000000026162'], [new Uint8Array([1]), '836d0000000101'],
    [bitstring([0xff, 0x80], 9), '834d0000000201ff80'],
    [{}, '837400000000'], [{ a: 1 }, '8374000000017701616101'], [new Map([[1, 2]]), '83740000000161016102'],
    [exportFun('erlang', 'now', 0), '837177066572' + '6c616e6777036e6f776100'],
  ];
  for (const [value, expected] of cases) {
    assert.equal(hex(termToBinary(value)), expected, inspect(value));
    assert.equal(hex(termToBinary(binaryToTerm(Buffer.from(expected, 'hex')))), expected, `${expected} round trip`);
  }
});

test('old encodings decode: latin-1 ATOM_EXT and SMALL_ATOM_EXT, FLOAT_EXT, PID_EXT, NEW_REFERENCE_EXT, PORT_EXT', () => {
  assert.equal(binaryToTerm(bytes(131, 100, 0, 2, 0x6f, 0x6b)), 'ok');
  assert.equal(binaryToTerm(bytes(131, 115, 1, 0xff)), 'ÿ');
  assert.equal(binaryToTerm(bytes(131, 100, 0, 5, ...Buffer.from('false'))), false);
  const oldFloat = Buffer.alloc(33);
  oldFloat[0] = 131;
  oldFloat[1] = 99;
  oldFloat.write('1.50000000000000000000e+00', 2, 'latin1');
  assert.equal(binaryToTerm(oldFloat), 1.5);
  oldFloat.write('2.00000000000000000000e+00', 2, 'latin1');
  assert.deepEqual(binaryToTerm(oldFloat), float(2));
  const node = [100, 0, 3, ...Buffer.from('a@b')];
  const oldPid = binaryToTerm(bytes(131, 103, node, 0, 0, 0, 5, 0, 0, 0, 7, 2));
  assert.ok(oldPid instanceof RemotePid);
  assert.deepEqual([oldPid.node, oldPid.id, oldPid.serial, oldPid.creation], ['a@b', 5, 7, 2]);
  const oldRef = binaryToTerm(bytes(131, 114, 0, 2, node, 1, 0, 0, 0, 9, 0, 0, 0, 8));
  assert.deepEqual([oldRef.node, oldRef.creation, oldRef.words], ['a@b', 1, [9, 8]]);
  const oldPort = binaryToTerm(bytes(131, 102, node, 0, 0, 0, 4, 3));
  assert.ok(oldPort instanceof Port);
  assert.deepEqual([oldPort.node, oldPort.id, oldPort.creation], ['a@b', 4, 3]);
});

// ---------------------------------------------------------------------------------------------
// The value mapping

test('the mapping: what each Erlang term is in TypeScript', () => {
  const decode = (h) => binaryToTerm(Buffer.from(h, 'hex'));
  assert.equal(decode('836100'), 0);
  assert.equal(decode('836e0900000000000000000001'), 2n ** 64n, 'beyond 2^53: a bigint');
  assert.equal(decode('836e0700000000000000' + '20'), 2n ** 53n, '2^53 is beyond the safe integers: a bigint');
  assert.equal(decode('836e0701ffffffffffff' + '1f'), -(2 ** 53 - 1), 'up to 2^53 - 1: a number, even as a big');
  assert.equal(decode('836e0c0005' + '00'.repeat(11)), 5, 'leading zero digits: still a number');
  assert.equal(decode('836e0800' + 'ff'.repeat(8)), 2n ** 64n - 1n);
  assert.equal(decode('836e1001' + '01' + '00'.repeat(14) + '80'), -(2n ** 127n + 1n), '128 bits');
  assert.equal(decode('836e1100' + '00'.repeat(16) + '01'), 2n ** 128n);
  assert.equal(decode('83463ff8000000000000'), 1.5);
  assert.ok(decode('83463ff0000000000000') instanceof Float, '1.0 stays a float');
  assert.equal(decode('836a') instanceof List, true);
  assert.deepEqual(decode('836b0003010203').items, [1, 2, 3]);
  assert.ok(decode('836c0000000161016102') instanceof ImproperList);
  assert.ok(Buffer.isBuffer(decode('836d000000026162')));
  assert.ok(decode('834d0000000201ff80') instanceof Bitstring);
  assert.deepEqual(decode('8374000000017701616101'), { a: 1 });
  const mixed = decode('837400000002770161610161026103');
  assert.ok(mixed instanceof Map, 'a map with a key that is not an atom is a Map');
  assert.deepEqual([...mixed], [['a', 1], [2, 3]]);
  assert.deepEqual(decode('8374000000017704747275656101'), { true: 1 }, 'the atom true as a key');
  const proto = decode('83740000000177095f5f70726f746f5f5f6101');
  assert.equal(Object.getPrototypeOf(proto), Object.prototype, '__proto__ is just a key');
  assert.equal(Object.keys(proto)[0], '__proto__');
  assert.ok(decode('8371770665726c616e6777036e6f776100') instanceof ExportFun);
  assert.equal(termToBinary(undefined).toString('hex'), hex(termToBinary('undefined')));
  assert.equal(termToBinary(null).toString('hex'), hex(termToBinary('null')));
});

test('termToBinary results stay as they were: later terms, terms that outgrow the memory they start in, a getter that encodes', () => {
  // Written with a writer of its own, to compare with.
  const alone = (value) => {
    const writer = new TermWriter(16);
    encodeTermInto(writer, value);
    return hex(writer.toBuffer());
  };
  const next = random(5);
  const kept = [];
  for (let i = 0; i < 3000; i++) {
    const size = i % 500 === 7 ? 300_000 : i % 50 === 3 ? 20_000 : Math.floor(next() * 2000);
    const value = [i, Buffer.alloc(size, i & 0xff), `atom${i % 13}`, list(2n ** BigInt(64 + (i % 100)), 1.5)];
    kept.push([value, termToBinary(value)]);
  }
  for (const [value, encoded] of kept) assert.equal(hex(encoded), alone(value));
  // A getter that encodes while a term is being encoded: both come out whole.
  const inner = [];
  const record = {
    get a() {
      inner.push(termToBinary(['inner', Buffer.alloc(5000, 1)]));
      return 'got';
    },
    b: Buffer.alloc(70_000, 2),
  };
  const outer = termToBinary([record, 'after']);
  assert.deepEqual(binaryToTerm(outer), [{ a: 'got', b: Buffer.alloc(70_000, 2) }, 'after']);
  assert.equal(hex(inner[0]), alone(['inner', Buffer.alloc(5000, 1)]));
  assert.deepEqual(binaryToTerm(termToBinary(['ok', 1])), ['ok', 1]);
});

test('maps of the same keys, decoded again and again: each its own object with its own values; a key twice is still refused', () => {
  const keys = ['id', 'name', 'a"b', "it's", 'ünï', '1', 'constructor', 'true'];
  /** The map of these atom keys, the values 0, 1, ... */
  const mapOf = (names) => bytes(131, 116, 0, 0, 0, names.length, names.flatMap((key, j) => [119, Buffer.byteLength(key), ...Buffer.from(key), 97, j]));
  for (let n = 1; n <= keys.length; n++) {
    const shape = keys.slice(0, n);
    const decoded = [];
    for (let i = 0; i < 5; i++) {
      const value = Object.fromEntries(shape.map((key, j) => [key, list(i, j)]));
      const back = binaryToTerm(termToBinary(value));
      assert.deepEqual(back, value);
      assert.deepEqual(Object.keys(back), Object.keys(value));
      assert.equal(Object.getPrototypeOf(back), Object.prototype);
      decoded.push(back);
    }
    assert.deepEqual(decoded[0], Object.fromEntries(shape.map((key, j) => [key, list(0, j)])), 'unchanged by the later ones');
    // The same keys, the first of them again in the last place: refused.
    if (n > 1) assert.equal(decodeError(mapOf([...shape.slice(0, n - 1), shape[0]]))?.reason, 'duplicate_key');
  }
  const twiceKey = (key) => bytes(131, 116, 0, 0, 0, 2, 119, key.length, ...Buffer.from(key), 97, 1, 119, key.length, ...Buffer.from(key), 97, 2);
  const once = (key) => bytes(131, 116, 0, 0, 0, 2, 119, key.length, ...Buffer.from(key), 97, 1, 119, 1, 122, 97, 2);
  for (let i = 0; i < 3; i++) assert.deepEqual(binaryToTerm(once('ab')), { ab: 1, z: 2 });
  assert.equal(decodeError(twiceKey('ab'))?.reason, 'duplicate_key');
  // __proto__ is a key like any other, however often it comes.
  for (let i = 0; i < 3; i++) {
    const proto = binaryToTerm(once('__proto__'));
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.deepEqual(Object.keys(proto), ['__proto__', 'z']);
    assert.equal(Object.getOwnPropertyDescriptor(proto, '__proto__').value, 1);
  }
  // Keys that are not all atoms: a Map, every time.
  for (let i = 0; i < 3; i++) assert.deepEqual([...binaryToTerm(termToBinary(new Map([['a', i], [1, 2]])))], [['a', i], [1, 2]]);
});

test('local JS functions and other values with no Erlang term cannot be encoded: badarg saying why', () => {
  const refuse = (value, pattern) =>
    assert.throws(() => termToBinary(value), (e) => e instanceof ErlangException && e.reason === 'badarg' && pattern.test(e.message), inspect(value));
  refuse(function handler() {}, /local JavaScript function \(handler\) cannot be sent to another node/);
  refuse([1, () => 2], /local JavaScript function/);
  refuse(Symbol('s'), /symbol has no Erlang term/);
  refuse(NaN, /NaN has no Erlang term/);
  refuse(Infinity, /finite/);
  refuse(new Date(0), /a Date has no Erlang term/);
  refuse(new Set([1]), /a Set has no Erlang term/);
  refuse('x'.repeat(256), /atoms have at most 255 characters/);
  refuse('\ud800', /lone surrogate/);
  const cyclic = [1];
  cyclic.push(cyclic);
  refuse(cyclic, /nested more than|contains itself/);
  // The shared writer is not left half-written: the next call is clean.
  assert.equal(hex(termToBinary('ok')), '8377026f6b');
});

test('pids and refs: local ones come back as the same process; remote ones keep node, serial and creation', async () => {
  await inProcess(async () => {
    const me = self();
    const ref = erlang.make_ref();
    const [pid2, ref2] = binaryToTerm(termToBinary([me, ref]));
    assert.equal(pid2, me, 'the live process\'s own Pid object');
    assert.ok(ref2.equals(ref) && ref.equals(ref2));
    const remote = new RemotePid('pong@host', 92, 3, 7);
    const back = binaryToTerm(termToBinary(remote));
    assert.ok(back instanceof RemotePid && back.equals(remote) && !back.equals(me));
    assert.equal(back.node, 'pong@host');
    assert.equal(me.node, localNodeName());
    assert.ok(!new RemotePid('pong@host', me.id, 0, 0).equals(me), 'same number on another node: another process');
    const rref = new RemoteRef('pong@host', 7, [1, 2, 3, 4, 5]);
    const rback = binaryToTerm(termToBinary(rref));
    assert.ok(rback instanceof RemoteRef && rback.equals(rref) && !rback.equals(ref));
    assert.deepEqual(rback.words, [1, 2, 3, 4, 5]);
  });
});

test('setLocalNode: pids encode with the node name; remote pids print <N.id.serial> through the index hook', async () => {
  try {
    setLocalNode('ping@host', 1234);
    await inProcess(async () => {
      const me = self();
      const encoded = termToBinary(me);
      assert.ok(encoded.includes(Buffer.from('ping@host')));
      assert.equal(binaryToTerm(encoded), me);
      assert.equal(String(me), `<0.${me.id}.0>`, 'local pids still print <0.N.0>');
      // A pid of this node's previous life (other creation) is not this process.
      const old = binaryToTerm(termToBinary(new RemotePid('ping@host', me.id, 0, 1)));
      assert.ok(old instanceof RemotePid && !old.equals(me));
    });
    setNodeIndexer({ indexOf: (node) => (node === 'pong@host' ? 8012 : 1), nodeAt: (index) => (index === 8012 ? 'pong@host' : undefined) });
    const remote = new RemotePid('pong@host', 92, 0, 3);
    assert.equal(String(remote), '<8012.92.0>');
    assert.equal(inspect([remote]), '[ <8012.92.0> ]');
    assert.equal(String(new RemoteRef('pong@host', 3, [1, 2, 3])), '#Ref<8012.3.2.1>');
    assert.equal(String(new Port('pong@host', 5, 3)), '#Port<8012.5>');
    assert.equal(pid(8012, 92, 0).node, 'pong@host');
  } finally {
    setNodeIndexer(undefined);
    setLocalNode('nonode@nohost', 0);
  }
  const a = new RemotePid('a@h', 1, 0, 0);
  const b = new RemotePid('b@h', 1, 0, 0);
  assert.match(String(a), /^<\d+\.1\.0>$/);
  assert.notEqual(String(a), String(b), 'the default index tells nodes apart');
  assert.equal(String(a), String(new RemotePid('a@h', 1, 0, 0)), 'and is stable');
});

test('values print in TypeScript notation: list(...), charlist(...), float(1), improperList, bitstring, funs', () => {
  assert.equal(formatValue(list(1, 'a', [2])), "list(1, 'a', [2])");
  assert.equal(formatValue(list()), 'list()');
  assert.equal(formatValue(charlist('hello')), "charlist('hello')");
  assert.equal(formatValue(float(1)), 'float(1)');
  assert.equal(formatValue([float(-0), 2.5]), '[float(-0), 2.5]');
  assert.equal(formatValue(improperList([1, 2], 'x')), "improperList([1, 2], 'x')");
  assert.equal(formatValue(bitstring([0xff, 0x80], 9)), 'bitstring([255, 128], 9)');
  assert.equal(formatValue(exportFun('erlang', 'now', 0)), "exportFun('erlang', 'now', 0)");
  assert.equal(formatValue({ reply: list(1, 2) }), '{ reply: list(1, 2) }');
  const long = list(...Array.from({ length: 30 }, (_, i) => `item_${i}`));
  assert.match(formatValue(long, { width: 40 }), /^list\(\n  'item_0',\n/);
  assert.equal(inspect(list(1, list(2))), 'list(1, list(2))');
});

test('receive patterns and =:= know the term classes: a list is not a tuple, float(1) is not 1', () => {
  assert.ok(matches(list(1, _), list(1, 'x')));
  assert.ok(!matches(list(1, _), [1, 'x']), 'a list pattern does not match a tuple');
  assert.ok(!matches([1, _], list(1, 'x')), 'a tuple pattern does not match a list');
  assert.ok(matches(['reply', float(1)], ['reply', float(1)]));
  assert.ok(!matches(float(1), 1));
  assert.ok(matches(Buffer.from('ab'), Buffer.from('ab')));
  const beamTerm = binaryToTerm(Buffer.from('836C00000004680274000000016B000101463FF00000000000004D0000000103206C0000000161037701786B000261626E0B0000000000000000000000016A', 'hex'));
  assert.ok(exactlyEqual(beamTerm, binaryToTerm(termToBinary(beamTerm))), 'a decoded term =:= its round trip');
  assert.ok(exactlyEqual(new Map([[[1], 'a']]), new Map([[[1], 'a']])), 'tuple keys compare by value');
  assert.ok(!exactlyEqual(list(1), [1]));
  assert.ok(!exactlyEqual(float(1), 1));
  assert.ok(exactlyEqual(improperList([1], 2), improperList([1], 2)));
  assert.ok(exactlyEqual(new RemoteRef('n@h', 1, [1, 2]), new RemoteRef('n@h', 1, [1, 2])));
  assert.ok(!exactlyEqual(bitstring([0x80], 1), bitstring([0x80], 2)));
});

test('decodeTermAt reads a distribution message: 131 control 131 payload', () => {
  const writer = new TermWriter(4);
  writer.uint32(0); // a length prefix, patched below
  encodeTermInto(writer, [2, '', 'pong']);
  encodeTermInto(writer, list(charlist('hi'), { a: float(3) }));
  writer.patchUint32(0, writer.length - 4);
  const frame = writer.toBuffer();
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  const control = decodeTermAt(frame, 4);
  assert.deepEqual(control.value, [2, '', 'pong']);
  const payload = decodeTermAt(frame, control.next);
  assert.equal(payload.next, frame.length);
  assert.equal(formatValue(payload.value), "list(charlist('hi'), { a: float(3) })");
});

// ---------------------------------------------------------------------------------------------
// Hostile input

function decodeError(input) {
  try {
    binaryToTerm(input);
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  return undefined;
}

test('a truncated frame: every prefix of a valid term is a DecodeError, never another exception', () => {
  const full = termToBinary([list(1, 2 ** 40, 'atom', Buffer.from('bin'), { k: [1.5, float(2)] }), new RemotePid('n@h', 1, 2, 3),
    new RemoteRef('n@h', 1, [1, 2, 3]), bitstring([1], 3), 2n ** 100n, charlist('str'), improperList([1], 2)]);
  for (let end = 0; end < full.length; end++) {
    const error = decodeError(full.subarray(0, end));
    assert.ok(error, `prefix of ${end} bytes is refused`);
    assert.ok(['truncated', 'bad_version'].includes(error.reason), `${end}: ${error.reason}`);
  }
  assert.equal(decodeError(full), undefined);
});

test('claimed lengths of 2 GB (and 4 GB) are refused before anything is allocated', () => {
  const before = process.memoryUsage().arrayBuffers;
  const huge = [0x7f, 0xff, 0xff, 0xff];
  const frames = {
    binary: bytes(131, 109, huge, 1, 2, 3),
    list: bytes(131, 108, huge, 97, 1, 106),
    tuple: bytes(131, 105, huge, 97, 1),
    map: bytes(131, 116, 0xff, 0xff, 0xff, 0xff, 97, 1, 97, 2),
    bitstring: bytes(131, 77, huge, 3, 1),
    big: bytes(131, 111, huge, 0, 1),
    string: bytes(131, 107, 0xff, 0xff, 1),
    atom: bytes(131, 118, 0xff, 0xff, 97),
    fun: bytes(131, 112, huge, 0),
    compressed: bytes(131, 80, huge, 0x78, 0x9c, 3, 0),
  };
  for (const [kind, frame] of Object.entries(frames)) {
    const started = performance.now();
    const error = decodeError(frame);
    assert.ok(error, `${kind} is refused`);
    assert.ok(['truncated', 'bad_length'].includes(error.reason), `${kind}: ${error.reason} ${error.message}`);
    assert.ok(performance.now() - started < 1000, `${kind} is refused at once`);
  }
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'nothing in proportion to the claims');
});

test('a compressed bomb inflates no further than the size it claims', () => {
  const zeros = deflateSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MB of zeros in ~64 KB
  const frame = Buffer.concat([bytes(131, 80, 0, 0, 0, 10), zeros]);
  const error = decodeError(frame);
  assert.equal(error?.reason, 'bad_compressed');
  assert.equal(decodeError(bytes(131, 80, 0, 0, 0, 10, 1, 2, 3))?.reason, 'bad_compressed', 'garbage is not zlib');
});

test('a deep nesting bomb is refused without a stack overflow; deep legitimate terms within the limit work, even from a deep stack', () => {
  for (const open of [[104, 1], [108, 0, 0, 0, 1], [116, 0, 0, 0, 1, 97, 1]]) {
    const frame = Buffer.concat([bytes(131), Buffer.alloc(0), Buffer.from(Array(1_000_000).fill(open).flat()), bytes(106)]);
    const error = decodeError(frame);
    assert.equal(error?.reason, 'too_deep');
  }
  let deep = 'leaf';
  for (let i = 0; i < etfLimits.maxDepth - 1; i++) deep = [deep];
  const back = binaryToTerm(termToBinary(deep));
  let depth = 0;
  for (let v = back; Array.isArray(v); v = v[0]) depth++;
  assert.equal(depth, etfLimits.maxDepth - 1);
  // Called with most of the stack already used, the explicit stack still copes.
  const nearlyFull = (n) => (n === 0 ? binaryToTerm(termToBinary(deep)) : nearlyFull(n - 1));
  assert.ok(Array.isArray(nearlyFull(5000)));
});

test('unknown tags, the atom cache, bad UTF-8, NaN floats and duplicate map keys are DecodeErrors with a reason', () => {
  assert.equal(decodeError(bytes(131, 200))?.reason, 'unknown_tag');
  assert.equal(decodeError(bytes(131, 104, 1, 60))?.reason, 'unknown_tag');
  assert.equal(decodeError(bytes(130, 97, 1))?.reason, 'bad_version');
  assert.equal(decodeError(bytes())?.reason, 'truncated');
  assert.equal(decodeError(bytes(131, 82, 0))?.reason, 'atom_cache_ref');
  assert.equal(decodeError(bytes(131, 119, 2, 0xc3, 0x28))?.reason, 'bad_atom');
  assert.equal(decodeError(bytes(131, 70, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0))?.reason, 'bad_float');
  assert.equal(decodeError(bytes(131, 116, 0, 0, 0, 2, 119, 1, 97, 97, 1, 119, 1, 97, 97, 2))?.reason, 'duplicate_key');
  assert.equal(decodeError(bytes(131, 90, 0, 9, 119, 1, 97, 0, 0, 0, 0))?.reason, 'bad_length', 'a ref of 9 words');
  assert.equal(decodeError(bytes(131, 88, 97, 1))?.reason, 'bad_atom', 'a pid whose node is not an atom');
  const error = decodeError(bytes(131, 200));
  assert.match(error.message, /unknown tag 200 \(at byte 1\)/);
  assert.equal(error.offset, 1);
});


test('fuzz: 30,000 seeded mutations of valid terms give a value or a DecodeError, never anything else', () => {
  const seeds = [
    [list(1, 300, -5, 2 ** 40, 2n ** 90n, 1.5, float(3)), 'atom', 'ünïcode', true],
    { a: list(charlist('text'), Buffer.from('binary')), b: new Map([[[1, 2], improperList([1], 'x')]]) },
    [new RemotePid('n@h', 1, 2, 3), new RemoteRef('n@h', 4, [5, 6, 7]), new Port('n@h', 8, 9), exportFun('m', 'f', 2)],
    [bitstring([0xf0], 4), [], list(), {}, [[[[['deep']]]]]],
  ].map((value) => termToBinary(value));
  seeds.push(termToBinary(list(...Array.from({ length: 200 }, (_, i) => `atom${i % 7}`)), { compressed: true }));
  // Deeper than the recursion goes, so mutations reach the explicit-stack decoder too.
  let deep = 'leaf';
  for (let i = 0; i < 260; i++) deep = [[deep, i], list(deep), { k: deep }, improperList([i], [deep])][i % 4];
  seeds.push(termToBinary(deep));
  const next = random(11);
  const pick = (n) => Math.floor(next() * n);
  const started = performance.now();
  let values = 0;
  let errors = 0;
  for (let i = 0; i < 30_000; i++) {
    const input = Buffer.from(seeds[pick(seeds.length)]);
    let mutated = input;
    for (let m = 1 + pick(4); m > 0; m--) {
      switch (pick(5)) {
        case 0: mutated[pick(mutated.length)] = pick(256); break;
        case 1: mutated = mutated.subarray(0, pick(mutated.length + 1)); break;
        case 2: { const at = pick(mutated.length); mutated = Buffer.concat([mutated.subarray(0, at), Buffer.from([pick(256)]), mutated.subarray(at)]); break; }
        case 3: { const at = pick(Math.max(1, mutated.length - 4)); if (mutated.length >= at + 4) mutated.writeUInt32BE(pick(2) ? 0xffffffff : pick(1 << 20), at); break; }
        default: mutated[1 + pick(Math.max(1, mutated.length - 1))] = [70, 77, 80, 82, 88, 90, 97, 98, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 116, 118, 119, 120][pick(22)];
      }
      if (mutated.length === 0) break;
    }
    try {
      binaryToTerm(mutated);
      values++;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw new Error(`input ${hex(mutated)} threw ${error?.stack ?? error}`);
      errors++;
    }
  }
  assert.ok(values > 100 && errors > 100, `both outcomes happen (${values} values, ${errors} errors)`);
  assert.ok(performance.now() - started < 60_000);
});
