//! `tree(step)` and `queues(step)`: the machine at one step of a finished run,
//! as JS objects. The model is [`runtime::machine`](crate::runtime::machine);
//! this file only checks the arguments and converts.

use js_sys::{Array, Object, RangeError};
use wasm_bindgen::prelude::*;

use super::args::rules::{ArgValue, WholeNumber};
use super::args::{arg_value, JsRule, Millis};
use super::report::{kept_run_ids, with_report, RUNS_KEPT};
use crate::runtime::js_object::set;
use crate::runtime::js_text::js_number;
use crate::runtime::machine::{machine_at, Machine, Node, Queues};
use crate::runtime::run::Report;
use crate::runtime::trace::{Site, DEFAULT_CAP};

/// The largest step of any run: a run records at most its trace cap of events.
const MAX_STEP: u32 = (DEFAULT_CAP - 1) as u32;

const RUN_ID: WholeNumber = WholeNumber {
    name: "runId",
    unit: "",
    min: 1,
    max: u32::MAX,
    default: 1,
};

/// Reads `step` (default: the end) and `runId` (default: the last run), and
/// replays that run to that step. Each argument's type and range is checked
/// before any run is looked up, so a bad one is named whatever the runs kept.
fn machine(
    step: Option<Millis>,
    run_id: Option<Millis>,
) -> Result<(Machine, Vec<&'static str>), JsValue> {
    let any_step = WholeNumber {
        name: "step",
        unit: "",
        min: 0,
        max: MAX_STEP,
        default: MAX_STEP,
    };
    let step = match arg_value(step.as_ref()) {
        ArgValue::Undefined | ArgValue::Null => None,
        value => Some(any_step.check_js(value)?),
    };
    let id = match arg_value(run_id.as_ref()) {
        ArgValue::Undefined | ArgValue::Null => None,
        ArgValue::Number(n) => Some(kept_run(n)?),
        // Not a number at all: the usual TypeError.
        value => Some(RUN_ID.check_js(value)?),
    };
    let replay = |report: &Report| -> Result<(Machine, Vec<&'static str>), JsValue> {
        let last = u32::try_from(report.events.len().saturating_sub(1)).unwrap_or(MAX_STEP);
        let at = match step {
            None => last,
            Some(step) if step <= last => step,
            Some(step) => {
                return Err(RangeError::new(&format!(
                "step must be a whole number from 0 to {last}: run {} has {} steps (got {step})",
                report.info.id,
                report.events.len()
            ))
                .into())
            }
        };
        let names = report.tasks.iter().map(|t| t.name).collect();
        Ok((
            machine_at(&report.tasks, &report.events, at as usize),
            names,
        ))
    };
    // A kept id was checked above, and a run kept then is kept now: nothing
    // runs in between. Only "no run yet" is left.
    with_report(id, replay).unwrap_or_else(|| {
        Err(RangeError::new(
            "no run has finished yet: run a lesson first, e.g. await lab.concurrent()",
        )
        .into())
    })
}

/// The run id `n`, if it is one of the runs kept. The error lists the ids
/// kept rather than a range: they need not be consecutive (a run that never
/// finished is never kept).
fn kept_run(n: f64) -> Result<u32, JsValue> {
    let kept = kept_run_ids();
    if let Some(id) = kept.iter().copied().find(|&id| f64::from(id) == n) {
        return Ok(id);
    }
    let listed: Vec<String> = kept.iter().map(u32::to_string).collect();
    let message = if kept.is_empty() {
        format!(
            "runId must be the id of a finished run, and none has finished yet (got {})",
            js_number(n)
        )
    } else {
        format!(
            "runId must be the id of one of the last {RUNS_KEPT} runs, which are kept: {} (got {})",
            listed.join(", "),
            js_number(n)
        )
    };
    Err(RangeError::new(&message).into())
}

fn site_to_js(site: Site) -> JsValue {
    let object = Object::new();
    set(&object, "file", &site.file.into());
    set(&object, "line", &site.line.into());
    object.into()
}

fn node_to_js(node: &Node) -> JsValue {
    let object = Object::new();
    set(&object, "id", &node.id.into());
    set(&object, "name", &node.name.into());
    set(&object, "kind", &node.kind.as_str().into());
    set(&object, "state", &node.state.as_str().into());
    if let Some(leaf) = node.waits_on {
        set(&object, "waitsOn", &leaf.into());
    }
    if let Some(site) = node.at {
        set(&object, "at", &site_to_js(site));
    }
    if let Some(due) = node.due_ms {
        set(&object, "dueMs", &due.into());
    }
    let children: Array = node.children.iter().map(node_to_js).collect();
    set(&object, "children", &children);
    object.into()
}

