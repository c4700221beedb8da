//! Reading KDL nodes: arguments and properties with their spans, component parameters substituted,
//! and typed conversions that report a diagnostic on the value's span.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics, codes, suggest_help};
use crate::model::names::is_dns_label;
use crate::source::{FileId, Span};
use crate::syntax::reader::{Node, Value, ValueRef};

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

/// Component parameters in scope while reading a component's body.
#[derive(Clone, Debug, Default)]
pub struct Params {
    /// Parameter values by name (`name` and `app` included).
    pub values: BTreeMap<String, Val>,
}

impl Params {
    /// Replaces `{param}` in a string; `{{` and `}}` are literal braces. A string that is exactly
    /// one parameter takes that parameter's value, type and span.
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
                out.push('}');
                rest = after;
                continue;
            }
            let Some(end) = tail.find('}') else {
                out.push_str(tail);
                rest = "";
                break;
            };
            let key = &tail[1..end];
            match self.values.get(key) {
                Some(val) => out.push_str(&display(&val.value)),
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
            span,
            raw: None,
        }
    }
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

/// A property of a node: its key (and the key's span) and its value.
#[derive(Clone, Debug)]
pub struct Prop {
    /// Property name.
    pub key: String,
    /// Span of the whole `key=value`.
    pub span: Span,
    /// The value.
    pub val: Val,
}

/// A node opened for reading, with the parameters of the component it belongs to.
#[derive(Clone, Copy)]
pub struct NodeView<'a> {
    /// The node.
    pub node: Node<'a>,
    /// The file it is in.
    pub file: FileId,
    /// Parameters in scope.
    pub params: &'a Params,
}

impl<'a> NodeView<'a> {
    /// The node's name.
    pub fn name(&self) -> &'a str {
        self.node.name()
    }

    /// Span of the node's name.
    pub fn name_span(&self) -> Span {
        Span::from_range(self.file, self.node.name_span())
    }

    /// Span of the whole node.
    pub fn span(&self) -> Span {
        Span::from_range(self.file, self.node.span())
    }

    /// The node's children, each with the same parameters.
    pub fn children(&self) -> impl Iterator<Item = NodeView<'a>> + 'a {
        let (file, params) = (self.file, self.params);
        self.node
            .children()
            .into_iter()
            .flatten()
            .map(move |node| NodeView { node, file, params })
    }

    /// Whether the node has a `{ … }` block.
    pub fn has_children(&self) -> bool {
        self.node.children().is_some()
    }

    /// Reads arguments and properties, substituting parameters. A property whose whole value is a
    /// parameter set to `#null` is dropped.
    pub fn read(&self, diags: &mut Diagnostics) -> Reading {
        let mut args = Vec::new();
        let mut props: Vec<Prop> = Vec::new();
        for entry in self.node.entries() {
            let span = Span::from_range(self.file, entry.span());
            // A property's value is labelled on the value alone, not on `key=value`.
            let value_span = match entry.name() {
                Some(_) => Span::from_range(self.file, entry.value_span()),
                None => span,
            };
            let val = match entry.value() {
                ValueRef::String(s) => self.params.substitute(s, value_span, diags),
                other => Val {
                    value: other.to_value(),
                    span: value_span,
                    raw: entry.raw().map(str::to_owned),
                },
            };
            match entry.name() {
                None => args.push(val),
                Some(key) => {
                    let from_null_param = matches!(val.value, Value::Null)
                        && matches!(entry.value(), ValueRef::String(_));
                    if from_null_param {
                        continue;
                    }
                    props.push(Prop {
                        key: key.to_owned(),
                        span,
                        val,
                    });
                }
            }
        }
        keep_last(&mut props);
        Reading {
            node_name: self.name().to_owned(),
            node_span: self.name_span(),
            args,
            props,
            used_args: 0,
        }
    }
}

