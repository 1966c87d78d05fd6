//! A parsed composition as the code it stands for: async Rust
//! (`futures::try_join!`, `select_all`, `.await` in turn) and JavaScript
//! (`Promise.all`, `Promise.race`, `await` in turn), pretty-printed.
//!
//! Both are generated from the same [`Node`] tree the lab runs, and the Rust
//! of every preset is compiled by `cargo test` (`tests/compose_presets.rs`
//! regenerates `tests/compose_presets_generated.rs` and fails if it is stale;
//! cargo compiles that file as a test target), so the page never shows Rust
//! that does not compile. Every expression is a future (Rust) or a Promise
//! (JS) of `Result<Value, Error>`; the leaves (`sleep`, `block`, ...) are the
//! lab's, named in [`RUST_PRELUDE`] and [`JS_PRELUDE`].

use super::parse::{Kind, Node};

/// What the Rust leaves are, in one comment above the generated code.
pub const RUST_PRELUDE: &str = "\
// Leaves: async fn sleep / block / yield_now / fetch / fail (…) -> Result<Value, Error>,
// each lazy until polled; timer(ms) is a sleep that returns ().
use futures::future::{select, select_all, Either};
use futures::{channel::oneshot, FutureExt};
use wasm_bindgen_futures::spawn_local;
";

/// What the JS leaves are, in one comment above the generated code.
pub const JS_PRELUDE: &str = "\
// Leaves: sleep / block / yieldNow / fetchSource / fail (…) return Promises,
// each started at once; timer(ms) is a Promise that resolves after ms.
";

/// Indented lines, two or four spaces a level.
struct Out {
    text: String,
    unit: &'static str,
}

impl Out {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.text.push_str(self.unit);
        }
        self.text.push_str(text);
        self.text.push('\n');
    }
}