fn ids_to_js(ids: &[u32], names: &[&'static str]) -> Array {
    ids.iter()
        .map(|&id| {
            let object = Object::new();
            set(&object, "id", &id.into());
            let name = names.get(id as usize).copied().unwrap_or("?");
            set(&object, "name", &name.into());
            JsValue::from(object)
        })
        .collect()
}

fn queues_to_js(machine: &Machine, names: &[&'static str]) -> JsValue {
    let Queues {
        stack,
        ready,
        promise_reactions,
        executor_queued,
        timers,
    } = &machine.queues;
    let object = Object::new();
    set(&object, "step", &JsValue::from_f64(machine.step as f64));
    set(&object, "t", &machine.t.into());
    set(&object, "stack", &ids_to_js(stack, names));
    set(&object, "ready", &ids_to_js(ready, names));
    let microtasks = Array::new();
    if *executor_queued {
        let run = Object::new();
        set(&run, "kind", &"executor".into());
        set(
            &run,
            "what",
            &"wasm-bindgen-futures runs its queue (inferred from the run's wake)".into(),
        );
        microtasks.push(&run);
    }
    for &leaf in promise_reactions {
        let reaction = Object::new();
        set(&reaction, "kind", &"reaction".into());
        set(&reaction, "id", &leaf.into());
        set(
            &reaction,
            "what",
            &"a reaction registered on a pending Promise: it wakes its future when the Promise settles".into(),
        );
        microtasks.push(&reaction);
    }
    set(&object, "microtasks", &microtasks);
    let timers: Array = timers
        .iter()
        .map(|timer| {
            let js = Object::new();
            set(&js, "id", &timer.id.into());
            set(&js, "owner", &timer.owner.into());
            set(&js, "dueMs", &timer.due_ms.into());
            let state = match timer.state {
                crate::runtime::machine::NodeState::Dropped => "cleared",
                crate::runtime::machine::NodeState::Woken
                | crate::runtime::machine::NodeState::Ready => "fired",
                _ => "armed",
            };
            set(&js, "state", &state.into());
            if let Some(at) = timer.settled_ms {
                set(&js, "atMs", &at.into());
            }
            JsValue::from(js)
        })
        .collect();
    set(&object, "timers", &timers);
    object.into()
}

/// The tree of futures of the last run (or run `runId`) at event index `step`
/// (default: the end): the run, its combinators, its tasks and the leaves they
/// wait on, each with its state then and, where it waits, the source line of
/// its `.await`. Throws a RangeError for a step or run that does not exist.
#[wasm_bindgen(unchecked_return_type = "FutureNode[]", skip_jsdoc)]
pub fn tree(
    #[wasm_bindgen(
        param_description = "an event index, 0 to lastRun().steps - 1 (default: the end)"
    )]
    step: Option<Millis>,
    #[wasm_bindgen(js_name = runId, param_description = "which run, one of the last 8 (default: the last)")]
    run_id: Option<Millis>,
) -> Result<JsValue, JsValue> {
    let (machine, _) = machine(step, run_id)?;
    Ok(machine
        .roots
        .iter()
        .map(node_to_js)
        .collect::<Array>()
        .into())
}

/// The queues of the last run (or run `runId`) at event index `step`
/// (default: the end): the stack of polls running, the tasks woken and not yet
/// polled, the microtasks the lab has queued, and the JS timers it armed.
/// Throws a RangeError for a step or run that does not exist.
#[wasm_bindgen(unchecked_return_type = "MachineQueues", skip_jsdoc)]
pub fn queues(
    #[wasm_bindgen(
        param_description = "an event index, 0 to lastRun().steps - 1 (default: the end)"
    )]
    step: Option<Millis>,
    #[wasm_bindgen(js_name = runId, param_description = "which run, one of the last 8 (default: the last)")]
    run_id: Option<Millis>,
) -> Result<JsValue, JsValue> {
    let (machine, names) = machine(step, run_id)?;
    Ok(queues_to_js(&machine, &names))
}

#[wasm_bindgen(typescript_custom_section)]
const MACHINE_TYPES: &str = r#"
/** Where a future is suspended: the line of its `.await` in the source that compiled. */
export interface SourceSite {
  /** As rustc names it, e.g. "src/lessons/sequence.rs". */
  file: string;
  /** Counting from 1. */
  line: number;
  /** The line's text, when the page has loaded the sources (the console's lab.tree adds it). */
  text?: string;
}

/** One future of a run at one step: `tree(step)`. */
export interface FutureNode {
  /** Its index in the run's record. */
  id: number;
  name: string;
  kind: "run" | "task" | "join" | "join_all" | "try_join" | "select" | "select_ok" | "timer" | "fetch" | "promise" | "channel" | "worker";
  /** created: never polled; pending: returned Pending; woken: waker called, not yet polled; polling: its poll runs now. */
  state: "created" | "pending" | "woken" | "polling" | "ready" | "dropped";
  /** The id of the leaf it waits on, when it waits. */
  waitsOn?: number;
  /** Where it is suspended (a leaf: where it was made). */
  at?: SourceSite;
  /** A timer's due time, ms since the run started. */
  dueMs?: number;
  children: FutureNode[];
}

/** The machine's queues at one step: `queues(step)`. */
export interface MachineQueues {
  step: number;
  /** The step's time, ms since the run started. */
  t: number;
  /** The polls running, outermost first; the executor's own poll is beneath them. */
  stack: { id: number; name: string }[];
  /** Tasks woken and not yet polled, in the order woken. */
  ready: { id: number; name: string }[];
  /** What the lab has queued as microtasks, or registered to become one. */
  microtasks: { kind: "executor" | "reaction"; id?: number; what: string }[];
  /** Every JS timer armed so far: armed, fired, or cleared because its future was dropped. */
  timers: { id: number; owner: string; dueMs: number; state: "armed" | "fired" | "cleared"; atMs?: number }[];
}
"#;
