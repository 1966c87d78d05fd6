//! The article's "statistics from several search engines": ask several
//! sources for the same figures, four ways, under one global timeout.
//!
//! The article calls moving on to the second engine "without waiting for the
//! first" asynchronization. Async Rust gives you several ways to do that, and
//! they differ: `fallback` still waits for each answer before asking the next;
//! `race` asks all at once and cancels the rest when one answers; `all` asks
//! all at once and waits for every answer; `hedged`, what the article really
//! describes, asks the next source only when the one out is slow (or failed),
//! keeping it, and cancels the rest when one answers. Every request is a real
//! `fetch`.

use std::cell::RefCell;
use std::pin::pin;

use futures::future::{self, Either, LocalBoxFuture};
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

use crate::runtime::choice::choice;
use crate::runtime::fetch::fetch_text;
use crate::runtime::run::Run;
use crate::runtime::time::sleep;
use crate::runtime::trace::NodeKind;

/// A source of statistics: a name to print and a URL to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// What the lines and the timeline call it, e.g. `"quick"`.
    pub name: &'static str,
    /// Where its figures are, relative to the page.
    pub url: String,
}

choice! {
    /// How to ask the sources, as `searchStats` names it: the lesson's modes.
    /// [`Mode::strategy`] adds what the hedged one needs.
    pub enum Mode {
        /// `"sequential"`: [`Strategy::Sequential`].
        Sequential = "sequential",
        /// `"fallback"`: [`Strategy::Fallback`].
        Fallback = "fallback",
        /// `"race"`: [`Strategy::Race`].
        Race = "race",
        /// `"all"`: [`Strategy::All`].
        All = "all",
        /// `"hedged"`: [`Strategy::Hedged`].
        Hedged = "hedged",
    }
}

impl Mode {
    /// The strategy this mode names; `hedge_ms` counts only for
    /// [`Mode::Hedged`], the one mode that waits a while before asking again.
    ///
    /// # Example
    /// ```
    /// use async_rust_lab::lessons::search::{Mode, Strategy};
    /// assert_eq!(Mode::Race.strategy(200), Strategy::Race);
    /// assert_eq!(Mode::Hedged.strategy(200), Strategy::Hedged { hedge_ms: 200 });
    /// ```
    pub fn strategy(self, hedge_ms: u32) -> Strategy {
        match self {
            Mode::Sequential => Strategy::Sequential,
            Mode::Fallback => Strategy::Fallback,
            Mode::Race => Strategy::Race,
            Mode::All => Strategy::All,
            Mode::Hedged => Strategy::Hedged { hedge_ms },
        }
    }
}

/// How to ask the sources, with what the strategy needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Ask one, wait for its answer, then the next, until all have answered.
    Sequential,
    /// Ask one; ask the next only if it failed.
    Fallback,
    /// Ask all at once; the first successful answer wins (a failure that
    /// comes first is skipped) and the others are aborted.
    Race,
    /// Ask all at once, wait for every one, and compare the answers.
    All,
    /// A hedged request: ask one source; if it has not answered after
    /// `hedge_ms`, ask the next one as well, keeping the first; a failure asks
    /// the next one at once. The first success wins and the rest are aborted.
    Hedged {
        /// How long to wait for an answer before asking the next source too.
        hedge_ms: u32,
    },
}

/// One source's outcome, in the order they came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    /// The source's name.
    pub source: &'static str,
    /// The body it answered, or why it failed (`"HTTP 404"`).
    pub result: Result<String, String>,
}

/// A search that got an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The source whose answer is used: the first to answer in the mode's order.
    pub source: &'static str,
    /// Its answer, as fetched.
    pub body: String,
    /// Every source that finished, answered or failed, in the order they did.
    pub asked: Vec<Asked>,
    /// In [`Strategy::All`], whether every answer was the same; `None` otherwise.
    pub agree: Option<bool>,
}

/// Why a search got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchError {
    /// The global timeout struck first; every request still out was aborted.
    TimedOut {
        /// The timeout, in ms.
        after_ms: u32,
        /// The sources that finished before it.
        asked: Vec<Asked>,
    },
    /// Every source asked failed.
    NoAnswer {
        /// Each source and why it failed.
        asked: Vec<Asked>,
    },
}

