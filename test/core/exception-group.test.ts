/**
 * Behaviour of the ExceptionGroup class: construction, and picking members out with
 * split() and subgroup() while keeping the nesting.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { ExceptionGroup } from "../../src/index.ts";

class AppError extends Error {}
class DbError extends AppError {}

describe("core/exception-group", () => {
  describe("construction", () => {
    test("is an AggregateError and an Error named ExceptionGroup", () => {
      const group = new ExceptionGroup("failures", [new Error("a")]);
      assert.ok(group instanceof ExceptionGroup);
      assert.ok(group instanceof AggregateError);
      assert.ok(group instanceof Error);
      assert.equal(group.name, "ExceptionGroup");
      assert.equal(typeof group.stack, "string");
    });

    test("errors and exceptions hold the members in order", () => {
      const a = new Error("a");
      const b = new TypeError("b");
      const c = "not an Error";
      const group = new ExceptionGroup<unknown>("failures", [a, b, c]);
      assert.equal(group.errors.length, 3);
      assert.equal(group.errors[0], a);
      assert.equal(group.errors[1], b);
      assert.equal(group.errors[2], c);
      assert.deepEqual([...group.exceptions], [...group.errors]);
      for (let i = 0; i < 3; i++) assert.equal(group.exceptions[i], group.errors[i]);
    });

    test("the message has the given text and the number of members", () => {
      const two = new ExceptionGroup("things broke", [new Error("a"), new Error("b")]);
      assert.ok(two.message.includes("things broke"), two.message);
      assert.match(two.message, /\b2\b/);
      assert.equal(two.groupMessage, "things broke");
      const one = new ExceptionGroup("one thing broke", [new Error("a")]);
      assert.ok(one.message.includes("one thing broke"), one.message);
      assert.match(one.message, /\b1\b/);
      const seven = new ExceptionGroup("many", Array.from({ length: 7 }, (_, i) => new Error(`${i}`)));
      assert.match(seven.message, /\b7\b/);
    });

    test("an empty list of errors is a TypeError", () => {
      assert.throws(() => new ExceptionGroup("none", []), TypeError);
      assert.throws(() => new ExceptionGroup("none", new Set<Error>()), TypeError);
      assert.throws(() => new ExceptionGroup("none", null as unknown as Error[]), TypeError);
    });

    test("a message that is not a string is a TypeError", () => {
      const errors = [new Error("a")];
      assert.throws(() => new ExceptionGroup(42 as unknown as string, errors), TypeError);
      assert.throws(() => new ExceptionGroup(undefined as unknown as string, errors), TypeError);
      assert.throws(() => new ExceptionGroup(errors as unknown as string, errors), TypeError);
    });

    test("takes any iterable and keeps its own copy of the members", () => {
      const a = new Error("a");
      const b = new Error("b");
      function* gen() {
        yield a;
        yield b;
      }
      const fromGenerator = new ExceptionGroup("gen", gen());
      assert.deepEqual([...fromGenerator.errors], [a, b]);
      const fromSet = new ExceptionGroup("set", new Set([a, b]));
      assert.deepEqual([...fromSet.errors], [a, b]);
      const list: Error[] = [a];
      const fromArray = new ExceptionGroup("array", list);
      list.push(b);
      assert.deepEqual([...fromArray.errors], [a]);
    });
  });

  describe("split() and subgroup()", () => {
    test("split by class gives the matching members and the rest", () => {
      const t1 = new TypeError("t1");
      const r1 = new RangeError("r1");
      const t2 = new TypeError("t2");
      const group = new ExceptionGroup("mixed", [t1, r1, t2]);
      const [match, rest] = group.split(TypeError);
      assert.ok(match instanceof ExceptionGroup);
      assert.ok(rest instanceof ExceptionGroup);
      assert.deepEqual([...match.errors], [t1, t2]);
      assert.deepEqual([...rest.errors], [r1]);
      assert.equal(match.groupMessage, "mixed");
      assert.equal(rest.groupMessage, "mixed");
      // The original is untouched.
      assert.deepEqual([...group.errors], [t1, r1, t2]);
    });

    test("split by class matches subclasses too", () => {
      const app = new AppError("app");
      const db = new DbError("db");
      const other = new Error("other");
      const [match, rest] = new ExceptionGroup("mixed", [app, other, db]).split(AppError);
      assert.deepEqual([...match!.errors], [app, db]);
      assert.deepEqual([...rest!.errors], [other]);
    });

    test("split by predicate uses the predicate's answer for each member", () => {
      const a = new Error("keep-a");
      const b = new Error("drop-b");
      const c = new Error("keep-c");
      const group = new ExceptionGroup("named", [a, b, c]);
      const [match, rest] = group.split((e) => e instanceof Error && e.message.startsWith("keep"));
      assert.deepEqual([...match!.errors], [a, c]);
      assert.deepEqual([...rest!.errors], [b]);
    });

    test("a plain function declaration is used as a predicate, not as a class", () => {
      const a = new TypeError("a");
      const b = new Error("b");
      function isTypeError(e: unknown): boolean {
        return e instanceof TypeError;
      }
      const [match, rest] = new ExceptionGroup("m", [a, b]).split(isTypeError);
      assert.deepEqual([...match!.errors], [a]);
      assert.deepEqual([...rest!.errors], [b]);
    });

    test("an empty half is undefined", () => {
      const group = new ExceptionGroup("all type errors", [new TypeError("a"), new TypeError("b")]);
      const [match, rest] = group.split(TypeError);
      assert.ok(match instanceof ExceptionGroup);
      assert.deepEqual([...match.errors], [...group.errors]);
      assert.equal(rest, undefined);
      const [none, all] = group.split(RangeError);
      assert.equal(none, undefined);
      assert.ok(all instanceof ExceptionGroup);
      assert.deepEqual([...all.errors], [...group.errors]);
    });

    test("a group that matches as a whole is returned whole", () => {
      const group = new ExceptionGroup("whole", [new TypeError("a"), new RangeError("b")]);
      const [byClass, restByClass] = group.split(ExceptionGroup);
      assert.equal(byClass, group);
      assert.equal(restByClass, undefined);
      const [byPredicate, restByPredicate] = group.split((e) => e === group);
      assert.equal(byPredicate, group);
      assert.equal(restByPredicate, undefined);
      assert.equal(group.subgroup(AggregateError), group);
    });

    test("nesting is kept on both sides", () => {
      const a = new TypeError("a");
      const b = new TypeError("b");
      const c = new RangeError("c");
      const d = new RangeError("d");
      const inner = new ExceptionGroup("inner", [b, c]);
      const outer = new ExceptionGroup<unknown>("outer", [a, inner, d]);
      const [match, rest] = outer.split(TypeError);

      assert.equal(match!.groupMessage, "outer");
      assert.equal(match!.errors.length, 2);
      assert.equal(match!.errors[0], a);
      const matchInner = match!.errors[1];
      assert.ok(matchInner instanceof ExceptionGroup);
      assert.equal(matchInner.groupMessage, "inner");
      assert.deepEqual([...matchInner.errors], [b]);

      assert.equal(rest!.groupMessage, "outer");
      assert.equal(rest!.errors.length, 2);
      const restInner = rest!.errors[0];
      assert.ok(restInner instanceof ExceptionGroup);
      assert.equal(restInner.groupMessage, "inner");
      assert.deepEqual([...restInner.errors], [c]);
      assert.equal(rest!.errors[1], d);
    });

    test("an inner group that matches as a whole is kept as it is", () => {
      const inner = new ExceptionGroup("inner", [new Error("x"), new Error("y")]);
      const other = new Error("other");
      const outer = new ExceptionGroup<unknown>("outer", [other, inner]);
      const [match, rest] = outer.split((e) => e === inner);
      assert.deepEqual([...match!.errors], [inner]);
      assert.equal(match!.errors[0], inner);
      assert.deepEqual([...rest!.errors], [other]);
    });

    test("an inner group emptied by the split disappears from that side", () => {
      const t = new TypeError("t");
      const inner = new ExceptionGroup("inner", [new TypeError("only types")]);
      const outer = new ExceptionGroup<unknown>("outer", [t, inner]);
      const [match, rest] = outer.split(TypeError);
      assert.equal(rest, undefined);
      assert.equal(match!.errors.length, 2);
    });

    test("subgroup() gives the matching half, or undefined when nothing matches", () => {
      const t = new TypeError("t");
      const r = new RangeError("r");
      const inner = new ExceptionGroup("inner", [r]);
      const group = new ExceptionGroup<unknown>("g", [t, inner]);
      const sub = group.subgroup(RangeError);
      assert.ok(sub instanceof ExceptionGroup);
      assert.equal(sub.errors.length, 1);
      const subInner = sub.errors[0];
      assert.ok(subInner instanceof ExceptionGroup);
      assert.deepEqual([...subInner.errors], [r]);
      assert.equal(group.subgroup(SyntaxError), undefined);
      assert.equal(group.subgroup(() => false), undefined);
    });

    test("members that are not Errors are matched by predicates and kept apart by classes", () => {
      const e = new AppError("real");
      const group = new ExceptionGroup<unknown>("mixed", ["text", e, 42]);
      const [errors, others] = group.split(AppError);
      assert.deepEqual([...errors!.errors], [e]);
      assert.deepEqual([...others!.errors], ["text", 42]);
      const [strings, rest] = group.split((x) => typeof x === "string");
      assert.deepEqual([...strings!.errors], ["text"]);
      assert.deepEqual([...rest!.errors], [e, 42]);
    });

    test("a matcher that is not a function is a TypeError", () => {
      const group = new ExceptionGroup("g", [new Error("a")]);
      assert.throws(() => group.split("Error" as unknown as typeof Error), TypeError);
      assert.throws(() => group.subgroup(null as unknown as typeof Error), TypeError);
    });

    test("the halves keep the original's cause", () => {
      const root = new Error("root cause");
      const group = new ExceptionGroup("caused", [new TypeError("t"), new RangeError("r")]);
      group.cause = root;
      const [match, rest] = group.split(TypeError);
      assert.equal(match!.cause, root);
      assert.equal(rest!.cause, root);
      assert.equal(group.subgroup(RangeError)!.cause, root);
    });
  });

  describe("derive()", () => {
    test("makes a group with the same message around other errors", () => {
      const group = new ExceptionGroup("original", [new Error("a")]);
      const x = new Error("x");
      const y = new Error("y");
      const derived = group.derive([x, y]);
      assert.ok(derived instanceof ExceptionGroup);
      assert.notEqual(derived, group);
      assert.equal(derived.groupMessage, "original");
      assert.deepEqual([...derived.errors], [x, y]);
      assert.match(derived.message, /\b2\b/);
    });

    test("split() and subgroup() build their halves with derive()", () => {
      class TaggedGroup<E> extends ExceptionGroup<E> {
        readonly tag: string;
        constructor(tag: string, errors: Iterable<E>) {
          super(`tagged ${tag}`, errors);
          this.tag = tag;
        }
        override derive<F>(errors: F[]): TaggedGroup<F> {
          return new TaggedGroup(this.tag, errors);
        }
      }
      const group = new TaggedGroup<unknown>("blue", [new TypeError("t"), new RangeError("r")]);
      const [match, rest] = group.split(TypeError);
      assert.ok(match instanceof TaggedGroup);
      assert.ok(rest instanceof TaggedGroup);
      assert.equal(match.tag, "blue");
      assert.equal(rest.tag, "blue");
      const sub = group.subgroup(RangeError);
      assert.ok(sub instanceof TaggedGroup);
      assert.equal(sub.tag, "blue");
    });
  });
});
