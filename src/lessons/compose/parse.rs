//! The composition language: one expression of futures, parsed by hand
//! (recursive descent) into a [`Node`] tree. Pure Rust, tested on the host.
//!
//! ```text
//! expr   := name "(" [arg ("," arg)* [","]] ")"
//! arg    := expr | number | string
//! number := ["-"] digit (digit | "_")* ["." digit*]
//! string := '"' (char | '\"' | '\\')* '"'
//! ```
//!
//! The limits are checked while parsing, not after: the depth before each
//! nested call (so 10,000 nested parentheses stop at the 17th level instead
//! of overflowing the stack), the node count as each node is made, and the
//! text's length before anything else.

// Every byte here comes from a caller's text: what could panic is denied.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::unreachable,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use std::fmt;

/// The deepest a composition may nest: `join(seq(...))` is 2 levels.
pub const MAX_DEPTH: usize = 16;
/// The most nodes (leaves and combinators) a composition may have.
pub const MAX_NODES: usize = 200;
/// The longest sleep, block or timeout, in ms.
pub const MAX_MS: u32 = 60_000;
/// The longest text accepted, in characters: 200 nodes fit with room to spare.
pub const MAX_TEXT: usize = 4_000;
/// The longest label, in characters.
pub const MAX_LABEL: usize = 40;

/// One of the search lesson's sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Answers after 250 ms.
    Quick,
    /// Answers after 1,200 ms.
    Slowpoke,
    /// Answers 404 after 80 ms.
    Gone,
}

impl Source {
    /// Its name in the language, e.g. `"quick"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Quick => "quick",
            Source::Slowpoke => "slowpoke",
            Source::Gone => "gone",
        }
    }
}

/// What a node does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A timer of `ms`; prints its label when done.
    Sleep(u32),
    /// Busy work on the thread for `ms`, with no await inside.
    Block(u32),
    /// Wakes itself once, then is done.
    Yield,
    /// A real `fetch` of one of the search lesson's sources.
    Fetch(Source),
    /// An `Err` at once.
    Fail,
    /// All children at once; all must succeed (the first `Err` wins).
    Join,
    /// All children at once; the first to finish, `Ok` or `Err`, wins.
    Select,
    /// The children awaited in turn; the first `Err` ends it.
    Seq,
    /// The child, or an `Err` after `ms`.
    Timeout(u32),
    /// The child as a task of its own, started when the spawn is built.
    Spawn,
}

impl Kind {
    /// The name as written, e.g. `"sleep"`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sleep(_) => "sleep",
            Kind::Block(_) => "block",
            Kind::Yield => "yield",
            Kind::Fetch(_) => "fetch",
            Kind::Fail => "fail",
            Kind::Join => "join",
            Kind::Select => "select",
            Kind::Seq => "seq",
            Kind::Timeout(_) => "timeout",
            Kind::Spawn => "spawn",
        }
    }

    /// Whether the node has children.
    pub fn is_combinator(self) -> bool {
        matches!(
            self,
            Kind::Join | Kind::Select | Kind::Seq | Kind::Timeout(_) | Kind::Spawn
        )
    }
}

/// One node of a parsed composition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What it does.
    pub kind: Kind,
    /// What it prints and is called: the label given, or a readable default
    /// such as `"sleep 600"`.
    pub label: String,
    /// Its index in depth-first order, from 0: unique in the tree.
    pub id: usize,
    /// Where it starts in the text, in characters from 0.
    pub at: usize,
    /// Its children, for a combinator.
    pub children: Vec<Node>,
}

impl Node {
    /// How many nodes the tree has, this one included.
    pub fn count(&self) -> usize {
        self.children
            .iter()
            .fold(1, |n, child| n.saturating_add(child.count()))
    }
}

/// Why a text is not a composition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The text does not follow the grammar: a JS `SyntaxError`.
    Syntax {
        /// Where, in characters from 0.
        at: usize,
        /// What was expected there, e.g. `"a number of ms"`.
        expected: String,
        /// What was found instead, e.g. `"\")\""` or `"the end of the text"`.
        found: String,
    },
    /// The text follows the grammar but breaks a limit: a JS `RangeError`.
    Limit {
        /// Where, in characters from 0.
        at: usize,
        /// The limit and what broke it.
        message: String,
    },
}

