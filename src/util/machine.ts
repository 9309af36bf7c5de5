/**
 * The machine a piece of work runs on: CPU model (from /proc/cpuinfo, since os.cpus() reports a
 * speed of 0 and no family in some VMs), logical CPUs, clock, Node version and load. Benchmarks
 * print it beside their ratios and training runs record it in their summary, since a time or a
 * ratio means little without the CPU, the threads and the load it was measured on.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';

/** The fields of /proc/cpuinfo the toolkit reports; null where the text does not have them. */
export interface CpuInfo {
  /** `model name` of the first processor (x86), or `Model`/`Hardware` (ARM boards), or null. */
  model: string | null;
  /** `cpu family` and `model` numbers (x86), which identify the generation when the name is generic. */
  family: number | null;
  modelNumber: number | null;
  /** `cpu MHz` of the first processor, or null. */
  mhz: number | null;
  /** Logical processors listed (`processor` lines). */
  processors: number;
  /** Whether the flags include AVX-512F (two 16-wide FMA pipes: 64 FP32 FLOP/cycle) or AVX2/FMA. */
  avx512: boolean;
  avx2: boolean;
}

/** The first value of `key` in cpuinfo text (keys are padded with tabs before the colon). */
function field(text: string, key: string): string | null {
  const m = new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm').exec(text);
  const v = m?.[1]?.trim();
  return v ? v : null;
}

/** Parse Linux /proc/cpuinfo text. */
export function parseCpuInfo(text: string): CpuInfo {
  const num = (v: string | null): number | null => (v !== null && Number.isFinite(Number(v)) ? Number(v) : null);
  const flags = field(text, 'flags') ?? field(text, 'Features') ?? '';
  return {
    model: field(text, 'model name') ?? field(text, 'Model') ?? field(text, 'Hardware'),
    family: num(field(text, 'cpu family')),
    modelNumber: num(field(text, 'model')),
    mhz: num(field(text, 'cpu MHz')),
    processors: (text.match(/^processor\s*:/gm) ?? []).length,
    avx512: /(^|\s)avx512f(\s|$)/.test(flags),
    avx2: /(^|\s)avx2(\s|$)/.test(flags),
  };
}

/** The machine as the toolkit reports it. */
export interface MachineInfo {
  /** e.g. "AMD EPYC (family 25, model 17), AVX-512". */
  cpu: string;
  /** Logical CPUs this process may use (os.availableParallelism()). */
  cores: number;
  /** Clock of the first core in MHz, or null when unknown. */
  mhz: number | null;
  avx512: boolean;
  node: string;
  /** 1-, 5- and 15-minute load averages when asked. */
  loadAvg: number[];
  /** ISO time when asked. */
  date: string;
}

/** Read the machine now (Linux /proc/cpuinfo when present, else os.cpus()). */
export function machineInfo(): MachineInfo {
  let info: CpuInfo | null = null;
  try {
    info = parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    // not Linux: os.cpus() below
  }
  const model = info?.model ?? cpus()[0]?.model ?? 'unknown CPU';
  const ids = info?.family != null ? ` (family ${info.family}, model ${info.modelNumber ?? '?'})` : '';
  const simd = info?.avx512 ? ', AVX-512' : info?.avx2 ? ', AVX2' : '';
  return {
    cpu: `${model}${ids}${simd}`,
    cores: availableParallelism(),
    mhz: info?.mhz ?? (cpus()[0]?.speed || null),
    avx512: info?.avx512 ?? false,
    node: process.version,
    loadAvg: loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}