/// KDL 2.0: the last of duplicate properties wins, in its place. Not quadratic in the number of
/// properties, so that one node with thousands of them (`env` with every variable) stays fast.
fn keep_last(props: &mut Vec<Prop>) {
    let duplicated = |i: usize| props[i + 1..].iter().any(|q| q.key == props[i].key);
    let keep: Vec<bool> = if props.len() <= 16 {
        if !(0..props.len()).any(duplicated) {
            return;
        }
        (0..props.len()).map(|i| !duplicated(i)).collect()
    } else {
        let mut last: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, p) in props.iter().enumerate() {
            last.insert(&p.key, i);
        }
        if last.len() == props.len() {
            return;
        }
        (0..props.len())
            .map(|i| last.get(props[i].key.as_str()) == Some(&i))
            .collect()
    };
    let mut keep = keep.into_iter();
    props.retain(|_| keep.next().unwrap_or(true));
}

/// The arguments and properties of one node, consumed by typed getters.
#[derive(Debug)]
pub struct Reading {
    node_name: String,
    node_span: Span,
    /// Positional arguments.
    pub args: Vec<Val>,
    /// Properties, in order.
    pub props: Vec<Prop>,
    used_args: usize,
}

impl Reading {
    /// Names the node in messages by the form being read (`canary none` rather than `canary`).
    pub fn set_form(&mut self, form: String) {
        self.node_name = form;
    }

    /// Span of the node's name.
    pub fn node_span(&self) -> Span {
        self.node_span
    }

    /// Takes the next positional argument.
    pub fn next_arg(&mut self) -> Option<Val> {
        let val = self.args.get(self.used_args).cloned();
        if val.is_some() {
            self.used_args += 1;
        }
        val
    }

    /// Takes the next argument, reporting `missing-value` when there is none.
    pub fn require_arg(
        &mut self,
        what: &str,
        example: &str,
        diags: &mut Diagnostics,
    ) -> Option<Val> {
        let val = self.next_arg();
        if val.is_none() {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_VALUE,
                    format!("`{}` needs {what}", self.node_name),
                )
                .label(self.node_span, format!("{what} missing"))
                .help(format!("write it as `{example}`")),
            );
        }
        val
    }

    /// Takes every remaining argument.
    pub fn rest_args(&mut self) -> Vec<Val> {
        let rest = self.args.get(self.used_args..).unwrap_or_default().to_vec();
        self.used_args = self.args.len();
        rest
    }

    /// Takes a property by key.
    pub fn prop(&mut self, key: &str) -> Option<Val> {
        let i = self.props.iter().position(|p| p.key == key)?;
        Some(self.props.remove(i).val)
    }

    /// Takes a property, reporting `missing-value` when it is absent.
    pub fn require_prop(
        &mut self,
        key: &str,
        example: &str,
        diags: &mut Diagnostics,
    ) -> Option<Val> {
        let val = self.prop(key);
        if val.is_none() {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_VALUE,
                    format!("`{}` needs `{key}=`", self.node_name),
                )
                .label(self.node_span, format!("`{key}` missing"))
                .help(format!("write it as `{example}`")),
            );
        }
        val
    }

    /// Takes every remaining property.
    pub fn rest_props(&mut self) -> Vec<Prop> {
        std::mem::take(&mut self.props)
    }

    /// Reports every argument and property that no getter took. `known` lists the properties the
    /// node takes, for "did you mean".
    pub fn finish(self, known: &[&str], diags: &mut Diagnostics) {
        for prop in &self.props {
            let help = if known.is_empty() {
                format!("`{}` takes no properties", self.node_name)
            } else {
                let list = known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                suggest_help(
                    &prop.key,
                    known.iter().copied(),
                    &format!("`{}` takes {list}", self.node_name),
                )
            };
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_PROPERTY,
                    format!("`{}` has no property `{}`", self.node_name, prop.key),
                )
                .label(prop.span, "unknown property")
                .help(help),
            );
        }
        for extra in self.args.iter().skip(self.used_args) {
            diags.push(
                Diagnostic::error(
                    codes::UNEXPECTED_ARGUMENT,
                    format!("`{}` does not take this argument", self.node_name),
                )
                .label(extra.span, "unexpected")
                .help("remove it, or see the node's form in docs/language.md"),
            );
        }
    }
}