impl ParseError {
    /// Where the error is, in characters from 0.
    pub fn at(&self) -> usize {
        match self {
            ParseError::Syntax { at, .. } | ParseError::Limit { at, .. } => *at,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Syntax {
                at,
                expected,
                found,
            } => write!(
                f,
                "text at column {}: expected {expected}, found {found}",
                at.saturating_add(1)
            ),
            ParseError::Limit { at, message } => {
                write!(f, "text at column {}: {message}", at.saturating_add(1))
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses `text` into a composition, checking every limit.
///
/// # Example
/// ```
/// use async_rust_lab::lessons::compose::parse::{parse, Kind};
/// let tree = parse(r#"select(sleep(600, "one"), sleep(300))"#).unwrap();
/// assert_eq!(tree.kind, Kind::Select);
/// assert_eq!(tree.children[1].label, "sleep 300");
/// assert!(parse("sleep(60001)").is_err());
/// ```
pub fn parse(text: &str) -> Result<Node, ParseError> {
    // Counted before anything is copied: a megabyte of text costs one pass.
    let count = text.chars().count();
    if count > MAX_TEXT {
        return Err(ParseError::Limit {
            at: MAX_TEXT,
            message: format!("a composition is at most {MAX_TEXT} characters long (got {count})"),
        });
    }
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser {
        chars,
        pos: 0,
        nodes: 0,
    };
    let node = parser.expr(1)?;
    parser.skip_space();
    if parser.pos < parser.chars.len() {
        return Err(parser.expected("the end of the text after the expression"));
    }
    Ok(node)
}

/// An argument before it is checked against its call.
enum Arg {
    Expr(Node),
    Number { at: usize, text: String },
    Text { at: usize, text: String },
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    nodes: usize,
}

const NAMES: &str = "sleep, block, yield, fetch, fail, join, select, seq, timeout or spawn";

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// What is at the cursor, in words for an error message.
    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the text".to_owned(),
            Some(c) if c.is_alphanumeric() || c == '_' => {
                let word: String = self
                    .chars
                    .iter()
                    .skip(self.pos)
                    .take_while(|c| c.is_alphanumeric() || **c == '_')
                    .take(20)
                    .collect();
                format!("`{word}`")
            }
            Some(c) if c.is_control() || c.is_whitespace() => {
                format!("U+{:04X}", u32::from(c))
            }
            Some(c) => format!("`{c}`"),
        }
    }

    fn expected(&self, what: &str) -> ParseError {
        ParseError::Syntax {
            at: self.pos,
            expected: what.to_owned(),
            found: self.found(),
        }
    }

    fn eat(&mut self, c: char, what: &str) -> Result<(), ParseError> {
        self.skip_space();
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// `name ( args )` at nesting `depth` (the root is 1).
    fn expr(&mut self, depth: usize) -> Result<Node, ParseError> {
        self.skip_space();
        let at = self.pos;
        if depth > MAX_DEPTH {
            return Err(ParseError::Limit {
                at,
                message: format!("a composition nests at most {MAX_DEPTH} levels deep"),
            });
        }
        let name: String = self
            .chars
            .iter()
            .skip(self.pos)
            .take_while(|c| c.is_ascii_alphabetic())
            .take(8)
            .collect();
        let known = matches!(
            name.as_str(),
            "sleep"
                | "block"
                | "yield"
                | "fetch"
                | "fail"
                | "join"
                | "select"
                | "seq"
                | "timeout"
                | "spawn"
        );
        let after = self.pos.saturating_add(name.len());
        let whole = !self
            .chars
            .get(after)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_');
        if !known || !whole {
            return Err(self.expected(&format!("one of {NAMES}")));
        }
        self.pos = after;
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > MAX_NODES {
            return Err(ParseError::Limit {
                at,
                message: format!("a composition has at most {MAX_NODES} nodes"),
            });
        }
        // Depth-first order: this node's id comes before its children's.
        let id = self.nodes.saturating_sub(1);
        self.eat('(', &format!("`(` after {name}"))?;
        let args = self.args(depth)?;
        build(&name, id, at, args, self.pos)
    }

    fn args(&mut self, depth: usize) -> Result<Vec<Arg>, ParseError> {
        let mut args = Vec::new();
        self.skip_space();
        if self.peek() == Some(')') {
            self.bump();
            return Ok(args);
        }
        loop {
            args.push(self.arg(depth)?);
            self.skip_space();
            match self.peek() {
                Some(',') => {
                    self.bump();
                    self.skip_space();
                    if self.peek() == Some(')') {
                        self.bump();
                        return Ok(args);
                    }
                }
                Some(')') => {
                    self.bump();
                    return Ok(args);
                }
                _ => return Err(self.expected("`,` or `)`")),
            }
        }
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, ParseError> {
        self.skip_space();
        let at = self.pos;
        match self.peek() {
            Some('"') => self.string().map(|text| Arg::Text { at, text }),
            Some(c) if c == '-' || c.is_ascii_digit() => Ok(Arg::Number {
                at,
                text: self.number()?,
            }),
            Some(c) if c.is_ascii_alphabetic() => self.expr(depth.saturating_add(1)).map(Arg::Expr),
            _ => Err(self.expected("a future such as sleep(300), a number or a \"label\"")),
        }
    }

    fn number(&mut self) -> Result<String, ParseError> {
        let mut text = String::new();
        if self.peek() == Some('-') {
            text.push('-');
            self.bump();
        }
        if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
            return Err(self.expected("a digit"));
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || c == '.' {
                text.push(c);
            } else if c != '_' {
                break;
            }
            self.bump();
        }
        if self.peek().is_some_and(|c| c.is_alphanumeric()) {
            return Err(self.expected("a digit, `,` or `)`"));
        }
        Ok(text)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.bump();
        let mut text = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(ParseError::Syntax {
                        at: open,
                        expected: "a closing `\"` for this label".to_owned(),
                        found: "the end of the text".to_owned(),
                    })
                }
                Some('"') => {
                    self.bump();
                    break;
                }
                Some('\\') => {
                    self.bump();
                    match self.peek() {
                        Some(c @ ('"' | '\\')) => text.push(c),
                        _ => return Err(self.expected("`\"` or `\\` after `\\` in a label")),
                    }
                    self.bump();
                }
                Some(c) if c.is_control() => {
                    return Err(self.expected("a printable character or the closing `\"`"))
                }
                Some(c) => {
                    text.push(c);
                    self.bump();
                }
            }
            if text.chars().count() > MAX_LABEL {
                return Err(ParseError::Limit {
                    at: open,
                    message: format!("a label is at most {MAX_LABEL} characters long"),
                });
            }
        }
        Ok(text)
    }
}

