//! Cron schedules as the Kubernetes API server reads them (the standard five-field parser of
//! `robfig/cron`, which the CronJob validation uses): each field's range, lists, ranges and steps.

/// One field of a schedule: its name, the values it takes, and the names it also takes.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: MONTHS,
    },
    Field {
        name: "day of week",
        min: 0,
        max: 6,
        names: WEEKDAYS,
    },
];

/// The macros the API server takes in place of five fields.
const MACROS: &[&str] = &[
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

/// What is wrong with a schedule: a label for the value and a help line.
#[derive(Debug)]
pub(super) struct CronError {
    /// Says which field is wrong and why.
    pub label: String,
    /// Says what that field takes.
    pub help: String,
}

/// Checks a schedule; `Err` says which field is wrong.
pub(super) fn check(s: &str) -> Result<(), CronError> {
    let s = s.trim();
    if s.starts_with('@') {
        return if MACROS.contains(&s) {
            Ok(())
        } else {
            Err(CronError {
                label: format!("`{s}` is not a schedule macro"),
                help: format!("use one of {}, or five fields", MACROS.join(", ")),
            })
        };
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() != 5 {
        return Err(CronError {
            label: "expected five fields: minute hour day-of-month month day-of-week".to_owned(),
            help: "write a schedule such as \"0 3 * * *\" (03:00 every day) or \"@hourly\""
                .to_owned(),
        });
    }
    for (word, field) in words.iter().zip(&FIELDS) {
        for part in word.split(',') {
            check_part(part, field).map_err(|label| CronError {
                label,
                help: field_help(field),
            })?;
        }
    }
    Ok(())
}

fn field_help(field: &Field) -> String {
    let names = match field.names.first().zip(field.names.last()) {
        Some((first, last)) => format!(" or {}–{}", first.to_uppercase(), last.to_uppercase()),
        None => String::new(),
    };
    let sunday = if field.names == WEEKDAYS {
        " (Sunday is 0; the API server does not take 7)"
    } else {
        ""
    };
    format!(
        "the {} field takes {}–{}{names}{sunday}, as a value, a range `A-B`, a list `A,B` or a step `*/N` with N ≥ 1",
        field.name, field.min, field.max
    )
}

/// One comma-separated part of a field: `*`, `?`, `A`, `A-B`, each optionally with `/STEP`.
fn check_part(part: &str, field: &Field) -> Result<(), String> {
    let (range, step) = match part.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (part, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(0) => return Err(format!("a step of 0 in the {} field", field.name)),
            Ok(_) => {}
            Err(_) => {
                return Err(format!(
                    "`{step}` is not a step in the {} field",
                    field.name
                ));
            }
        }
    }
    if range == "*" || range == "?" {
        return Ok(());
    }
    let (low, high) = match range.split_once('-') {
        Some((low, high)) => (value(low, field)?, Some(value(high, field)?)),
        None => (value(range, field)?, None),
    };
    if let Some(high) = high
        && low > high
    {
        return Err(format!(
            "the range `{range}` in the {} field runs backwards",
            field.name
        ));
    }
    Ok(())
}

/// A number or a name within the field's range.
fn value(text: &str, field: &Field) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = field.names.iter().position(|n| *n == lower) {
        // Months count from 1, weekdays from 0: the first name is the field's minimum.
        return Ok(field.min + i as u32);
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a {}", field.name));
    }
    match text.parse::<u32>() {
        Ok(n) if (field.min..=field.max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{} {text} is outside {}–{}",
            field.name, field.min, field.max
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn schedules() {
        for ok in [
            "0 3 * * *",
            "*/15 * * * *",
            "0 9-17/2 * * MON-FRI",
            "0 0 1,15 * *",
            "0 0 ? JAN,jul sun",
            "5/10 * * * *",
            "0 0 31 12 6",
            "@hourly",
            " 0 3 * * * ",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for bad in [
            "61 * * * *",
            "*/0 * * * *",
            "0 0 1 13 *",
            "0 0 * * 8",
            "0 0 * * 7",
            "5-2 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * FOO *",
            "0 0 * * *,",
            "* * * *",
            "@every",
            "-1 * * * *",
            "1/x * * * *",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
