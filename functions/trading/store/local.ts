import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { storeError } from "./classify.ts";
import { BadUriError, DataNotFoundError } from "./errors.ts";
import { collectText, typedChunks } from "./stream.ts";
import type { DataStore } from "./types.ts";
import { joinUri, parseDataUri } from "./uri.ts";

/** Read-ahead of a local file stream: 1 MiB chunks keep a 1 GB file at a few MiB of memory. */
const CHUNK_BYTES = 1 << 20;
/** A write in progress (`.<name>.<uuid>.partial`): never listed. */
const PARTIAL = /^\..+\.[0-9a-f-]{36}\.partial$/;

/**
 * The local file system as a {@link DataStore}: absolute or relative paths (folders or files)
 * and `file://` URLs. Listed URIs keep the form they were asked in (a path lists paths, a
 * `file://` URL lists URLs). Writes go to a temporary file beside the target, then a rename,
 * so a reader sees the old file or the whole new one. The content type is S3's concern and
 * ignored here.
 *
 * @example
 * const store = localStore();
 * await store.write("out/day/summary.json", JSON.stringify(summary));
 * await store.list("out/day"); // ["out/day/summary.json"]
 */
export function localStore(): DataStore {
  return LOCAL;
}

const LOCAL: DataStore = {
  async list(uri) {
    const path = localPath(uri);
    const info = await stat(path).catch((err: unknown) => {
      throw storeError(uri, "list", err);
    });
    if (!info.isDirectory()) return [uri];
    const entries = await readdir(path, { recursive: true, withFileTypes: true }).catch((err: unknown) => {
      throw storeError(uri, "list", err);
    });
    const files: string[] = [];
    for (const entry of entries) {
      if (PARTIAL.test(entry.name)) continue;
      const full = join(entry.parentPath, entry.name);
      // A symbolic link counts when it leads to a file; folders are walked, not listed.
      const isFile = entry.isFile() || (entry.isSymbolicLink() && (await isFileAt(full)));
      if (isFile) files.push(joinUri(uri, ...relative(path, full).split(sep)));
    }
    return files.sort();
  },

  async open(uri) {
    const path = localPath(uri);
    // Opened here, not lazily by the stream, so a missing file fails this call, typed.
    const handle = await open(path, "r").catch((err: unknown) => {
      throw storeError(uri, "open", err);
    });
    try {
      if (!(await handle.stat()).isFile()) throw new DataNotFoundError(uri, "a folder, not a file");
    } catch (err) {
      await handle.close();
      throw storeError(uri, "open", err);
    }
    return typedChunks(uri, handle.createReadStream({ highWaterMark: CHUNK_BYTES, autoClose: true }));
  },

  async readText(uri) {
    return collectText(await LOCAL.open(uri));
  },

  async write(uri, body) {
    const path = localPath(uri);
    if (path.endsWith("/") || path.endsWith(sep)) throw new BadUriError(uri, "it names a folder, not a file");
    const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.partial`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temporary, body);
      await rename(temporary, path);
    } catch (err) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw storeError(uri, "write", err);
    }
  },

  async exists(uri) {
    const path = localPath(uri);
    try {
      return (await stat(path)).isFile();
    } catch (err) {
      const typed = storeError(uri, "exists", err);
      if (typed instanceof DataNotFoundError) return false;
      throw typed;
    }
  },
};

function localPath(uri: string): string {
  const location = parseDataUri(uri);
  if (location.scheme !== "file")
    throw new BadUriError(uri, "not a local path (storeFor picks the store by scheme)");
  return location.path;
}

async function isFileAt(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