/// Searches `sources` by `strategy`, giving up after `timeout_ms` in all.
/// Dropping the search on timeout drops every request still out, which aborts it.
pub async fn search(
    run: &Run,
    strategy: Strategy,
    sources: &[Source],
    timeout_ms: u32,
) -> Result<Found, SearchError> {
    let log = RefCell::new(Vec::new());
    // Boxed, not pinned on the stack, so it can be dropped the moment the
    // timeout strikes rather than when this function returns.
    let searching = in_mode(run, &log, strategy, sources).boxed_local();
    let first = run
        .node(
            "select",
            NodeKind::Select,
            future::select(searching, sleep(timeout_ms)),
        )
        .await;
    match first {
        Either::Left((found, _timer)) => {
            found.ok_or_else(|| SearchError::NoAnswer { asked: log.take() })
        }
        Either::Right(((), searching)) => {
            // Drop the search before printing, so the timeline shows every
            // request still out as aborted at the moment the timeout struck.
            drop(searching);
            run.print(format!(
                "timed out after {timeout_ms} ms: every request still out is aborted"
            ));
            Err(SearchError::TimedOut {
                after_ms: timeout_ms,
                asked: log.take(),
            })
        }
    }
}

async fn in_mode(
    run: &Run,
    log: &RefCell<Vec<Asked>>,
    strategy: Strategy,
    sources: &[Source],
) -> Option<Found> {
    let found = |source, body, agree| Found {
        source,
        body,
        asked: log.borrow().clone(),
        agree,
    };
    match strategy {
        Strategy::Sequential => {
            let mut first = None;
            for source in sources {
                if let Ok(body) = ask(run, log, source).await {
                    first.get_or_insert((source.name, body));
                }
            }
            first.map(|(name, body)| found(name, body, None))
        }
        Strategy::Fallback => {
            for source in sources {
                match ask(run, log, source).await {
                    Ok(body) => return Some(found(source.name, body, None)),
                    Err(_) => run.print("so ask the next one"),
                };
            }
            None
        }
        Strategy::Race => {
            let asks: Vec<LocalBoxFuture<'_, Result<(&'static str, String), String>>> = sources
                .iter()
                .map(|source| {
                    ask(run, log, source)
                        .map(|result| result.map(|body| (source.name, body)))
                        .boxed_local()
                })
                .collect();
            if asks.is_empty() {
                return None;
            }
            // select_ok hands back the first Ok and the futures still running;
            // dropping those aborts their requests.
            let ((name, body), still_out) = run
                .node("select_ok", NodeKind::SelectOk, future::select_ok(asks))
                .await
                .ok()?;
            let aborted = still_out.len();
            drop(still_out);
            run.print(format!(
                "{name} won: {aborted} request{} still out aborted",
                if aborted == 1 { "" } else { "s" }
            ));
            Some(found(name, body, None))
        }
        Strategy::All => {
            let answers = run
                .node(
                    "join_all",
                    NodeKind::JoinAll,
                    future::join_all(sources.iter().map(|source| ask(run, log, source))),
                )
                .await;
            let bodies: Vec<&String> = answers.iter().filter_map(|a| a.as_ref().ok()).collect();
            let first = bodies.first().map(|body| (*body).clone())?;
            let agree = bodies.iter().all(|body| **body == first);
            run.print(if agree {
                format!("{} answers, all the same", bodies.len())
            } else {
                format!("{} answers, and they differ", bodies.len())
            });
            let source = log
                .borrow()
                .iter()
                .find(|asked| asked.result.is_ok())
                .map(|asked| asked.source)?;
            Some(found(source, first, Some(agree)))
        }
        Strategy::Hedged { hedge_ms } => {
            let (name, body) = hedged(run, log, sources, hedge_ms).await?;
            Some(found(name, body, None))
        }
    }
}

