import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTensorFile, readTensorFileMeta, writeTensorFile } from '../../src/util/tensor-file.js';
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { crc32 } from '../../src/util/crc32.js';

function sample(dir: string): string {
  const path = join(dir, 'x.bin');
  writeTensorFile(
    path,
    { hello: 'world' },
    {
      a: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      m: { shape: [3], data: new Uint8Array([1, 0, 1]) },
      i: { shape: [1], data: new Int32Array([-7]) },
    },
  );
  return path;
}

test('round-trips metadata and arrays of every dtype, leaving no temp files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-tf-'));
  const path = sample(dir);
  const { meta, arrays } = readTensorFile(path);
  assert.deepEqual(meta, { hello: 'world' });
  assert.deepEqual(Array.from(arrays.a!.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(arrays.a!.shape, [2, 3]);
  assert.ok(arrays.m!.data instanceof Uint8Array);
  assert.equal(arrays.i!.data[0], -7);
  assert.deepEqual(readdirSync(dir), ['x.bin']);
});

test('a truncated file is rejected with CheckpointError naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-tf-'));
  const path = sample(dir);
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 5));
  assert.throws(
    () => readTensorFile(path),
    (e: unknown) => e instanceof CheckpointError && /truncated/.test(e.message) && e.message.includes(path),
  );
});

test('a flipped payload byte is caught by the CRC', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-tf-'));
  const path = sample(dir);
  const bytes = readFileSync(path);
  bytes[bytes.length - 9] ^= 0xff;
  writeFileSync(path, bytes);
  assert.throws(() => readTensorFile(path), /CRC-32 mismatch/);
});

test('a file that is not a tensor file is rejected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-tf-'));
  const path = join(dir, 'junk');
  writeFileSync(path, 'not a tensor file at all');
  assert.throws(() => readTensorFile(path), /bad magic/);
  assert.throws(() => readTensorFile(join(dir, 'missing')), /does not exist/);
});

test('readTensorFileMeta returns the metadata alone; a foreign or cut header is rejected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-tf-meta-'));
  const path = join(dir, 'a.mast');
  const meta = { counters: { tEnv: 1234 }, note: 'ü' };
  writeTensorFile(path, meta, { big: { shape: [1000], data: new Float32Array(1000).fill(2) } });
  assert.deepEqual(readTensorFileMeta(path), meta);
  const bytes = readFileSync(path);
  const cut = join(dir, 'cut.mast');
  writeFileSync(cut, bytes.subarray(0, 20));
  assert.throws(
    () => readTensorFileMeta(cut),
    (e: unknown) => e instanceof CheckpointError && /header cut short/.test(e.message),
  );
  const foreign = join(dir, 'foreign.mast');
  writeFileSync(foreign, 'not a tensor file at all');
  assert.throws(
    () => readTensorFileMeta(foreign),
    (e: unknown) => e instanceof CheckpointError && /bad magic/.test(e.message),
  );
  assert.throws(() => readTensorFileMeta(join(dir, 'missing.mast')), CheckpointError);
});

/** A tensor file of `version` (1: no header CRC) from a header object, with `payload` after it. */
function craft(version: 1 | 2, header: unknown, payload: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = version === 2 ? 16 : 12;
  const out = Buffer.alloc(prefix + json.length + payload.length);
  out.write(`MASTTF0${version}`, 0, 'latin1');
  out.writeUInt32LE(json.length, 8);
  if (version === 2) out.writeUInt32LE(crc32(json), 12);
  json.copy(out, prefix);
  Buffer.from(payload).copy(out, prefix + json.length);
  return out;
}

test('an edited header (metadata or array map) is caught by the header CRC, by both readers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-tf-header-'));
  const path = join(dir, 'x.bin');
  writeTensorFile(path, { counters: { tEnv: 1000 } }, { m: { shape: [4], data: new Uint8Array([1, 0, 1, 1]) } });
  const bytes = readFileSync(path);
  for (const [from, to] of [
    ['"tEnv":1000', '"tEnv":9000'],
    ['"shape":[4]', '"shape":[2]'],
  ] as const) {
    const text = bytes.toString('latin1');
    assert.ok(text.includes(from));
    writeFileSync(path, Buffer.from(text.replace(from, to), 'latin1'));
    assert.throws(
      () => readTensorFile(path),
      (e: unknown) => e instanceof CheckpointError && /header CRC-32 mismatch/.test(e.message),
      from,
    );
    assert.throws(() => readTensorFileMeta(path), /header CRC-32 mismatch/, from);
  }
});

test('version 1 files (no header CRC) are still read; array entries outside the payload are refused, not mis-read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-tf-v1-'));
  const path = join(dir, 'v1.bin');
  const payload = new Uint8Array(new Float32Array([1.5, -2]).buffer);
  const header = (entry: object) => ({
    meta: { v: 1 },
    arrays: { a: { dtype: 'float32', shape: [2], offset: 0, length: 2, ...entry } },
    payloadBytes: 8,
    payloadCrc32: crc32(payload),
  });
  writeFileSync(path, craft(1, header({}), payload));
  assert.deepEqual(Array.from(readTensorFile(path).arrays.a!.data), [1.5, -2]);
  assert.deepEqual(readTensorFileMeta(path), { v: 1 });
  const bad: [object, RegExp][] = [
    [{ offset: 4, length: 2, shape: [2] }, /array 'a' ends at byte 12, past the payload's 8/],
    [{ offset: 2, length: 1, shape: [1] }, /array 'a' has offset 2; expected a multiple of 4/],
    [{ length: 2, shape: [3] }, /array 'a' has length 2 for shape \[3\]/],
    [{ dtype: 'float64' }, /array 'a' has unknown dtype 'float64'/],
    [{ shape: 'x' }, /array 'a' has shape "x"; expected non-negative integers/],
  ];
  for (const version of [1, 2] as const) {
    for (const [entry, pattern] of bad) {
      writeFileSync(path, craft(version, header(entry), payload));
      assert.throws(
        () => readTensorFile(path),
        (e: unknown) => e instanceof CheckpointError && pattern.test(e.message),
        `v${version} ${JSON.stringify(entry)}`,
      );
    }
  }
});

test('a header length beyond the file, and a path that is not a regular file, are refused at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-tf-len-'));
  const path = join(dir, 'x.bin');
  const bytes = craft(2, { meta: null, arrays: {}, payloadBytes: 0, payloadCrc32: 0 }, new Uint8Array(0));
  bytes.writeUInt32LE(0xfffffff0, 8);
  writeFileSync(path, bytes);
  assert.throws(() => readTensorFileMeta(path), /truncated \(header cut short/);
  assert.throws(() => readTensorFile(path), /truncated/);
  assert.throws(
    () => readTensorFile(dir),
    (e: unknown) => e instanceof CheckpointError && /not a regular file/.test(e.message),
  );
  assert.throws(() => readTensorFile('/dev/zero'), /not a regular file/);
});
