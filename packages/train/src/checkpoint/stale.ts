// What an interrupted save leaves in a checkpoints directory, cleaned up on the next start: the
// temporary directory of a save killed before its rename (step-N.tmp-PID-TIME), latest.json's
// temporary file (latest.json.PID.TIME.tmp), and a checkpoint moved aside (step-N.old-PID-TIME)
// for a replacement that never arrived, which is moved back. Files of a process still running
// (another save in progress) are left alone.
import { nodeFs } from '../fs.js';

const STALE = [/^(.+)\.tmp-(\d+)-[0-9a-z]+$/, /^(.+)\.(\d+)\.[0-9a-z]+\.tmp$/, /^(.+)\.old-(\d+)-[0-9a-z]+$/];

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours
  }
}

/** Removes (or restores) what interrupted saves left in `root`; returns what it did, one line per entry. */
export async function removeStaleCheckpointFiles(root: string): Promise<string[]> {
  const fs = await nodeFs();
  const { join } = await import('node:path');
  const done: string[] = [];
  for (const name of await fs.readdir(root).catch(() => [] as string[])) {
    const match = STALE.map((re) => re.exec(name)).find(Boolean);
    if (!match || alive(Number(match[2]))) continue;
    const path = join(root, name);
    if (name.includes('.old-')) {
      const target = join(root, match[1]);
      const complete = await fs.stat(join(target, 'checkpoint.json')).then(() => true, () => false);
      if (!complete) {
        await fs.rm(target, { recursive: true, force: true });
        await fs.rename(path, target);
        done.push(`restored ${target} from ${path}, left by an interrupted save`);
        continue;
      }
    }
    await fs.rm(path, { recursive: true, force: true });
    done.push(`removed ${path}, left by an interrupted save`);
  }
  return done;
}