fn type_error(val: &Val, expected: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_TYPE,
        format!("expected {expected}, found {}", type_name(&val.value)),
    )
    .label(val.span, format!("{} here", type_name(&val.value)))
    .help(help.to_owned())
}

/// A decimal number where text is meant: its written digits would not survive (`1.10` reads as
/// `1.1`), so it must be quoted.
pub fn decimal_error(val: &Val) -> Diagnostic {
    let written = val.raw.clone().unwrap_or_else(|| display(&val.value));
    type_error(val, "a string", &format!("quote it: \"{written}\""))
}

/// A string value.
pub fn string(val: &Val, diags: &mut Diagnostics) -> Option<String> {
    match &val.value {
        Value::String(s) => Some(s.clone()),
        Value::Float(_) => {
            diags.push(decimal_error(val));
            None
        }
        Value::Integer(_) => {
            let written = val.raw.clone().unwrap_or_else(|| display(&val.value));
            diags.push(type_error(
                val,
                "a string",
                &format!("quote it: \"{written}\""),
            ));
            None
        }
        _ => {
            diags.push(type_error(val, "a string", "write a double-quoted string"));
            None
        }
    }
}

/// A string, number or boolean written as text (environment values, labels).
pub fn text(val: &Val, diags: &mut Diagnostics) -> Option<String> {
    match &val.value {
        Value::Null => {
            diags.push(type_error(
                val,
                "a value",
                "write a string, a number or a boolean",
            ));
            None
        }
        Value::Float(_) => {
            diags.push(decimal_error(val));
            None
        }
        Value::Integer(_) if respelled(val).is_some() => {
            diags.push(respelled_error(val));
            None
        }
        other => Some(display(other)),
    }
}

/// How an integer was written when that is not its decimal spelling (`007`, `0x10`, `1_000`,
/// `+1`): as text it would become other digits (`7`, `16`, `1000`, `1`).
pub fn respelled(val: &Val) -> Option<&str> {
    match (&val.value, &val.raw) {
        (Value::Integer(i), Some(raw)) if *raw != i.to_string() => Some(raw),
        _ => None,
    }
}

/// An integer where text is meant, written other than in its decimal spelling: the text would
/// not be what was written, so it must be quoted.
pub fn respelled_error(val: &Val) -> Diagnostic {
    let shown = display(&val.value);
    let written = respelled(val).map_or_else(|| shown.clone(), str::to_owned);
    Diagnostic::error(
        codes::INVALID_TYPE,
        format!("the integer `{written}` would be written as `{shown}`"),
    )
    .label(val.span, "an integer here")
    .help(format!("quote it to keep it as written: \"{written}\""))
}

/// A whole number in `min..=max`.
pub fn int(val: &Val, min: i64, max: i64, diags: &mut Diagnostics) -> Option<i64> {
    let n = match &val.value {
        Value::Integer(i) => *i,
        Value::String(s) if s.trim().parse::<i128>().is_ok() => {
            diags.push(type_error(
                val,
                "a number",
                &format!("remove the quotes: {}", s.trim()),
            ));
            return None;
        }
        _ => {
            diags.push(type_error(
                val,
                "a whole number",
                &format!("write a number from {min} to {max}"),
            ));
            return None;
        }
    };
    if n < i128::from(min) || n > i128::from(max) {
        diags.push(
            Diagnostic::error(codes::INVALID_VALUE, format!("{n} is out of range"))
                .label(val.span, format!("must be from {min} to {max}"))
                .help(format!("write a number from {min} to {max}")),
        );
        return None;
    }
    i64::try_from(n).ok()
}

