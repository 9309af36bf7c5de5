import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTensorFile, readTensorFileMeta, writeTensorFile } from '../../src/util/tensor-file.js';
import { CheckpointError } from '../../src/util/errors.js';

function sample(dir: string): string {
  const path = join(dir, 'x.bin');
  writeTensorFile(path, { hello: 'world' }, {
    a: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
    m: { shape: [3], data: new Uint8Array([1, 0, 1]) },
    i: { shape: [1], data: new Int32Array([-7]) },
  });
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
  assert.throws(() => readTensorFile(path), (e: unknown) => e instanceof CheckpointError && /truncated/.test(e.message) && e.message.includes(path));
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
  assert.throws(() => readTensorFileMeta(cut), (e: unknown) => e instanceof CheckpointError && /header cut short/.test(e.message));
  const foreign = join(dir, 'foreign.mast');
  writeFileSync(foreign, 'not a tensor file at all');
  assert.throws(() => readTensorFileMeta(foreign), (e: unknown) => e instanceof CheckpointError && /bad magic/.test(e.message));
  assert.throws(() => readTensorFileMeta(join(dir, 'missing.mast')), CheckpointError);
});
