//! Task names made at run time (a composition's labels) as the `&'static str`
//! that [`Run::task`](super::run::Run::task) and the trace take.
//!
//! Every lesson names its tasks with literals; the compose lesson names them
//! after labels the learner typed. Each distinct name is leaked once and
//! reused, so running the same composition again costs nothing. The table is
//! bounded: past [`MAX_NAMES`] distinct names (or [`MAX_NAME_BYTES`] bytes in
//! one), a name falls back to one of [`MAX_FALLBACKS`] numbered names
//! (`"task 17"`), themselves made once, so no input can grow the heap without
//! end.

use std::cell::RefCell;

/// The most distinct names kept.
pub const MAX_NAMES: usize = 4_096;
/// The longest name kept, in bytes.
pub const MAX_NAME_BYTES: usize = 64;
/// How many numbered fallback names there are; `index` wraps around them.
pub const MAX_FALLBACKS: usize = 256;

thread_local! {
    static NAMES: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    static FALLBACKS: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// `name` as a `&'static str`: the same one every time for the same text, or
/// the fallback `"task {index}"` once the table is full or `name` too long.
///
/// # Example
/// ```
/// use async_rust_lab::runtime::names::intern;
/// let a = intern("sleep 600", 0);
/// assert!(std::ptr::eq(a, intern(&String::from("sleep 600"), 0)));
/// ```
pub fn intern(name: &str, index: usize) -> &'static str {
    if name.len() <= MAX_NAME_BYTES {
        let kept = NAMES.with(|names| {
            let mut names = names.borrow_mut();
            if let Some(found) = names.iter().find(|n| **n == name) {
                return Some(*found);
            }
            if names.len() >= MAX_NAMES {
                return None;
            }
            let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
            names.push(leaked);
            Some(leaked)
        });
        if let Some(kept) = kept {
            return kept;
        }
    }
    fallback(index)
}

fn fallback(index: usize) -> &'static str {
    let index = index.checked_rem(MAX_FALLBACKS).unwrap_or(0);
    FALLBACKS.with(|all| {
        let mut all = all.borrow_mut();
        while all.len() <= index {
            let made: &'static str = Box::leak(format!("task {}", all.len()).into_boxed_str());
            all.push(made);
        }
        all.get(index).copied().unwrap_or("task")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_falls_back_to_a_numbered_one() {
        assert_eq!(intern(&"x".repeat(MAX_NAME_BYTES + 1), 3), "task 3");
        assert_eq!(
            intern(&"x".repeat(MAX_NAME_BYTES + 1), MAX_FALLBACKS + 3),
            "task 3"
        );
    }

    #[test]
    fn the_same_text_is_the_same_name() {
        assert!(std::ptr::eq(intern("join", 0), intern("join", 9)));
    }
}