/// A non-negative count that fits Kubernetes' int32 fields.
pub fn count(val: &Val, min: u32, diags: &mut Diagnostics) -> Option<u32> {
    int(val, i64::from(min), i64::from(i32::MAX), diags).and_then(|n| u32::try_from(n).ok())
}

/// A port number, 1–65535.
pub fn port_number(val: &Val, diags: &mut Diagnostics) -> Option<u16> {
    int(val, 1, 65535, diags).and_then(|n| u16::try_from(n).ok())
}

/// A boolean.
pub fn boolean(val: &Val, diags: &mut Diagnostics) -> Option<bool> {
    match &val.value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" || s == "false" => {
            diags.push(type_error(
                val,
                "a boolean",
                &format!("KDL booleans are written #{s}"),
            ));
            None
        }
        _ => {
            diags.push(type_error(val, "a boolean", "write #true or #false"));
            None
        }
    }
}

/// One of a fixed set of words.
pub fn keyword(val: &Val, allowed: &[&str], diags: &mut Diagnostics) -> Option<String> {
    let word = string(val, diags)?;
    if allowed.contains(&word.as_str()) {
        return Some(word);
    }
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    diags.push(
        Diagnostic::error(
            codes::INVALID_VALUE,
            format!("`{word}` is not one of {list}"),
        )
        .label(val.span, "unknown value")
        .help(suggest_help(
            &word,
            allowed.iter().copied(),
            &format!("write one of {list}"),
        )),
    );
    None
}

/// A Kubernetes quantity (`"250m"`, `"512Mi"`, `"1"`, `2`).
pub fn quantity(val: &Val, diags: &mut Diagnostics) -> Option<String> {
    let text = match &val.value {
        Value::String(s) => s.clone(),
        Value::Integer(i) if *i >= 0 => i.to_string(),
        Value::Float(f) if *f >= 0.0 => format!("{f:?}"),
        _ => {
            diags.push(type_error(
                val,
                "a quantity",
                "write a quantity such as \"500m\", \"1\" or \"512Mi\"",
            ));
            return None;
        }
    };
    if is_quantity(&text) {
        return Some(text);
    }
    let digits: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let unit = text[digits.len()..].trim().to_ascii_lowercase();
    let prefix = unit.trim_end_matches(['b', 'B']).trim_end_matches('i');
    let help = match prefix {
        "k" | "m" | "g" | "t" | "p" | "e" if !digits.is_empty() && unit != "m" => {
            let upper = if prefix == "k" { "k".to_owned() } else { prefix.to_ascii_uppercase() };
            let binary = format!("{}i", prefix.to_ascii_uppercase());
            format!("write `{digits}{upper}` (powers of 1000) or `{digits}{binary}` (powers of 1024)")
        }
        _ => "a quantity is a number with an optional suffix: m (milli), k, M, G, T, or Ki, Mi, Gi, Ti".to_owned(),
    };
    diags.push(
        Diagnostic::error(
            codes::INVALID_QUANTITY,
            format!("`{text}` is not a Kubernetes quantity"),
        )
        .label(val.span, "invalid quantity")
        .help(help),
    );
    None
}

