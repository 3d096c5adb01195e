/** A provider root holding minimal account files for the shadow tools (`useradd --root`). */

const LOGIN_DEFS = [
  "UID_MIN 1000",
  "UID_MAX 60000",
  "SYS_UID_MIN 100",
  "SYS_UID_MAX 999",
  "GID_MIN 1000",
  "GID_MAX 60000",
  "SYS_GID_MIN 100",
  "SYS_GID_MAX 999",
  "USERGROUPS_ENAB yes",
  "ENCRYPT_METHOD SHA512",
  "",
].join("\n");

/**
 * Writes `<root>/etc/{passwd,group,shadow,gshadow,login.defs}` with root and the group
 * `users` (shadow files 0600), plus `<root>/home`. Returns `root`.
 */
export async function seedAccountsRoot(root: string): Promise<string> {
  await Deno.mkdir(`${root}/etc`, { recursive: true });
  await Deno.mkdir(`${root}/home`, { recursive: true });
  const write = (name: string, text: string, mode = 0o644) =>
    Deno.writeTextFile(`${root}/etc/${name}`, text, { mode });
  await write("passwd", "root:x:0:0:root:/root:/bin/bash\n");
  await write("group", "root:x:0:\nusers:x:100:\n");
  await write("shadow", "root:*:19000:0:99999:7:::\n", 0o600);
  await write("gshadow", "root:*::\nusers:*::\n", 0o600);
  await write("login.defs", LOGIN_DEFS);
  return root;
}