/// What woke a hedged search: a request that finished, nothing left out, or
/// the hedge timer.
enum Woke {
    Finished(&'static str, Result<String, String>),
    NothingOut,
    TimerFired,
}

/// A request out in a hedged search: the source's name and how it ended.
type Asking<'a> = LocalBoxFuture<'a, (&'static str, Result<String, String>)>;

/// Asks the next source of `next`, if any is left, adding it to `out`.
fn ask_next<'a>(
    run: &'a Run,
    log: &'a RefCell<Vec<Asked>>,
    out: &mut FuturesUnordered<Asking<'a>>,
    next: &mut std::slice::Iter<'a, Source>,
) -> bool {
    let Some(source) = next.next() else {
        return false;
    };
    out.push(
        ask(run, log, source)
            .map(|result| (source.name, result))
            .boxed_local(),
    );
    true
}

/// The hedged request (see [`Strategy::Hedged`]): the requests out are a
/// `FuturesUnordered`, and the hedge timer starts again at every new request,
/// so each source gets `hedge_ms` alone before the next one joins it. Dropping
/// the set when one answers drops every request still out, which aborts it.
async fn hedged(
    run: &Run,
    log: &RefCell<Vec<Asked>>,
    sources: &[Source],
    hedge_ms: u32,
) -> Option<(&'static str, String)> {
    let mut next = sources.iter();
    let mut out = FuturesUnordered::new();
    ask_next(run, log, &mut out, &mut next);
    loop {
        let more_to_ask = next.len() > 0;
        let hedge = async {
            if more_to_ask {
                sleep(hedge_ms).await;
            } else {
                future::pending::<()>().await;
            }
        };
        // In a `let`, so that the borrow of `out` ends before the arms below.
        let woke = match future::select(out.next(), pin!(hedge)).await {
            Either::Left((Some((name, result)), _)) => Woke::Finished(name, result),
            Either::Left((None, _)) => Woke::NothingOut,
            Either::Right(((), _)) => Woke::TimerFired,
        };
        match woke {
            Woke::Finished(name, Ok(body)) => {
                let aborted = out.len();
                drop(out);
                run.print(format!(
                    "{name} answered first: {aborted} request{} still out aborted",
                    if aborted == 1 { "" } else { "s" }
                ));
                return Some((name, body));
            }
            Woke::Finished(_, Err(_)) => {
                if ask_next(run, log, &mut out, &mut next) {
                    run.print("a failure: ask the next one at once");
                } else if out.is_empty() {
                    return None;
                }
            }
            Woke::NothingOut => return None,
            Woke::TimerFired => {
                run.print(format!(
                    "no answer after {hedge_ms} ms: ask the next one too, and keep waiting for the first"
                ));
                ask_next(run, log, &mut out, &mut next);
            }
        }
    }
}

/// Asks one source, as a task named after it: prints when it asks and what came
/// back, and logs the outcome.
async fn ask(run: &Run, log: &RefCell<Vec<Asked>>, source: &Source) -> Result<String, String> {
    run.task(source.name, async {
        run.print(format!("ask {}", source.name));
        let result = fetch_text(source.url.as_str()).await;
        let result = match result {
            Ok(body) => {
                run.print(format!("{} answered ({} bytes)", source.name, body.len()));
                Ok(body)
            }
            Err(error) => {
                run.print(format!("{} failed: {error}", source.name));
                Err(error.to_string())
            }
        };
        log.borrow_mut().push(Asked {
            source: source.name,
            result: result.clone(),
        });
        result
    })
    .await
}

/// How long the "gone" source takes to answer 404, in ms.
pub const GONE_MS: u32 = 80;
/// How long the "quick" source takes to answer, in ms.
pub const QUICK_MS: u32 = 250;
/// How long the "slowpoke" source takes to answer by default, in ms.
pub const DEFAULT_SLOW_MS: u32 = 1_200;
/// How long a hedged search waits for an answer before asking the next source
/// too, in ms, by default: a little under the quick source's delay, so that a
/// hedge is visible.
pub const DEFAULT_HEDGE_MS: u32 = 200;
/// The global timeout by default, in ms: every mode answers well within it.
pub const DEFAULT_TIMEOUT_MS: u32 = 3_000;

/// The lab's three sources, asked in this order: one that is gone (404), one
/// that is slow, one that is quick. All three serve the same figures, through
/// the page's service worker (`www/sources-sw.js`), which holds each response
/// back for `delay` ms and answers `status` instead when asked to.
///
/// # Example
/// ```
/// use async_rust_lab::lessons::search::sources;
/// let names: Vec<_> = sources(1_200).iter().map(|s| s.name).collect();
/// assert_eq!(names, ["gone", "slowpoke", "quick"]);
/// assert_eq!(sources(1_200)[1].url, "sources/slowpoke.json?delay=1200");
/// ```
pub fn sources(slow_ms: u32) -> Vec<Source> {
    vec![
        Source {
            name: "gone",
            url: format!("sources/gone.json?delay={GONE_MS}&status=404"),
        },
        Source {
            name: "slowpoke",
            url: format!("sources/slowpoke.json?delay={slow_ms}"),
        },
        Source {
            name: "quick",
            url: format!("sources/quick.json?delay={QUICK_MS}"),
        },
    ]
}
