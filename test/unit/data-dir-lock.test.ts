import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataDirBusyError, lockDataDir } from "../../local/data-dir-lock.ts";

/**
 * One process per data directory: a second is refused while the first lives, and the lock of a
 * process that died (killed, crashed) is taken over, naming the dead pid.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-lock-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A process that lives until killed: a live holder of a lock. */
async function otherProcess() {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await new Promise((resolve) => child.once("spawn", resolve));
  return child;
}

describe("data directory lock", () => {
  it("refuses a second process while the first lives, and takes over once it is dead", async () => {
    const other = await otherProcess();
    const held = await lockDataDir(dir, other.pid);

    const refused = await lockDataDir(dir).catch((err: unknown) => err);
    other.kill("SIGKILL");
    await new Promise((resolve) => other.once("exit", resolve));
    const taken = await lockDataDir(dir);
    const holder = await readFile(join(dir, "switchyard.lock"), "utf8");
    await held.release(); // the dead process's release leaves the new holder's lock in place
    const still = await readFile(join(dir, "switchyard.lock"), "utf8");
    await taken.release();

    expect(refused).toBeInstanceOf(DataDirBusyError);
    expect((refused as DataDirBusyError).code).toBe("Switchyard.DataDirBusy");
    expect((refused as Error).message).toContain(`${dir} is in use by process ${other.pid}`);
    expect(taken.takenFrom).toBe(other.pid);
    expect(holder).toBe(String(process.pid));
    expect(still).toBe(String(process.pid));
  });

  it("gives the directory back on release", async () => {
    const first = await lockDataDir(dir);
    await first.release();

    const again = await lockDataDir(dir);
    await again.release();

    expect(first.takenFrom).toBeUndefined();
    expect(again.takenFrom).toBeUndefined();
  });
});