/// A whole number of ms from 0 to [`MAX_MS`], or a `RangeError` naming `what`.
fn millis(arg: Option<&Arg>, name: &str, end: usize) -> Result<u32, ParseError> {
    match arg {
        Some(Arg::Number { at, text }) => {
            let value = if text.contains('.') || text.starts_with('-') {
                None
            } else {
                // At most 5 digits fit; longer text is out of range anyway,
                // so nothing is parsed that could overflow.
                let digits: String = text.chars().skip_while(|c| *c == '0').collect();
                (digits.len() <= 5)
                    .then(|| digits.parse::<u32>().ok().or(Some(0)))
                    .flatten()
                    .filter(|ms| *ms <= MAX_MS)
            };
            value.ok_or_else(|| {
                let shown: String = text.chars().take(24).collect();
                let more = if text.chars().count() > 24 { "…" } else { "" };
                ParseError::Limit {
                    at: *at,
                    message: format!(
                        "{name}'s ms must be a whole number of milliseconds from 0 to {MAX_MS} (got {shown}{more})"
                    ),
                }
            })
        }
        Some(other) => Err(wrong(
            other,
            &format!("a number of ms as {name}'s first argument"),
        )),
        None => Err(missing(end, &format!("a number of ms in {name}(…)"))),
    }
}

fn wrong(arg: &Arg, expected: &str) -> ParseError {
    let (at, found) = match arg {
        Arg::Expr(node) => (node.at, format!("`{}(…)`", node.kind.name())),
        Arg::Number { at, text } => (*at, format!("the number {text}")),
        Arg::Text { at, .. } => (*at, "a label".to_owned()),
    };
    ParseError::Syntax {
        at,
        expected: expected.to_owned(),
        found,
    }
}

fn missing(end: usize, expected: &str) -> ParseError {
    ParseError::Syntax {
        // `end` is just past the `)`: point at it.
        at: end.saturating_sub(1),
        expected: expected.to_owned(),
        found: "`)`".to_owned(),
    }
}

