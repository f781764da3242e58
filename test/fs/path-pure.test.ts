/**
 * The pure (synchronous, lexical) methods of Path, in the spirit of AnyIO's
 * tests/test_fileio.py (TestPath) and CPython's pathlib tests: parsing and joining,
 * names and suffixes, parents, relative paths, URIs, pattern matching, bad arguments.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { Path } from "../../src/fs/path.ts";
import { PATH_STRING, toPathString } from "../../src/fs/path-like.ts";

const str = (...segments: ConstructorParameters<typeof Path>) => new Path(...segments).toString();

describe("fs/path pure", () => {
  test("parsing: slashes, '.' segments, trailing slashes and empty input", () => {
    assert.equal(str("/"), "/");
    assert.equal(str("//a//b/"), "/a/b");
    assert.equal(str("a/./b/."), "a/b");
    assert.equal(str("./a"), "a");
    assert.equal(str("a/"), "a");
    assert.equal(str(""), ".");
    assert.equal(str(), ".");
    assert.equal(str("."), ".");
    assert.equal(str("a/../b"), "a/../b", "'..' is kept: resolving it needs the disk");
    assert.equal(str(".."), "..");
    assert.equal(str(".hidden"), ".hidden");
  });

  test("joining: segments, an absolute segment restarts, Paths and file: URLs are segments", () => {
    assert.equal(str("/srv", "www", "index.html"), "/srv/www/index.html");
    assert.equal(str("a", "/etc", "passwd"), "/etc/passwd");
    assert.equal(str(new Path("a/b"), "c"), "a/b/c");
    assert.equal(str(new URL("file:///tmp/a%20b"), "c"), "/tmp/a b/c");
    assert.equal(new Path("/a").join("b", "c/d").toString(), "/a/b/c/d");
    assert.equal(new Path("/a").join("/x").toString(), "/x");
    assert.equal(new Path("a").join().toString(), "a");
  });

  test("parts, anchor, root and drive", () => {
    assert.deepEqual(new Path("/abc/xyz/foo.txt").parts, ["/", "abc", "xyz", "foo.txt"]);
    assert.deepEqual(new Path("abc/xyz").parts, ["abc", "xyz"]);
    assert.deepEqual(new Path(".").parts, []);
    assert.deepEqual(new Path("/").parts, ["/"]);
    assert.equal(new Path("/abc").anchor, "/");
    assert.equal(new Path("/abc").root, "/");
    assert.equal(new Path("abc").anchor, "");
    assert.equal(new Path("/abc").drive, "");
    assert.ok(Object.isFrozen(new Path("/a").parts));
  });

  test("name, suffix, suffixes and stem, with edge cases", () => {
    const cases: Array<[string, string, string, string[], string]> = [
      // path, name, suffix, suffixes, stem
      ["/abc/xyz/foo.txt.zip", "foo.txt.zip", ".zip", [".txt", ".zip"], "foo.txt"],
      ["a.tar.gz", "a.tar.gz", ".gz", [".tar", ".gz"], "a.tar"],
      [".hidden", ".hidden", "", [], ".hidden"],
      [".hidden.txt", ".hidden.txt", ".txt", [".txt"], ".hidden"],
      ["a.", "a.", "", [], "a."],
      ["noext", "noext", "", [], "noext"],
      ["..", "..", "", [], ".."],
      ["/", "", "", [], ""],
      [".", "", "", [], ""],
      ["a/", "a", "", [], "a"],
    ];
    for (const [path, name, suffix, suffixes, stem] of cases) {
      const p = new Path(path);
      assert.equal(p.name, name, `name of ${path}`);
      assert.equal(p.suffix, suffix, `suffix of ${path}`);
      assert.deepEqual(p.suffixes, suffixes, `suffixes of ${path}`);
      assert.equal(p.stem, stem, `stem of ${path}`);
    }
  });

  test("parent and parents", () => {
    assert.equal(new Path("/abc/xyz/foo.txt").parent.toString(), "/abc/xyz");
    assert.equal(new Path("/abc").parent.toString(), "/");
    assert.equal(new Path("/").parent.toString(), "/");
    assert.equal(new Path("a").parent.toString(), ".");
    assert.equal(new Path(".").parent.toString(), ".");
    assert.equal(new Path("..").parent.toString(), ".");
    assert.deepEqual(new Path("/abc/xyz/foo.txt").parents.map(String), ["/abc/xyz", "/abc", "/"]);
    assert.deepEqual(new Path("a/b/c").parents.map(String), ["a/b", "a", "."]);
    assert.deepEqual(new Path("/").parents.map(String), []);
    assert.ok(new Path("/a/b").parents.every((p) => p instanceof Path));
  });

  test("withName, withStem and withSuffix", () => {
    assert.equal(new Path("/a/b.txt").withName("c.md").toString(), "/a/c.md");
    assert.equal(new Path("/a/b.txt").withStem("c").toString(), "/a/c.txt");
    assert.equal(new Path("/a/b.tar.gz").withStem("c").toString(), "/a/c.gz");
    assert.equal(new Path("/a/b.txt").withSuffix(".md").toString(), "/a/b.md");
    assert.equal(new Path("/a/b.txt").withSuffix("").toString(), "/a/b");
    assert.equal(new Path("/a/b").withSuffix(".md").toString(), "/a/b.md");
    assert.equal(new Path("a.tar.gz").withSuffix(".bz2").toString(), "a.tar.bz2");
    assert.equal(new Path(".hidden").withSuffix(".txt").toString(), ".hidden.txt");
  });

  test("withName, withStem and withSuffix refuse what pathlib refuses", async () => {
    for (const bad of ["", ".", "..", "a/b"]) {
      assert.ok((await thrownBy(() => new Path("/a/b").withName(bad))) instanceof RangeError, `withName(${bad})`);
    }
    assert.ok((await thrownBy(() => new Path("/").withName("x"))) instanceof RangeError, "'/' has no name");
    assert.ok((await thrownBy(() => new Path(".").withSuffix(".x"))) instanceof RangeError, "'.' has no name");
    for (const bad of ["txt", ".", "./x", ".a/b"]) {
      assert.ok((await thrownBy(() => new Path("a.b").withSuffix(bad))) instanceof RangeError, `withSuffix(${bad})`);
    }
    assert.ok((await thrownBy(() => new Path("a.txt").withStem(""))) instanceof RangeError);
    assert.ok((await thrownBy(() => new Path("a").withName(42 as never))) instanceof TypeError);
    const err = await thrownBy(() => new Path("a").withSuffix("txt"));
    assert.match((err as Error).message, /suffix/);
  });

  test("isAbsolute, isRelativeTo and relativeTo", async () => {
    assert.equal(new Path("/xyz").isAbsolute(), true);
    assert.equal(new Path("../xyz").isAbsolute(), false);
    assert.equal(new Path("/xyz/abc/foo").isRelativeTo("/xyz/abc"), true);
    assert.equal(new Path("/xyz/abc/foo").isRelativeTo("/xyz/baz"), false);
    assert.equal(new Path("/xyz/abc").isRelativeTo("/xyz/abc"), true);
    assert.equal(new Path("a/b").isRelativeTo("."), true);
    assert.equal(new Path("/tmp/sub").relativeTo("/tmp").toString(), "sub");
    assert.equal(new Path("/tmp").relativeTo("/tmp").toString(), ".");
    assert.equal(new Path("/a/b").relativeTo("/a/c", { walkUp: true }).toString(), "../b");
    assert.equal(new Path("/a").relativeTo("/a/b/c", { walkUp: true }).toString(), "../..");
    assert.equal(new Path("a/b").relativeTo("c", { walkUp: true }).toString(), "../a/b");
    const notSub = await thrownBy(() => new Path("/a/b").relativeTo("/a/c"));
    assert.ok(notSub instanceof RangeError);
    assert.match(notSub.message, /not in the subpath/);
    const anchors = await thrownBy(() => new Path("/a").relativeTo("a", { walkUp: true }));
    assert.ok(anchors instanceof RangeError);
    assert.match(anchors.message, /different anchors/);
    const dotdot = await thrownBy(() => new Path("a").relativeTo("b/../c", { walkUp: true }));
    assert.ok(dotdot instanceof RangeError);
    assert.ok((await thrownBy(() => new Path("a").relativeTo("b", { walkUp: "yes" as never }))) instanceof TypeError);
  });

  test("asPosix, asUri and fromUri", async () => {
    assert.equal(new Path("/foo/bar").asPosix(), "/foo/bar");
    assert.equal(new Path("/foo/bar").asUri(), "file:///foo/bar");
    assert.equal(new Path("/a b/ü?#%").asUri(), "file:///a%20b/%C3%BC%3F%23%25");
    assert.equal(Path.fromUri("file:///a%20b/%C3%BC%3F%23%25").toString(), "/a b/ü?#%");
    assert.equal(Path.fromUri(new Path("/x/ä ö").asUri()).toString(), "/x/ä ö");
    assert.ok((await thrownBy(() => new Path("rel/x").asUri())) instanceof RangeError);
    assert.ok((await thrownBy(() => Path.fromUri("http://example.com/x"))) instanceof TypeError);
    assert.ok((await thrownBy(() => Path.fromUri("not a uri"))) instanceof TypeError);
  });

  test("match: relative patterns from the right, absolute ones whole", async () => {
    assert.equal(new Path("/foo/bar").match("/foo/*"), true);
    assert.equal(new Path("/foo/bar").match("/baz/*"), false);
    assert.equal(new Path("/a/b/c.py").match("*.py"), true);
    assert.equal(new Path("/a/b/c.py").match("b/*.py"), true);
    assert.equal(new Path("/a/b/c.py").match("a/*.py"), false);
    assert.equal(new Path("/a/b").match("/b"), false);
    assert.equal(new Path("a/b").match("/a/b"), false);
    assert.equal(new Path("a/b").match("*"), true);
    assert.equal(new Path("x/.hidden").match("*"), true, "wildcards match leading dots, as in pathlib");
    assert.equal(new Path("file7.txt").match("file[0-9].txt"), true);
    assert.equal(new Path("filex.txt").match("file[!0-9].txt"), true);
    assert.equal(new Path("file7.txt").match("file[!0-9].txt"), false);
    assert.equal(new Path("fileA.txt").match("file?.txt"), true);
    assert.equal(new Path("file.txt").match("file?.txt"), false);
    assert.equal(new Path("a[b").match("a[b"), true, "an unclosed [ is literal");
    assert.equal(new Path("a.TXT").match("*.txt"), false, "case-sensitive");
    assert.equal(new Path("/a/b/c").match("/**/c"), false, "** is a plain * in match()");
    assert.ok((await thrownBy(() => new Path("a").match(""))) instanceof RangeError);
    assert.ok((await thrownBy(() => new Path("a").match("[z-a]"))) instanceof RangeError);
  });

  test("fullMatch: ** spans any number of segments", () => {
    assert.equal(new Path("src/fs/path.ts").fullMatch("src/**/*.ts"), true);
    assert.equal(new Path("src/path.ts").fullMatch("src/**/*.ts"), true, "** can be zero segments");
    assert.equal(new Path("src/fs/path.ts").fullMatch("src/*.ts"), false);
    assert.equal(new Path("/foo/bar").fullMatch("/foo/*"), true);
    assert.equal(new Path("/foo/bar").fullMatch("/baz/*"), false);
    assert.equal(new Path("a/b/c").fullMatch("**"), true);
    assert.equal(new Path("a/b/c").fullMatch("a/**/b/**/c"), true);
    assert.equal(new Path("a/x/c").fullMatch("a/**/b/**/c"), false);
  });

  test("equals, toString, toJSON, inspection and PATH_STRING", () => {
    assert.ok(new Path("/a//b/").equals("/a/b"));
    assert.ok(new Path("a").equals(new Path("./a")));
    assert.ok(!new Path("a").equals("/a"));
    assert.ok(!new Path("a").equals(42 as never));
    assert.equal(`${new Path("/x", "y")}`, "/x/y");
    assert.equal(JSON.stringify({ p: new Path("/x") }), '{"p":"/x"}');
    assert.equal(new Path("/x")[PATH_STRING], "/x");
    assert.equal(toPathString(new Path("/x/y"), "path"), "/x/y");
    const inspect = (new Path("/foo") as unknown as Record<symbol, () => string>)[Symbol.for("nodejs.util.inspect.custom")];
    assert.equal(inspect.call(new Path("/foo")), 'Path("/foo")');
  });

  test("subclasses: derived paths keep the class (withSegments)", () => {
    class Special extends Path {}
    const p = new Special("/a/b");
    assert.ok(p.join("c") instanceof Special);
    assert.ok(p.parent instanceof Special);
    assert.ok(p.withSuffix(".x") instanceof Special);
    assert.ok(p.parents.every((q) => q instanceof Special));
  });

  test("bad segments: TypeError naming the segment", async () => {
    const notPath = await thrownBy(() => new Path("a", 42 as never));
    assert.ok(notPath instanceof TypeError);
    assert.match(notPath.message, /segments\[1\]/);
    const nul = await thrownBy(() => new Path("a\0b"));
    assert.ok(nul instanceof TypeError);
    assert.match(nul.message, /NUL/);
    assert.ok((await thrownBy(() => new Path(new URL("https://example.com/")))) instanceof TypeError);
    assert.ok((await thrownBy(() => new Path("a").isRelativeTo(null as never))) instanceof TypeError);
  });
});
