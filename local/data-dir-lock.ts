import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SwitchyardError } from "#core";

/** Another live process has the data directory: its emulators' files are not for two. */
export class DataDirBusyError extends SwitchyardError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      "Switchyard.DataDirBusy",
      `${dataDir} is in use by process ${pid} (another switchyard command); wait for it to end, or give this one --data-dir <another folder> or --memory.`,
    );
  }
}

/** The lock a process holds on a data directory; `takenFrom` names a dead holder it replaced. */
export interface DataDirLock {
  readonly takenFrom?: number;
  release(): Promise<void>;
}

/**
 * Locks `dataDir` for this process (`<dataDir>/switchyard.lock` holds the pid). A lock whose
 * process is gone (killed, crashed) is taken over, and the dead pid reported, so whatever that
 * process left half done can be recognised as abandoned.
 *
 * @example
 * const lock = await lockDataDir(".switchyard/aws"); // or DataDirBusyError
 * try { ... } finally { await lock.release(); }
 */
export async function lockDataDir(dataDir: string, pid = process.pid): Promise<DataDirLock> {
  const path = join(dataDir, "switchyard.lock");
  let takenFrom: number | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, String(pid), { flag: "wx" });
      return {
        ...(takenFrom === undefined ? {} : { takenFrom }),
        release: async () => {
          // Only our own: a process that took it over from us (we looked dead) keeps its lock.
          if ((await readPid(path)) === pid) await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = await readPid(path);
    if (holder !== undefined && holder !== pid && isAlive(holder))
      throw new DataDirBusyError(dataDir, holder);
    if (holder !== undefined && holder !== pid) takenFrom = holder;
    await unlink(path).catch(() => undefined);
  }
  throw new DataDirBusyError(dataDir, (await readPid(path)) ?? -1);
}

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  const pid = Number(text?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid runs on this machine (EPERM: it does, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
