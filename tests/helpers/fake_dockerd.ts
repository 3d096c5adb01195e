/**
 * A stand-in for dockerd in tests: a real HTTP server (Deno.serve) on a real unix socket at
 * `<root>/var/run/docker.sock`, answering the Docker Engine API endpoints osapi's docker
 * providers use from a small in-memory state, and recording every request (method, path with
 * query, JSON body) so tests assert what the providers sent.
 */
import { DOCKER_SOCKET } from "../../src/worker/providers/docker_api.ts";

/** One request the stand-in received. */
export interface SeenRequest {
  method: string;
  /** Path and query, e.g. `/containers/json?all=1&limit=20`. */
  url: string;
  body?: unknown;
}

interface Container {
  Id: string;
  Name: string;
  Image: string;
  State: string;
  Created: number;
  Env: string[];
}

/** A running stand-in. */
export interface FakeDockerd {
  socket: string;
  requests: SeenRequest[];
  containers: Map<string, Container>;
  images: Map<string, { Id: string; Size: number }>;
  [Symbol.asyncDispose](): Promise<void>;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const message = (status: number, text: string) => json(status, { message: text });

/** A multiplexed exec stream frame. */
function frame(kind: 1 | 2, text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + data.length);
  out[0] = kind;
  new DataView(out.buffer).setUint32(4, data.length);
  out.set(data, 8);
  return out;
}

/** Starts the stand-in on `<root>/var/run/docker.sock` with image `nginx:latest` present. */
export async function startFakeDockerd(root: string): Promise<FakeDockerd> {
  const socket = `${root}/${DOCKER_SOCKET}`;
  await Deno.mkdir(socket.slice(0, socket.lastIndexOf("/")), { recursive: true });
  const requests: SeenRequest[] = [];
  const containers = new Map<string, Container>();
  const images = new Map([["nginx:latest", { Id: `sha256:${"a".repeat(64)}`, Size: 1000 }]]);
  const execs = new Map<string, string[]>();
  let n = 0;
  const find = (id: string) =>
    containers.get(id) ?? [...containers.values()].find((c) => c.Name === `/${id}`);

  const handle = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const text = await req.text();
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: req.method, url: url.pathname + url.search, body });
    const p = url.pathname.split("/").slice(1).map(decodeURIComponent);
    const q = url.searchParams;
    if (p[0] === "containers" && p[1] === "json" && req.method === "GET") {
      const states: string[] | undefined = q.get("filters")
        ? JSON.parse(q.get("filters")!).status
        : undefined;
      return json(
        200,
        [...containers.values()].filter((c) => !states || states.includes(c.State))
          .slice(0, Number(q.get("limit") ?? 100))
          .map((c) => ({
            Id: c.Id,
            Names: [c.Name],
            Image: c.Image,
            State: c.State,
            Created: c.Created,
          })),
      );
    }
    if (p[0] === "containers" && p[1] === "create" && req.method === "POST") {
      if (!images.has(body.Image)) return message(404, `No such image: ${body.Image}`);
      const name = q.get("name") ?? `c${n}`;
      if (find(name)) {
        return message(409, `Conflict. The container name "/${name}" is already in use`);
      }
      const id = `${++n}`.padStart(12, "0");
      containers.set(id, {
        Id: id,
        Name: `/${name}`,
        Image: body.Image,
        State: "created",
        Created: 1700000000,
        Env: body.Env ?? [],
      });
      return json(201, { Id: id, Warnings: [] });
    }
    if (p[0] === "containers" && p.length >= 2) {
      const c = find(p[1]);
      if (!c) return message(404, `No such container: ${p[1]}`);
      const op = p[2];
      if (op === "json" && req.method === "GET") {
        return json(200, {
          Id: c.Id,
          Name: c.Name,
          Created: new Date(c.Created * 1000).toISOString(),
          Config: { Image: c.Image, Env: c.Env },
          State: { Status: c.State },
          Mounts: [{ Source: "/data", Destination: "/var/lib/data" }],
          NetworkSettings: {
            IPAddress: "172.17.0.2",
            Ports: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] },
          },
        });
      }
      if (op === "start") {
        if (c.State === "running") return new Response(null, { status: 304 });
        c.State = "running";
        return new Response(null, { status: 204 });
      }
      if (op === "stop") {
        if (c.State !== "running") return new Response(null, { status: 304 });
        c.State = "exited";
        return new Response(null, { status: 204 });
      }
      if (op === "exec") {
        if (c.State !== "running") return message(409, `Container ${c.Id} is not running`);
        const id = `exec${++n}`;
        execs.set(id, body.Cmd);
        return json(201, { Id: id });
      }
      if (op === undefined && req.method === "DELETE") {
        if (c.State === "running" && q.get("force") !== "1") {
          return message(409, "cannot remove a running container: stop it or use force");
        }
        containers.delete(c.Id);
        return new Response(null, { status: 204 });
      }
    }
    if (p[0] === "exec" && p[2] === "start") {
      const cmd = execs.get(p[1]) ?? [];
      const out = new Uint8Array([...frame(1, `ran: ${cmd.join(" ")}\n`), ...frame(2, "warn\n")]);
      return new Response(out, {
        headers: { "content-type": "application/vnd.docker.multiplexed-stream" },
      });
    }
    if (p[0] === "exec" && p[2] === "json") {
      return json(200, { ExitCode: execs.get(p[1])?.[0] === "false" ? 1 : 0, Running: false });
    }
    if (p[0] === "images" && p[1] === "create") {
      const ref = `${q.get("fromImage")}:${q.get("tag")}`;
      if (q.get("fromImage") === "missing") {
        return new Response('{"status":"Pulling"}\n{"error":"manifest unknown"}\n');
      }
      images.set(ref, { Id: `sha256:${"b".repeat(64)}`, Size: 2000 });
      return new Response(`{"status":"Pulling from ${ref}"}\n{"status":"Downloaded"}\n`);
    }
    if (p[0] === "images" && p.length === 3 && p[2] === "json") {
      const img = images.get(p[1]);
      return img ? json(200, img) : message(404, `No such image: ${p[1]}`);
    }
    if (p[0] === "images" && req.method === "DELETE") {
      if (!images.has(p[1])) return message(404, `No such image: ${p[1]}`);
      if (q.get("force") !== "1" && [...containers.values()].some((c) => c.Image === p[1])) {
        return message(409, "image is being used by a container");
      }
      images.delete(p[1]);
      return json(200, [{ Untagged: p[1] }]);
    }
    return message(404, `page not found: ${req.method} ${url.pathname}`);
  };
  const server = Deno.serve({ path: socket, transport: "unix", onListen() {} }, handle);
  return {
    socket,
    requests,
    containers,
    images,
    [Symbol.asyncDispose]: async () => {
      await server.shutdown();
      await Deno.remove(socket).catch(() => {});
    },
  };
}
