//! Component parameters: `{param}` in a component's body takes the instance's value.

use std::collections::BTreeMap;

use super::{Val, display};
use crate::diag::{Diagnostic, Diagnostics, codes, suggest_help};
use crate::source::Span;
use crate::syntax::reader::Value;

/// Component parameters in scope while reading a component's body.
#[derive(Clone, Debug, Default)]
pub struct Params {
    /// Parameter values by name (`name` and `app` included).
    pub values: BTreeMap<String, Val>,
}

impl Params {
    /// Replaces `{param}` in a string; `{{` and `}}` are literal braces. A string that is exactly
    /// one parameter takes that parameter's value, type and span. A string made with a value
    /// the instance gave (in another file than the component) takes the span of that value, so
    /// that what is wrong with the result is shown where the user can change it: a bad
    /// `version=` of a standard-library database is the user's value, not the library's line.
    pub fn substitute(&self, text: &str, span: Span, diags: &mut Diagnostics) -> Val {
        if self.values.is_empty() || !text.contains(['{', '}']) {
            return Val {
                value: Value::String(text.to_owned()),
                span,
                raw: None,
            };
        }
        if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}'))
            && !inner.contains(['{', '}'])
            && let Some(val) = self.values.get(inner)
        {
            return val.clone();
        }
        let mut out = String::new();
        let mut given: Option<Span> = None;
        let mut rest = text;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if let Some(after) = tail.strip_prefix('}') {
                lone_brace('}', span, diags);
                out.push('}');
                rest = after;
                continue;
            }
            let Some(end) = tail.find('}') else {
                lone_brace('{', span, diags);
                out.push_str(tail);
                rest = "";
                break;
            };
            let key = &tail[1..end];
            match self.values.get(key) {
                Some(val) => {
                    out.push_str(&display(&val.value));
                    if val.span.file != span.file {
                        given.get_or_insert(val.span);
                    }
                }
                None => {
                    diags.push(
                        Diagnostic::error(
                            codes::UNKNOWN_PARAMETER,
                            format!("`{{{key}}}` names no parameter of this component"),
                        )
                        .label(span, "used here")
                        .help(suggest_help(
                            key,
                            self.values.keys().map(String::as_str),
                            "declare it with `param NAME`, or write `{{` for a literal brace",
                        )),
                    );
                }
            }
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        Val {
            value: Value::String(out),
            span: given.unwrap_or(span),
            raw: None,
        }
    }
}

/// A brace that opens or closes no `{param}`: in a component's text a literal brace is written
/// twice, and a single one is a mistake (a parameter whose closing brace was lost) that would
/// otherwise reach the output as it is.
fn lone_brace(brace: char, span: Span, diags: &mut Diagnostics) {
    let what = if brace == '{' {
        "opens no `{param}`: it has no closing `}`"
    } else {
        "closes no `{param}`"
    };
    diags.push(
        Diagnostic::error(codes::INVALID_VALUE, format!("a `{brace}` here {what}"))
            .label(span, "in this text")
            .help(format!(
                "in a component, write `{brace}{brace}` for a literal `{brace}`, or close the parameter: `{{name}}`"
            )),
    );
}
