// A CPU budget per server process (Linux cgroups, root): each process gets a
// cgroup of its own with a CFS quota of `cores` (0.4 = 40 ms of CPU per
// 100 ms). On a machine whose cores are shared with the load generator, this
// makes the server, not the machine, the bottleneck: n workers with the same
// budget each can then show whether they deliver n times what one does, as
// they would with a core each. cgroup v1 (`/sys/fs/cgroup/cpu`) or v2
// (`cpu.max`, with the cpu controller enabled at the root).
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';

const PERIOD_US = 100_000;

/** Where cpu cgroups are made, and how a quota is written there; throws when none is writable. */
function cpuHierarchy() {
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(`${v1}/cpu.cfs_quota_us`)) {
    return {
      root: v1,
      limit: (dir, quotaUs) => {
        writeFileSync(`${dir}/cpu.cfs_period_us`, String(PERIOD_US));
        writeFileSync(`${dir}/cpu.cfs_quota_us`, String(quotaUs));
      },
    };
  }
  const v2 = '/sys/fs/cgroup';
  const controllers = existsSync(`${v2}/cgroup.subtree_control`)
    ? readFileSync(`${v2}/cgroup.subtree_control`, 'utf8')
    : '';
  if (controllers.split(/\s+/).includes('cpu')) {
    return {
      root: v2,
      limit: (dir, quotaUs) =>
        writeFileSync(`${dir}/cpu.max`, `${quotaUs} ${PERIOD_US}`),
    };
  }
  throw new Error(
    'a CPU budget per worker needs a cpu cgroup this process may write: cgroup v1 at /sys/fs/cgroup/cpu, or v2 with "cpu" in /sys/fs/cgroup/cgroup.subtree_control (run as root)',
  );
}

/**
 * Puts each of `pids` in a cgroup of its own limited to `cores` CPUs;
 * resolves with `release()`, which moves them back and removes the cgroups.
 */
export function limitCpu(pids, cores) {
  if (!(cores > 0)) throw new Error(`cores must be > 0, got ${cores}`);
  const { root, limit } = cpuHierarchy();
  const made = [];
  const release = () => {
    for (const { dir, pid } of made.splice(0)) {
      try {
        writeFileSync(`${root}/cgroup.procs`, String(pid));
      } catch {
        // The process has ended: its cgroup is empty already.
      }
      rmdirSync(dir);
    }
  };
  try {
    for (const pid of pids) {
      const dir = `${root}/sse-bench-${process.pid}-${pid}`;
      mkdirSync(dir);
      made.push({ dir, pid });
      limit(dir, Math.round(cores * PERIOD_US));
      writeFileSync(`${dir}/cgroup.procs`, String(pid));
    }
  } catch (err) {
    release();
    throw new Error(
      `could not give pids ${pids.join(', ')} a CPU budget in ${root} (needs root): ${err.message}`,
      { cause: err },
    );
  }
  return release;
}
