//! Helpers shared by the browser test modules (`use crate::common;`).
// Each module uses its own subset of these.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, EventTarget};

/// One `lab:line` event as the page saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenLine {
    /// What was printed.
    pub text: String,
    /// Milliseconds since its run started.
    pub at_ms: f64,
    /// What the test's `mark` said when the line arrived.
    pub marked: bool,
}

/// Records every `lab:line` event dispatched on the page while it is alive,
/// with what `mark` says at that moment (e.g. whether a JS callback ran yet).
pub struct LineLog {
    lines: Rc<RefCell<Vec<SeenLine>>>,
    listener: Closure<dyn FnMut(CustomEvent)>,
}

impl LineLog {
    /// Starts listening.
    pub fn new(mark: impl Fn() -> bool + 'static) -> LineLog {
        let lines = Rc::new(RefCell::new(Vec::new()));
        let log = lines.clone();
        let listener = Closure::new(move |event: CustomEvent| {
            let line = get(&event.detail(), "line");
            log.borrow_mut().push(SeenLine {
                text: get(&line, "text").as_string().unwrap(),
                at_ms: get(&line, "atMs").as_f64().unwrap(),
                marked: mark(),
            });
        });
        global()
            .add_event_listener_with_callback("lab:line", listener.as_ref().unchecked_ref())
            .unwrap();
        LineLog { lines, listener }
    }

    /// How many lines arrived so far.
    pub fn count(&self) -> usize {
        self.lines.borrow().len()
    }

    /// The first line with this text, if it arrived.
    pub fn find(&self, text: &str) -> Option<SeenLine> {
        self.lines.borrow().iter().find(|l| l.text == text).cloned()
    }
}

impl Drop for LineLog {
    fn drop(&mut self) {
        let _ = global().remove_event_listener_with_callback(
            "lab:line",
            self.listener.as_ref().unchecked_ref(),
        );
    }
}

/// `globalThis` as an event target (the page's window).
pub fn global() -> EventTarget {
    js_sys::global().unchecked_into()
}

/// `target[key]`.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap()
}