/// The optional label at `args[index]`, the last argument allowed.
fn label(args: &[Arg], index: usize, name: &str, default: String) -> Result<String, ParseError> {
    match args.get(index) {
        None => {}
        Some(Arg::Text { text, .. }) => {
            if let Some(extra) = args.get(index.saturating_add(1)) {
                return Err(wrong(
                    extra,
                    &format!("`)`: {name} takes nothing after its label"),
                ));
            }
            return Ok(text.clone());
        }
        Some(other) => return Err(wrong(other, &format!("a \"label\" or `)` in {name}(…)"))),
    }
    Ok(default)
}

fn build(name: &str, id: usize, at: usize, args: Vec<Arg>, end: usize) -> Result<Node, ParseError> {
    let leaf = |kind: Kind, label: String| Node {
        kind,
        label,
        id,
        at,
        children: Vec::new(),
    };
    match name {
        "sleep" | "block" => {
            let ms = millis(args.first(), name, end)?;
            let kind = if name == "sleep" {
                Kind::Sleep(ms)
            } else {
                Kind::Block(ms)
            };
            Ok(leaf(kind, label(&args, 1, name, format!("{name} {ms}"))?))
        }
        "yield" | "fail" => {
            let kind = if name == "yield" {
                Kind::Yield
            } else {
                Kind::Fail
            };
            Ok(leaf(kind, label(&args, 0, name, name.to_owned())?))
        }
        "fetch" => {
            let source = match args.first() {
                Some(Arg::Text { at, text }) => match text.as_str() {
                    "quick" => Source::Quick,
                    "slowpoke" => Source::Slowpoke,
                    "gone" => Source::Gone,
                    _ => {
                        return Err(ParseError::Limit {
                            at: *at,
                            message: "fetch's source must be \"quick\", \"slowpoke\" or \"gone\""
                                .to_owned(),
                        })
                    }
                },
                Some(other) => {
                    return Err(wrong(
                        other,
                        "\"quick\", \"slowpoke\" or \"gone\" in fetch(…)",
                    ))
                }
                None => {
                    return Err(missing(
                        end,
                        "\"quick\", \"slowpoke\" or \"gone\" in fetch(…)",
                    ))
                }
            };
            let default = format!("fetch {}", source.as_str());
            Ok(leaf(Kind::Fetch(source), label(&args, 1, name, default)?))
        }
        "timeout" => {
            let ms = millis(args.first(), name, end)?;
            let mut rest = args.into_iter().skip(1);
            let child = match rest.next() {
                Some(Arg::Expr(node)) => node,
                Some(other) => return Err(wrong(&other, "a future as timeout's second argument")),
                None => return Err(missing(end, "a future after timeout's ms")),
            };
            if let Some(extra) = rest.next() {
                return Err(wrong(&extra, "`)`: timeout takes ms and one future"));
            }
            Ok(Node {
                children: vec![child],
                ..leaf(Kind::Timeout(ms), format!("timeout {ms}"))
            })
        }
        _ => {
            let kind = match name {
                "join" => Kind::Join,
                "select" => Kind::Select,
                "seq" => Kind::Seq,
                _ => Kind::Spawn,
            };
            let mut children = Vec::new();
            for arg in args {
                match arg {
                    Arg::Expr(node) => children.push(node),
                    other => {
                        return Err(wrong(
                            &other,
                            &format!("a future such as sleep(300) in {name}(…)"),
                        ))
                    }
                }
            }
            if children.is_empty() {
                return Err(missing(
                    end,
                    &format!("a future such as sleep(300) in {name}(…)"),
                ));
            }
            if kind == Kind::Spawn && children.len() > 1 {
                if let Some(extra) = children.get(1) {
                    return Err(wrong(
                        &Arg::Expr(extra.clone()),
                        "`)`: spawn takes one future",
                    ));
                }
            }
            Ok(Node {
                children,
                ..leaf(kind, name.to_owned())
            })
        }
    }
}

