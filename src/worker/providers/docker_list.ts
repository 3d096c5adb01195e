/** `node.docker.list`: the host's containers (Docker Engine `GET /containers/json`). */
import { dockerList as dockerListOp } from "../../core/operations/docker.ts";
import { dockerRequest, expectStatus, json } from "./docker_api.ts";
import { provide } from "./types.ts";

interface ListedContainer {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
  Created?: number;
}

/** Docker states a `state` filter selects (stopped: every state but running ones). */
const STATES: Record<string, string[] | undefined> = {
  running: ["running"],
  stopped: ["created", "exited", "dead"],
  all: undefined,
};

/** Lists containers, newest first, at most `limit` (default 20). */
export const dockerList = provide(dockerListOp, async (input, ctx) => {
  const status = STATES[input.state ?? "all"];
  const r = await dockerRequest(ctx, {
    method: "GET",
    path: "/containers/json",
    query: {
      all: "1",
      limit: String(input.limit ?? 20),
      ...(status ? { filters: JSON.stringify({ status }) } : {}),
    },
  });
  expectStatus(r, [200], { kind: "container", id: "list", field: "state" });
  return {
    containers: json<ListedContainer[]>(r).map((c) => ({
      id: c.Id,
      name: (c.Names?.[0] ?? "").replace(/^\//, ""),
      image: c.Image ?? "",
      state: c.State ?? "",
      created: c.Created ? new Date(c.Created * 1000).toISOString() : "",
    })),
  };
});

export default dockerList;
