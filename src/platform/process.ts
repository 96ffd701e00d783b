// Facts about other processes on this host, for work that a process leaves behind when it dies
// (job claims, saved upload files).

/** True when a process with this pid exists on this host (possibly under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
