/**
 * What machine a bench ran on, printed beside its ratios: a ratio against PyTorch or ONNX Runtime
 * depends on the CPU, on the threads each side used and on the load, so a figure without them cannot
 * be compared with another. The CPU model comes from /proc/cpuinfo (os.cpus() reports a speed of 0
 * and no family in some VMs), the rest from `node:os`. Also measures how many cores a piece of work
 * kept busy (CPU time over wall time), which is what "threads actually used" can be checked by.
 */
import { machineInfo, parseCpuInfo, type CpuInfo, type MachineInfo } from '../src/util/machine.js';

export { machineInfo, parseCpuInfo, type CpuInfo, type MachineInfo };

/** One header line: CPU, cores, clock, Node, date and load. */
export function formatMachine(m: MachineInfo): string {
  const mhz = m.mhz ? `, ${m.mhz.toFixed(0)} MHz` : '';
  return `machine: ${m.cpu}, ${m.cores} logical CPUs${mhz}; Node ${m.node}; ${m.date}; load average ${m.loadAvg.join(' ')}`;
}

/**
 * Start measuring the cores this process keeps busy; the returned function gives its CPU time (all
 * threads, V8's GC helpers included) over the wall time since the start. 1.0 is one thread fully busy.
 */
export function coresBusyMeter(): () => number {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const wallUs = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    return wallUs > 0 ? (cpu.user + cpu.system) / wallUs : NaN;
  };
}
