/** The bench's machine header: parsing /proc/cpuinfo text (x86 and ARM layouts) and measuring busy cores. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coresBusyMeter, parseCpuInfo } from '../../bench/machine.js';

// Two processors of a KVM guest on an AMD EPYC (Zen 4): the name is generic, family/model identify it.
const EPYC = [
  'processor\t: 0',
  'vendor_id\t: AuthenticAMD',
  'cpu family\t: 25',
  'model\t\t: 17',
  'model name\t: AMD EPYC',
  'cpu MHz\t\t: 2596.134',
  'flags\t\t: fpu sse avx2 fma avx512f avx512dq avx512_bf16',
  '',
  'processor\t: 1',
  'cpu family\t: 25',
  'model\t\t: 17',
  'model name\t: AMD EPYC',
  'cpu MHz\t\t: 2596.134',
  'flags\t\t: fpu avx2 avx512f',
  '',
].join('\n');

test('parseCpuInfo: x86 model name, family and model numbers, first clock, processor count, AVX-512', () => {
  assert.deepEqual(parseCpuInfo(EPYC), {
    model: 'AMD EPYC',
    family: 25,
    modelNumber: 17,
    mhz: 2596.134,
    processors: 2,
    avx512: true,
    avx2: true,
  });
});

test('parseCpuInfo: flags that only start with avx512 (avx512_bf16) or AVX2 machines are not AVX-512F', () => {
  const avx2 = EPYC.replace(/ avx512f/g, '').replace(/ avx512dq/g, '');
  const info = parseCpuInfo(avx2);
  assert.equal(info.avx512, false);
  assert.equal(info.avx2, true);
});

test('parseCpuInfo: ARM layout (no model name, no cpu MHz) gives the Model line and nulls', () => {
  const arm = [
    'processor\t: 0',
    'BogoMIPS\t: 108.00',
    'Features\t: fp asimd evtstrm crc32',
    'CPU implementer\t: 0x41',
    '',
    'processor\t: 1',
    'Features\t: fp asimd',
    '',
    'Model\t\t: Raspberry Pi 4 Model B Rev 1.4',
    '',
  ].join('\n');
  assert.deepEqual(parseCpuInfo(arm), {
    model: 'Raspberry Pi 4 Model B Rev 1.4',
    family: null,
    modelNumber: null,
    mhz: null,
    processors: 2,
    avx512: false,
    avx2: false,
  });
  assert.deepEqual(parseCpuInfo(''), {
    model: null,
    family: null,
    modelNumber: null,
    mhz: null,
    processors: 0,
    avx512: false,
    avx2: false,
  });
});

test('coresBusyMeter: a busy loop on this thread reads about one core, sleeping reads about none', async () => {
  // loose bounds: on a shared, loaded machine a spinning thread gets only a share of a core
  const busy = coresBusyMeter();
  const until = performance.now() + 200;
  while (performance.now() < until); // spin
  const spun = busy();
  const idle = coresBusyMeter();
  await new Promise((r) => setTimeout(r, 200));
  const slept = idle();
  assert.ok(spun > 0.05 && spun < 1.5, `spinning read ${spun} cores busy`);
  assert.ok(slept < spun / 3, `sleeping read ${slept} cores busy against ${spun} spinning`);
});