/// The article's examples, as compositions: `(name, text)`.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "the threads example",
        r#"join(spawn(sleep(600, "thread one")), spawn(sleep(300, "thread two")))"#,
    ),
    (
        "block_on",
        r#"seq(sleep(600, "thread one"), sleep(300, "thread two"))"#,
    ),
    (
        "join",
        r#"join(sleep(600, "thread one"), sleep(300, "thread two"))"#,
    ),
    (
        "race",
        r#"select(sleep(600, "thread one"), sleep(300, "thread two"))"#,
    ),
    (
        "kitchen",
        r#"join(seq(block(150, "chop"), sleep(600, "boil"), block(100, "serve")), seq(sleep(200, "phone rings"), block(300, "talk")))"#,
    ),
    (
        "search race",
        r#"timeout(3000, select(fetch("gone"), fetch("slowpoke"), fetch("quick")))"#,
    ),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn syntax_at(text: &str) -> (usize, String) {
        match parse(text) {
            Err(ParseError::Syntax { at, expected, .. }) => (at, expected),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn limit(text: &str) -> String {
        match parse(text) {
            Err(ParseError::Limit { message, .. }) => message,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn every_preset_parses() {
        for (name, text) in PRESETS {
            assert!(parse(text).is_ok(), "{name}");
        }
    }

    #[test]
    fn labels_default_to_readable_names_and_ids_go_depth_first() {
        let tree =
            parse("join(sleep(600), seq(block(5), yield(), fetch(\"gone\")), fail())").unwrap();
        let labels: Vec<_> = tree.children.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["sleep 600", "seq", "fail"]);
        let seq: Vec<_> = tree.children[1]
            .children
            .iter()
            .map(|c| (c.id, c.label.as_str()))
            .collect();
        assert_eq!(seq, [(3, "block 5"), (4, "yield"), (5, "fetch gone")]);
        assert_eq!(tree.count(), 7);
    }

    #[test]
    fn labels_take_escaped_quotes_and_markup_as_text() {
        let tree = parse(r#"sleep(1, "say \"hi\" <b>")"#).unwrap();
        assert_eq!(tree.label, "say \"hi\" <b>");
    }

    #[test]
    fn syntax_errors_name_the_position_and_what_was_expected() {
        assert_eq!(syntax_at("").0, 0);
        assert_eq!(syntax_at("sleep(300").1, "`,` or `)`");
        assert_eq!(syntax_at("join(sleep(1),, sleep(2))").0, 14);
        assert!(syntax_at("frobnicate(1)").1.contains("sleep, block"));
        assert!(syntax_at("sleepy(1)").1.contains("sleep, block"));
        assert_eq!(syntax_at(r#"sleep(1, "a"b")"#).0, 12);
        assert_eq!(syntax_at(r#"sleep(1, "open"#).0, 9);
        assert_eq!(syntax_at("<script>alert(1)</script>").0, 0);
        assert_eq!(syntax_at("sleep(300) x").0, 11);
        assert_eq!(syntax_at("join()").0, 5);
        assert_eq!(syntax_at("timeout(5)").0, 9);
        assert_eq!(syntax_at("sleep(\"a\")").0, 6);
        assert_eq!(syntax_at("spawn(sleep(1), sleep(2))").0, 16);
        assert_eq!(syntax_at("sleep(12ab)").0, 8);
    }

    #[test]
    fn open_parens_are_a_syntax_error_at_the_start_and_ten_thousand_a_limit() {
        assert_eq!(syntax_at(&"(".repeat(3_000)).0, 0);
        assert!(limit(&"(".repeat(10_000)).contains("characters"));
    }

    #[test]
    fn ten_thousand_nested_calls_stop_at_the_depth_limit() {
        let text = format!("{}sleep(1){}", "seq(".repeat(10_000), ")".repeat(10_000));
        // Longer than the text limit: refused before parsing.
        assert!(limit(&text).contains("characters"));
        let text = format!("{}sleep(1){}", "seq(".repeat(500), ")".repeat(500));
        assert!(limit(&text).contains("16 levels"));
        let ok = format!("{}sleep(1){}", "seq(".repeat(15), ")".repeat(15));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn limits_are_range_errors() {
        assert!(limit("sleep(60001)").contains("from 0 to 60000 (got 60001)"));
        assert!(limit("sleep(-1)").contains("got -1"));
        assert!(limit("sleep(1.5)").contains("got 1.5"));
        assert!(limit(&format!("sleep({})", "9".repeat(400))).contains('…'));
        assert!(parse("sleep(60_000)").is_ok());
        assert!(parse("sleep(000300)").is_ok());
        assert!(limit("fetch(\"nowhere\")").contains("quick"));
        assert!(limit(&format!("yield(\"{}\")", "x".repeat(41))).contains("40"));
        let many = format!("join({})", vec!["yield()"; 200].join(","));
        assert!(limit(&many).contains("200 nodes"));
        let fits = format!("join({})", vec!["yield()"; 199].join(","));
        assert_eq!(parse(&fits).unwrap().count(), 200);
    }
}
