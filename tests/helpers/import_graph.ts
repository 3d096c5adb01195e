/**
 * The import graph of `src/` and the architecture rules checked over it (see README
 * "Architecture"). {@link readImportGraph} reads the sources; {@link checkArchitecture} is a pure
 * function over a graph, so tests can feed it fixture graphs.
 */

/** One source file: what it imports and whether it calls `Deno.` APIs. */
export interface SourceFile {
  /**
   * Import and re-export specifiers: osapi files as paths relative to `src/` (`core/job.ts`),
   * everything else as written (`zod`, `node:fs`, `npm:x`).
   */
  imports: string[];
  usesDeno: boolean;
}

/** Source files by path relative to `src/`. */
export type ImportGraph = Record<string, SourceFile>;

/** npm packages core may import. */
const CORE_PACKAGES = new Set(["zod"]);

/** Folders server may not import: everything of jobs. */
const JOB_FOLDERS = ["job/", "worker/", "api/", "runtime/", "core/operations/"];

const SPECIFIERS = [
  /\bimport\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\*\s*as\s+[\w$]+|\{[^}]*\})?\s*from\s*["']([^"']+)["']/g,
  /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /^\s*import\s*["']([^"']+)["']/gm,
];

/** Source text without comments (a `//` right after `:` or a quote is kept: URLs). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/** The specifiers and `Deno.` use of one file at `path` (relative to `src/`). */
export function parseSource(path: string, text: string): SourceFile {
  const code = stripComments(text);
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  const imports = new Set<string>();
  for (const re of SPECIFIERS) {
    for (const m of code.matchAll(re)) {
      const spec = m[1];
      imports.add(spec.startsWith(".") ? normalize(`${dir}/${spec}`) : spec);
    }
  }
  return { imports: [...imports].sort(), usesDeno: /\bDeno\s*\./.test(code) };
}

/** Reads every `.ts` file under `root` (default: this repository's `src/`). */
export async function readImportGraph(
  root = new URL("../../src/", import.meta.url).pathname,
): Promise<ImportGraph> {
  const graph: ImportGraph = {};
  const walk = async (dir: string): Promise<void> => {
    for await (const e of Deno.readDir(`${root}/${dir}`)) {
      const rel = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory) await walk(rel);
      else if (e.isFile && e.name.endsWith(".ts")) {
        graph[rel] = parseSource(rel, await Deno.readTextFile(`${root}/${rel}`));
      }
    }
  };
  await walk("");
  return graph;
}

/** The folder of a file: its first path segment, or `root` for files directly in `src/`. */
export function folderOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.indexOf("/")) : "root";
}

const isLocal = (spec: string, graph: ImportGraph) =>
  spec in graph || (!spec.includes(":") && spec.endsWith(".ts") && !spec.startsWith("@"));

/** The package name of a bare or `npm:` specifier (`@scope/name`, `name`). */
function packageOf(spec: string): string {
  const bare = spec.replace(/^npm:\/?/, "");
  const parts = bare.split("/");
  const name = bare.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  return name.replace(/(.)@[^/]*$/, "$1");
}

/** Folder -> folders it imports, with one example edge each. */
export function folderEdges(graph: ImportGraph): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const [file, src] of Object.entries(graph)) {
    const from = folderOf(file);
    if (!edges.has(from)) edges.set(from, new Map());
    for (const spec of src.imports) {
      if (!isLocal(spec, graph)) continue;
      const to = folderOf(spec);
      if (to !== from && !edges.get(from)!.has(to)) edges.get(from)!.set(to, `${file} -> ${spec}`);
    }
  }
  return edges;
}

/** Strongly connected folder groups of more than one folder (Tarjan). */
function folderCycles(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/**
 * Every broken rule of the graph, one message each (empty: the architecture holds):
 * - no cycle between folders (files directly in `src/` are the folder `root`);
 * - `core` imports only `core`, no npm package but zod, no `node:` module, and no `Deno.` API;
 * - `config` imports no osapi folder but `core`; `nats_conf` imports no osapi folder but `core`;
 * - `api` and `worker` never import each other; nothing imports `cli`;
 * - `server` imports nothing of jobs (`job/`, `worker/`, `api/`, `runtime/`, `core/operations/`);
 * - `api` depends on interfaces only: no NATS client package and none of the folders that
 *   implement its services (`nats`, `nats_auth`, `job`, `health`, `audit`, `files`, `server`,
 *   `runtime`).
 */
/** The folders behind the API's interfaces (the composition root wires them in). */
const API_IMPLEMENTATIONS = new Set([
  "nats",
  "nats_auth",
  "job",
  "health",
  "audit",
  "files",
  "server",
  "runtime",
]);

export function checkArchitecture(graph: ImportGraph): string[] {
  const problems: string[] = [];
  const edges = folderEdges(graph);
  for (const group of folderCycles(edges)) {
    const inGroup = new Set(group);
    const via = group.flatMap((f) =>
      [...edges.get(f)!].filter(([to]) => inGroup.has(to)).map(([, example]) => example)
    );
    problems.push(`folder cycle between ${group.join(", ")} (${via.join("; ")})`);
  }
  for (const [file, src] of Object.entries(graph)) {
    const folder = folderOf(file);
    for (const spec of src.imports) {
      const local = isLocal(spec, graph);
      const to = local ? folderOf(spec) : undefined;
      const edge = `${file} imports ${spec}`;
      if (folder === "core") {
        if (local && to !== "core") problems.push(`core imports outside core: ${edge}`);
        if (!local && spec.startsWith("node:")) {
          problems.push(`core imports a node module: ${edge}`);
        } else if (!local && !CORE_PACKAGES.has(packageOf(spec))) {
          problems.push(`core imports a package other than zod: ${edge}`);
        }
      }
      if (folder === "config" && local && to !== "config" && to !== "core") {
        problems.push(`config imports another folder than core: ${edge}`);
      }
      if (folder === "nats_conf" && local && to !== "nats_conf" && to !== "core") {
        problems.push(`nats_conf (a leaf) imports another folder than core: ${edge}`);
      }
      if ((folder === "api" && to === "worker") || (folder === "worker" && to === "api")) {
        problems.push(`api and worker import each other: ${edge}`);
      }
      if (to === "cli" && folder !== "cli") problems.push(`nothing may import cli: ${edge}`);
      if (
        folder === "api" &&
        (local ? API_IMPLEMENTATIONS.has(to!) : packageOf(spec).startsWith("@nats-io/"))
      ) {
        problems.push(`api imports an implementation, not an interface: ${edge}`);
      }
      if (folder === "server" && local && JOB_FOLDERS.some((p) => spec.startsWith(p))) {
        problems.push(`server imports job code: ${edge}`);
      }
    }
    if (folder === "core" && src.usesDeno) problems.push(`core uses Deno APIs: ${file}`);
  }
  return problems;
}