/// Whether `s` is a Kubernetes quantity: a decimal number and an optional suffix.
pub fn is_quantity(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let number_len = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, suffix) = body.split_at(number_len);
    let dots = number.matches('.').count();
    if number.is_empty() || number == "." || dots > 1 {
        return false;
    }
    match suffix {
        "" | "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            true
        }
        exp => {
            let Some(digits) = exp.strip_prefix(['e', 'E']) else {
                return false;
            };
            let digits = digits.strip_prefix(['+', '-']).unwrap_or(digits);
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// A duration in whole seconds: `10`, `"10s"`, `"2m"`, `"1h30m"`.
pub fn duration(val: &Val, diags: &mut Diagnostics) -> Option<u32> {
    let secs = match &val.value {
        Value::Integer(i) => u32::try_from(*i).ok(),
        Value::String(s) => parse_duration(s),
        _ => None,
    };
    if secs.is_none() {
        diags.push(
            Diagnostic::error(
                codes::INVALID_DURATION,
                format!("`{}` is not a duration", display(&val.value)),
            )
            .label(val.span, "invalid duration")
            .help("write whole seconds (`30`) or a number with a unit: \"30s\", \"5m\", \"1h30m\""),
        );
    }
    secs
}

fn parse_duration(s: &str) -> Option<u32> {
    let mut total: u64 = 0;
    let mut number = String::new();
    if s.is_empty() {
        return None;
    }
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !number.is_empty() {
        total = total.checked_add(number.parse().ok()?)?;
    }
    u32::try_from(total)
        .ok()
        .filter(|t| i32::try_from(*t).is_ok())
}

/// A DNS-1123 label for something named `what`, at most `max` characters once lowered.
pub fn dns_label(
    val: &Val,
    what: &str,
    max: usize,
    why: &str,
    diags: &mut Diagnostics,
) -> Option<String> {
    let name = string(val, diags)?;
    if !is_dns_label(&name) {
        let fixed: String = name
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .to_owned();
        let help = if is_dns_label(&fixed) {
            format!("Kubernetes names use lower-case letters, digits and `-`: try `{fixed}`")
        } else {
            "Kubernetes names use lower-case letters, digits and `-`, and start and end with a letter or digit".to_owned()
        };
        diags.push(
            Diagnostic::error(
                codes::INVALID_NAME,
                format!("`{name}` is not a valid {what} name"),
            )
            .label(val.span, "not a DNS-1123 label")
            .help(help),
        );
        return None;
    }
    if name.len() > max {
        diags.push(
            Diagnostic::error(
                codes::NAME_TOO_LONG,
                format!(
                    "{what} name `{name}` is {} characters; at most {max} fit",
                    name.len()
                ),
            )
            .label(
                val.span,
                format!(
                    "{} over",
                    super::container::plural(name.len() - max, "character")
                ),
            )
            .help(format!("shorten it to {max} characters or fewer: {why}")),
        );
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for ok in [
            "1", "250m", "0.5", "512Mi", "1Gi", "1G", "1e3", "1.5Gi", "+1", "100k",
        ] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["1Gb", "", "Gi", "1gi", "1.2.3", "1 Gi", "12MB", "e3"] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Some(10));
        assert_eq!(parse_duration("2m"), Some(120));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("45"), Some(45));
        assert_eq!(parse_duration("10x"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("99999999999s"), None);
    }

    #[test]
    fn the_last_of_duplicate_properties_wins_in_its_place() {
        let keys = |text: &str| -> Vec<(String, String)> {
            let doc = crate::syntax::reader::read(text).unwrap();
            let node = doc.nodes().next().unwrap();
            let params = Params::default();
            let view = NodeView {
                node,
                file: FileId(0),
                params: &params,
            };
            let mut diags = Diagnostics::new();
            view.read(&mut diags)
                .props
                .into_iter()
                .map(|p| (p.key, display(&p.val.value)))
                .collect()
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(
            keys("n a=1 b=2 a=3 c=4"),
            pairs(&[("b", "2"), ("a", "3"), ("c", "4")])
        );
        assert_eq!(keys("n a=1 b=2"), pairs(&[("a", "1"), ("b", "2")]));
        // Past the small case, the same through a map.
        let many: String = (0..40).map(|i| format!(" k{}={i}", i % 30)).collect();
        let got = keys(&format!("n{many}"));
        let want: Vec<(String, String)> = (10..40)
            .map(|i| (format!("k{}", i % 30), i.to_string()))
            .collect();
        assert_eq!(got, want);
    }
}