/// A string literal, valid in both Rust and JS: `"` and `\` escaped, and
/// anything not plainly printable as `\u{..}` (Rust) or `\u{..}` (JS, ES2015).
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c.is_whitespace() && c != ' ' || is_format(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Invisible characters that reorder or hide text: shown escaped in code.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Variable names for a combinator's children: `a`, `b`, ... then `f27`, ...
fn var(index: usize) -> String {
    match u8::try_from(index) {
        Ok(i) if i < 26 => char::from(b'a'.saturating_add(i)).to_string(),
        _ => format!("f{}", index.saturating_add(1)),
    }
}

/// The async Rust the composition stands for, as one `async fn`.
///
/// # Example
/// ```
/// use async_rust_lab::lessons::compose::{code::rust, parse::parse};
/// let code = rust(&parse(r#"join(sleep(300, "a"), block(200, "b"))"#).unwrap(), "composition");
/// assert!(code.contains("futures::try_join!("));
/// ```
pub fn rust(node: &Node, name: &str) -> String {
    let mut out = Out {
        text: String::new(),
        unit: "    ",
    };
    out.line(0, &format!("async fn {name}() -> Result<Value, Error> {{"));
    rust_expr(&mut out, node, 1, "", ".await");
    out.line(0, "}");
    out.text
}

/// Writes `node` as a future expression at `depth`, between `head` and `tail`.
fn rust_expr(out: &mut Out, node: &Node, depth: usize, head: &str, tail: &str) {
    let label = quoted(&node.label);
    let inner = depth.saturating_add(1);
    let deeper = depth.saturating_add(2);
    match node.kind {
        Kind::Sleep(ms) => out.line(depth, &format!("{head}sleep({ms}, {label}){tail}")),
        Kind::Block(ms) => out.line(depth, &format!("{head}block({ms}, {label}){tail}")),
        Kind::Yield => out.line(depth, &format!("{head}yield_now({label}){tail}")),
        Kind::Fetch(source) => out.line(
            depth,
            &format!("{head}fetch({}, {label}){tail}", quoted(source.as_str())),
        ),
        Kind::Fail => out.line(depth, &format!("{head}fail({label}){tail}")),
        Kind::Join => {
            let names: Vec<String> = (0..node.children.len()).map(var).collect();
            out.line(depth, &format!("{head}async {{"));
            out.line(inner, "// Polls all in turn; the first Err drops the rest.");
            out.line(inner, "let (");
            for name in &names {
                out.line(deeper, &format!("{name},"));
            }
            out.line(inner, ") = futures::try_join!(");
            for child in &node.children {
                rust_expr(out, child, deeper, "", ",");
            }
            out.line(inner, ")?;");
            out.line(inner, &format!("Ok(Value::list([{}]))", names.join(", ")));
            out.line(depth, &format!("}}{tail}"));
        }
        Kind::Select => {
            out.line(depth, &format!("{head}async {{"));
            out.line(
                inner,
                "// The first to finish wins, Ok or Err (not select_ok);",
            );
            out.line(inner, "// the rest are dropped when this block ends.");
            out.line(inner, "let (first, _index, _rest) = select_all([");
            for child in &node.children {
                rust_expr(out, child, deeper, "", ".boxed_local(),");
            }
            out.line(inner, "])");
            out.line(inner, ".await;");
            out.line(inner, "first");
            out.line(depth, &format!("}}{tail}"));
        }
        Kind::Seq => {
            out.line(depth, &format!("{head}async {{"));
            out.line(
                inner,
                "// Built first, but a future does nothing until awaited.",
            );
            let last = node.children.len().saturating_sub(1);
            for (index, child) in node.children.iter().enumerate() {
                rust_expr(out, child, inner, &format!("let {} = ", var(index)), ";");
            }
            for index in 0..last {
                out.line(inner, &format!("{}.await?;", var(index)));
            }
            out.line(inner, &format!("{}.await", var(last)));
            out.line(depth, &format!("}}{tail}"));
        }
        Kind::Timeout(ms) => {
            out.line(depth, &format!("{head}async {{"));
            out.line(inner, "let work = std::pin::pin!(");
            for child in &node.children {
                rust_expr(out, child, deeper, "", "");
            }
            out.line(inner, ");");
            out.line(inner, &format!("let timer = std::pin::pin!(timer({ms}));"));
            out.line(inner, "match select(work, timer).await {");
            out.line(
                deeper,
                "// The loser is dropped: a timer cleared, or the work stopped.",
            );
            out.line(deeper, "Either::Left((value, _timer)) => value,");
            out.line(
                deeper,
                &format!("Either::Right(((), _work)) => Err(Error::timed_out({ms})),"),
            );
            out.line(inner, "}");
            out.line(depth, &format!("}}{tail}"));
        }
        Kind::Spawn => {
            out.line(depth, &format!("{head}{{"));
            out.line(
                inner,
                "// Spawned now, not when awaited: a task of its own.",
            );
            out.line(inner, "let (tx, rx) = oneshot::channel();");
            for child in &node.children {
                rust_expr(out, child, inner, "let task = ", ";");
            }
            out.line(inner, "spawn_local(async move {");
            out.line(deeper, "let _ = tx.send(task.await);");
            out.line(inner, "});");
            out.line(
                inner,
                "async move { rx.await.unwrap_or(Err(Error::cancelled())) }",
            );
            out.line(depth, &format!("}}{tail}"));
        }
    }
}

/// The JavaScript the composition stands for, as one `async function`.
///
/// # Example
/// ```
/// use async_rust_lab::lessons::compose::{code::js, parse::parse};
/// let code = js(&parse(r#"select(sleep(600, "one"), sleep(300, "two"))"#).unwrap());
/// assert!(code.contains("await Promise.race(["));
/// ```
pub fn js(node: &Node) -> String {
    let mut out = Out {
        text: String::new(),
        unit: "  ",
    };
    out.line(0, "async function composition() {");
    js_expr(&mut out, node, 1, "return await ", ";");
    out.line(0, "}");
    out.text
}

/// Writes `node` as a Promise expression at `depth`, between `head` and `tail`.
fn js_expr(out: &mut Out, node: &Node, depth: usize, head: &str, tail: &str) {
    let label = quoted(&node.label);
    let inner = depth.saturating_add(1);
    match node.kind {
        Kind::Sleep(ms) => out.line(depth, &format!("{head}sleep({ms}, {label}){tail}")),
        Kind::Block(ms) => out.line(depth, &format!("{head}block({ms}, {label}){tail}")),
        Kind::Yield => out.line(depth, &format!("{head}yieldNow({label}){tail}")),
        Kind::Fetch(source) => out.line(
            depth,
            &format!(
                "{head}fetchSource({}, {label}){tail}",
                quoted(source.as_str())
            ),
        ),
        Kind::Fail => out.line(depth, &format!("{head}fail({label}){tail}")),
        Kind::Join => {
            out.line(depth, &format!("{head}Promise.all(["));
            for child in &node.children {
                js_expr(out, child, inner, "", ",");
            }
            out.line(depth, &format!("]){tail}"));
        }
        Kind::Select => {
            out.line(
                depth,
                &format!("{head}Promise.race([ // the losers keep running"),
            );
            for child in &node.children {
                js_expr(out, child, inner, "", ",");
            }
            out.line(depth, &format!("]){tail}"));
        }
        Kind::Seq => {
            out.line(depth, &format!("{head}(async () => {{"));
            out.line(
                inner,
                "// Each Promise starts as it is made, before any await.",
            );
            let last = node.children.len().saturating_sub(1);
            for (index, child) in node.children.iter().enumerate() {
                js_expr(out, child, inner, &format!("const {} = ", var(index)), ";");
            }
            for index in 0..last {
                out.line(inner, &format!("await {};", var(index)));
            }
            out.line(inner, &format!("return await {};", var(last)));
            out.line(depth, &format!("}})(){tail}"));
        }
        Kind::Timeout(ms) => {
            out.line(depth, &format!("{head}Promise.race(["));
            for child in &node.children {
                js_expr(out, child, inner, "", ",");
            }
            out.line(
                inner,
                &format!(
                    "timer({ms}).then(() => {{ throw new TimeoutError({ms}); }}), // never cleared"
                ),
            );
            out.line(depth, &format!("]){tail}"));
        }
        Kind::Spawn => {
            // A Promise already runs on its own: nothing to spawn.
            for child in &node.children {
                js_expr(out, child, depth, head, tail);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    #[test]
    fn join_is_try_join_in_rust_and_promise_all_in_js() {
        let tree = parse(r#"join(sleep(300, "a"), block(200, "b"))"#).unwrap();
        assert_eq!(
            rust(&tree, "composition"),
            r#"async fn composition() -> Result<Value, Error> {
    async {
        // Polls all in turn; the first Err drops the rest.
        let (
            a,
            b,
        ) = futures::try_join!(
            sleep(300, "a"),
            block(200, "b"),
        )?;
        Ok(Value::list([a, b]))
    }.await
}
"#
        );
        assert_eq!(
            js(&tree),
            r#"async function composition() {
  return await Promise.all([
    sleep(300, "a"),
    block(200, "b"),
  ]);
}
"#
        );
    }

    #[test]
    fn labels_are_escaped_for_both_languages() {
        assert_eq!(
            quoted("say \"hi\" \\ <b>\u{202e}"),
            r#""say \"hi\" \\ <b>\u{202e}""#
        );
    }

    #[test]
    fn seq_awaits_in_turn_and_spawn_is_only_rust() {
        let tree = parse("seq(sleep(1), spawn(fail()))").unwrap();
        let code = rust(&tree, "c");
        assert!(code.contains("a.await?;\n        b.await\n"));
        assert!(code.contains("spawn_local(async move {"));
        assert!(!js(&tree).contains("spawn"));
    }
}
