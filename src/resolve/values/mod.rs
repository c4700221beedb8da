//! Reading KDL nodes: arguments and properties with their spans, component parameters substituted,
//! and typed conversions that report a diagnostic on the value's span.
//!
//! `node.rs` opens a node for reading, `params.rs` substitutes a component's parameters in what
//! is read, and `convert.rs` turns a value into what the model holds (a string, a count, a
//! quantity, a duration, a name…). Every reader in resolve names them from here.

mod convert;
mod node;
mod params;

pub use convert::{
    AtLeast, abs_path, boolean, count, data_key, decimal_error, dns_label, duration, file_path,
    int, is_quantity, keyword, opt_port_ref, port_number, port_ref, quantity, respelled,
    respelled_error, string, text,
};
pub use node::{NodeView, Prop, Reading};
pub use params::Params;

use crate::source::Span;
use crate::syntax::reader::Value;

/// A value read from the source, after parameter substitution, with where it came from.
#[derive(Clone, Debug)]
pub struct Val {
    /// The value.
    pub value: Value,
    /// Its span: the entry in the source, or the instance's parameter it was substituted from.
    pub span: Span,
    /// The number as written, for decimals (`8.0` would otherwise read back as `8`).
    pub raw: Option<String>,
}

/// A value as text: strings bare, numbers and booleans in their usual spelling.
pub fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
    }
}

/// A value as a message shows what was written: text bare (the message quotes it), numbers as
/// written, `#true`, `#false` and `#null` as KDL spells them. `display` would show `#null` as
/// nothing at all.
pub fn written(val: &Val) -> String {
    match &val.value {
        Value::String(s) => s.clone(),
        _ => written_kdl(val),
    }
}

/// A value as KDL source: text in quotes, numbers as written, `#true`, `#false`, `#null`.
pub fn written_kdl(val: &Val) -> String {
    match &val.value {
        Value::String(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        Value::Integer(_) | Value::Float(_) => {
            val.raw.clone().unwrap_or_else(|| display(&val.value))
        }
        Value::Bool(b) => format!("#{b}"),
        Value::Null => "#null".to_owned(),
    }
}

/// What kind of value this is, for messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a decimal number",
        Value::Bool(_) => "a boolean",
        Value::Null => "#null",
    }
}

/// `1 character`, `3 characters`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
