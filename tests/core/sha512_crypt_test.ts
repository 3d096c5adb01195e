/** SHA-512 crypt against the specification's vectors and, when installed, `openssl passwd -6`. */
import assert from "node:assert/strict";
import { randomSalt, sha512Crypt } from "../../src/core/sha512_crypt.ts";

Deno.test("sha512Crypt gives the specification's hashes", async () => {
  assert.equal(
    await sha512Crypt("Hello world!", "saltstring"),
    "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
  );
  // salts are cut at 16 characters
  assert.equal(
    (await sha512Crypt("x", "0123456789abcdefXYZ")).split("$")[2],
    "0123456789abcdef",
  );
  const salt = randomSalt();
  assert.match(salt, /^[./A-Za-z0-9]{16}$/);
  assert.notEqual(await sha512Crypt("same"), await sha512Crypt("same"));
});

Deno.test("sha512Crypt agrees with openssl passwd -6", async (t) => {
  for (const [password, salt] of [["s3cret pass", "abcdefgh"], ["ü€ ".repeat(30), "Zz./09"]]) {
    let out: Deno.CommandOutput;
    try {
      const child = new Deno.Command("openssl", {
        args: ["passwd", "-6", "-salt", salt, "-stdin"],
        stdin: "piped",
        stdout: "piped",
      }).spawn();
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(`${password}\n`));
      await w.close();
      out = await child.output();
    } catch {
      console.log("skipping the openssl comparison: openssl is not installed");
      return;
    }
    await t.step(`salt ${salt}`, async () => {
      assert.equal(await sha512Crypt(password, salt), new TextDecoder().decode(out.stdout).trim());
    });
  }
});
