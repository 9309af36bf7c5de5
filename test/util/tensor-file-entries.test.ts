/**
 * A tensor file whose header describes an array outside what the payload holds (unknown dtype,
 * misaligned offset, a length past the end, a shape that does not match) is refused with a
 * CheckpointError naming the array, never "Ctor is not a constructor", "start offset of
 * Float32Array should be a multiple of 4" or "Invalid typed array length".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTensorFile, encodeTensorFile } from '../../src/util/tensor-file.js';
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { crc32 } from '../../src/util/crc32.js';

/**
 * A valid file with its header edited by `edit` and the header's CRC-32 recomputed (payload and its
 * CRC untouched): the header is consistent with its checksum, so only its contents are wrong.
 * Layout (version 2): magic (8) | header length (4) | header CRC-32 (4) | header | payload.
 */
function withHeader(edit: (entry: Record<string, unknown>) => void): Uint8Array {
  const bytes = encodeTensorFile({ k: 1 }, { w: { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) } });
  assert.equal(Buffer.from(bytes.subarray(0, 8)).toString('latin1'), 'MASTTF02');
  const len = new DataView(bytes.buffer).getUint32(8, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(16, 16 + len)).toString('utf8')) as {
    arrays: Record<string, Record<string, unknown>>;
  };
  edit(header.arrays['w']!);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const payload = bytes.subarray(16 + len);
  const out = new Uint8Array(16 + json.length + payload.length);
  out.set(bytes.subarray(0, 8), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  new DataView(out.buffer).setUint32(12, crc32(json), true);
  out.set(json, 16);
  out.set(payload, 16 + json.length);
  return out;
}

const cases: Array<[string, (e: Record<string, unknown>) => void, RegExp]> = [
  ['an unknown dtype', (e) => (e['dtype'] = 'float64'), /unknown dtype 'float64'/],
  ['a misaligned offset', (e) => (e['offset'] = 2), /offset 2; expected a multiple of 4/],
  ['a length past the payload', (e) => ((e['length'] = 2 ** 40), (e['shape'] = [2 ** 40])), /ends at byte/],
  ['a shape that does not match the length', (e) => (e['shape'] = [3, 3]), /length 6 for shape \[3,3\]/],
  [
    'a negative length',
    (e) => ((e['length'] = -1), (e['shape'] = [-1])),
    /shape \[-1\]; expected non-negative integers/,
  ],
];

for (const [name, edit, message] of cases) {
  test(`a tensor-file header with ${name} is a CheckpointError naming the array`, () => {
    assert.throws(
      () => decodeTensorFile(withHeader(edit), 'x.snapshot'),
      (e: unknown) =>
        e instanceof CheckpointError &&
        /x\.snapshot has a corrupt header: array 'w'/.test(e.message) &&
        message.test(e.message),
    );
  });
}

test('the unedited file still decodes', () => {
  assert.deepEqual(
    Array.from(
      decodeTensorFile(
        withHeader(() => {}),
        'x',
      ).arrays['w']!.data,
    ),
    [1, 2, 3, 4, 5, 6],
  );
});
