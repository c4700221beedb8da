//! Typed conversions: a value read from a node becomes what the model holds, or a diagnostic on
//! the value's span that says what was expected and how to write it.

use std::cmp::Ordering;

use super::node::Reading;
use super::{Val, display, plural, type_name, written};
use crate::diag::{Diagnostic, Diagnostics, codes, suggest_help};
use crate::model::PortRef;
use crate::model::names::is_dns_label;
use crate::syntax::reader::Value;

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

/// How small a quantity may be: the API server refuses every negative quantity, and some amounts
/// (a volume's size) must be more than nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtLeast {
    /// `0` is accepted (a request of nothing).
    Zero,
    /// `0` is refused; the string says what the amount is, for the message.
    AboveZero(&'static str),
}

/// A Kubernetes quantity (`"250m"`, `"512Mi"`, `"1"`, `2`), never negative; with
/// [`AtLeast::AboveZero`], never zero.
pub fn quantity(val: &Val, least: AtLeast, diags: &mut Diagnostics) -> Option<String> {
    let text = quantity_text(val, diags)?;
    let sign = quantity_sign(&text);
    let message = match (sign, least) {
        (Ordering::Less, _) => format!("`{text}` is a negative quantity"),
        (Ordering::Equal, AtLeast::AboveZero(what)) => format!("{what} cannot be zero"),
        _ => return Some(text),
    };
    let label = if sign == Ordering::Less {
        "below zero"
    } else {
        "zero"
    };
    let help = match least {
        AtLeast::Zero => "write an amount of 0 or more, such as \"250m\" or \"512Mi\"",
        AtLeast::AboveZero(_) => "write an amount greater than zero, such as \"1Gi\"",
    };
    diags.push(
        Diagnostic::error(codes::INVALID_QUANTITY, message)
            .label(val.span, label)
            .help(help),
    );
    None
}

/// Whether a well-formed quantity is below, at or above zero.
fn quantity_sign(text: &str) -> Ordering {
    let (negative, body) = match text.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let mantissa = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(body, |end| &body[..end]);
    if mantissa.chars().all(|c| c == '0' || c == '.') {
        Ordering::Equal
    } else if negative {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

/// The text of a quantity, reported when it does not parse.
fn quantity_text(val: &Val, diags: &mut Diagnostics) -> Option<String> {
    let text = match &val.value {
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) if f.is_finite() => format!("{f:?}"),
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
                format!("`{}` is not a duration", written(val)),
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
                format!("{} over", plural(name.len() - max, "character")),
            )
            .help(format!("shorten it to {max} characters or fewer: {why}")),
        );
        return None;
    }
    Some(name)
}

/// An absolute path in a container.
pub fn abs_path(val: &Val, diags: &mut Diagnostics) -> Option<String> {
    let path = string(val, diags)?;
    if !path.starts_with('/') {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("`{path}` is not an absolute path"),
            )
            .label(val.span, "must start with `/`")
            .help(format!("write \"/{path}\"")),
        );
        return None;
    }
    Some(path)
}

/// A key in a Secret or ConfigMap, as the API server takes it: `[-._a-zA-Z0-9]+`, at most 253
/// characters, not `.` and not starting with `..`.
pub fn data_key(val: &Val, object: &str, diags: &mut Diagnostics) -> Option<String> {
    let key = text(val, diags)?;
    let (message, label) = if key.is_empty() {
        (
            format!("a {object} key cannot be empty"),
            "empty".to_owned(),
        )
    } else if key.len() > 253 {
        (
            format!("a {object} key of {} characters is too long", key.len()),
            "over 253 characters".to_owned(),
        )
    } else if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        let label = match c {
            ' ' => "a space is not allowed".to_owned(),
            c => format!("`{c}` is not allowed"),
        };
        (format!("`{key}` is not a valid {object} key"), label)
    } else if key == "." || key.starts_with("..") {
        (
            format!("`{key}` is not a valid {object} key"),
            "a key cannot be `.` or start with `..`".to_owned(),
        )
    } else {
        return Some(key);
    };
    diags.push(
        Diagnostic::error(codes::INVALID_VALUE, message)
            .label(val.span, label)
        .help(format!("{object} keys are letters, digits, `-`, `_` and `.`, at most 253 characters; use the key exactly as the {object} holds it")),
    );
    None
}

/// The absolute path of a file: a path ending in `/` names a directory, and the file would be
/// mounted over it.
pub fn file_path(val: &Val, diags: &mut Diagnostics) -> Option<String> {
    let path = abs_path(val, diags)?;
    if !path.ends_with('/') {
        return Some(path);
    }
    let trimmed = path.trim_end_matches('/');
    let help = if trimmed.is_empty() {
        "write the file's path, such as \"/etc/app/config.yml\"".to_owned()
    } else {
        format!(
            "write the file's name after the directory, such as \"{trimmed}/config.yml\", or \"{trimmed}\" if that is the file"
        )
    };
    diags.push(
        Diagnostic::error(
            codes::INVALID_VALUE,
            format!("`{path}` names a directory, not a file"),
        )
        .label(val.span, "ends with `/`")
        .help(help),
    );
    None
}

/// A port given by number or by the name of a declared port.
pub fn port_ref(val: &Val, diags: &mut Diagnostics) -> Option<PortRef> {
    match &val.value {
        Value::Integer(_) => port_number(val, diags).map(PortRef::Number),
        Value::String(s) => Some(PortRef::Name(s.clone())),
        _ => {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_TYPE,
                    format!("expected a port, found {}", type_name(&val.value)),
                )
                .label(val.span, "not a port")
                .help("write a port number (`8080`) or the name of a declared port (`\"http\"`)"),
            );
            None
        }
    }
}

/// Reads `port=` of a probe or route: a number or a declared port's name; `None` means primary.
pub fn opt_port_ref(e: &mut Reading, diags: &mut Diagnostics) -> Option<PortRef> {
    e.prop("port").and_then(|v| port_ref(&v, diags))
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
    fn quantity_signs() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        for (text, sign) in [
            ("0", Equal),
            ("0Gi", Equal),
            ("0.0", Equal),
            ("-0", Equal),
            ("0e3", Equal),
            ("-1", Less),
            ("-250m", Less),
            ("+1Gi", Greater),
            ("0.5", Greater),
            ("1e-3", Greater),
        ] {
            assert_eq!(super::quantity_sign(text), sign, "{text}");
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
}
