//! The leaves the generated Rust of the compose presets calls, as stubs with
//! the lab's signatures: enough for cargo to type-check and compile every
//! combinator around them (`tests/compose_presets_generated.rs`). The lab's
//! real leaves are in `src/lessons/compose/run.rs`.
#![allow(dead_code)]

/// What a node gives back.
pub struct Value;

impl Value {
    /// A join's values.
    pub fn list<const N: usize>(_values: [Value; N]) -> Value {
        Value
    }
}

/// Why a node failed.
pub struct Error;

impl Error {
    /// A `timeout` that struck.
    pub fn timed_out(_ms: u32) -> Error {
        Error
    }
    /// A spawned task dropped before it answered.
    pub fn cancelled() -> Error {
        Error
    }
}

pub async fn sleep(_ms: u32, _label: &'static str) -> Result<Value, Error> {
    Ok(Value)
}

pub async fn block(_ms: u32, _label: &'static str) -> Result<Value, Error> {
    Ok(Value)
}

pub async fn yield_now(_label: &'static str) -> Result<Value, Error> {
    Ok(Value)
}

pub async fn fetch(_source: &'static str, _label: &'static str) -> Result<Value, Error> {
    Ok(Value)
}

pub async fn fail(_label: &'static str) -> Result<Value, Error> {
    Err(Error)
}

pub async fn timer(_ms: u32) {}
