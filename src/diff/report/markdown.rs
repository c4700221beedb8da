//! The report as a pull-request comment (GitHub-flavoured Markdown), built to lead with danger
//! and to fit: GitHub refuses a comment over 65,536 characters, and a reviewer reads the first
//! screen.
//!
//! 1. A headline and a table of resources per class (one row per section: the base app, each
//!    environment), the one counting unit being resources, each counted under its worst change.
//! 2. What the pruning apply of each section deletes, with the command.
//! 3. Every data-loss, then every breaking change, with what to do; the same change to many
//!    resources of one kind is one line with a count.
//! 4. The workloads that restart.
//! 5. Per section (collapsed when there are several), per resource (collapsed), its changes and
//!    a `diff` block of its YAML, while the budget lasts; the rest is counted, with a pointer to
//!    the full report.
//!
//! Values are never left to Markdown: in prose they sit in code spans, in HTML they are
//! escaped down to the characters Markdown would read as markup.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{field_text, status_text, value_text, yaml_diff};
use crate::diff::{Change, Class, Report, ResourceDiff, Section, Status};

/// A marker a workflow can find the comment by, to update it instead of adding another.
const MARKER: &str = "<!-- windlass-diff -->";
/// The bytes the whole comment may take: below GitHub's 65,536 characters, whatever they are.
pub const BUDGET: usize = 60_000;
/// The bytes the list of dangerous changes may take.
const DANGER_BUDGET: usize = 36_000;
/// What the closing lines may need after the resources stop.
const RESERVE: usize = 1_500;
/// Values longer than this are cut (the YAML diff has them whole).
const VALUE_WIDTH: usize = 80;
/// Sections listed in the table before the rest are counted.
const TABLE_ROWS: usize = 40;
/// Names listed before "and N more".
const NAMES: usize = 20;

/// The report as Markdown for a pull-request comment. `full_report` is where the whole report
/// can be read (a workflow's artifact), named when something had to be left out.
pub fn markdown(sections: &[Section], full_report: Option<&str>) -> String {
    let mut out = format!("{MARKER}\n### Windlass diff\n\n");
    let differ: usize = sections.iter().map(|s| s.report.resources.len()).sum();
    let unchanged: usize = sections.iter().map(|s| s.report.unchanged).sum();
    let several = sections.len() > 1 || sections.iter().any(|s| s.env.is_some());
    let scope = if several {
        format!(" in {}", scope_text(sections))
    } else {
        String::new()
    };
    if differ == 0 {
        let _ = writeln!(
            out,
            "No changes to the manifests{scope} ({unchanged} resources unchanged)."
        );
        return out;
    }
    let mut per_class = [0usize; 5];
    for s in sections {
        for (total, n) in per_class.iter_mut().zip(resource_classes(&s.report)) {
            *total += n;
        }
    }
    let worst: Vec<String> = Class::ALL
        .iter()
        .zip(per_class)
        .filter(|(_, n)| *n > 0)
        .map(|(class, n)| format!("{} {n} {}", icon(*class), class.label()))
        .collect();
    let statuses = if let [section] = sections {
        super::summary(&section.report)
    } else {
        super::overall_summary(sections)
            .split_once(": ")
            .map_or_else(String::new, |(_, counts)| counts.to_owned())
    };
    let _ = writeln!(out, "**{statuses}**{scope} — {}\n", worst.join(", "));
    table(&mut out, sections);
    out.push_str(
        "<sub>Resources, each under its worst change. 🛑 breaking: `kubectl apply` fails · 🔥 data loss: deletes data or starts over with an empty volume · ⚠️ attention: applies, a reviewer should look · 🔄 rollout: applies, pods restart · ✅ safe: applies in place.</sub>\n\n",
    );
    prunes(&mut out, sections);
    let complete_danger = dangerous(&mut out, sections);
    restarts(&mut out, sections);

    out.push_str("#### Resources\n\n");
    let mut left_out = 0usize;
    for section in sections {
        let wrap = several && !section.report.is_empty();
        if wrap {
            let _ = write!(
                out,
                "<details>\n<summary><b>{}</b>: {}</summary>\n\n",
                match &section.env {
                    Some(env) => format!("environment {}", html_code(env)),
                    None => "the app".to_owned(),
                },
                html(&super::summary(&section.report))
            );
        }
        for group in alike(&section.report) {
            let entry = match group.as_slice() {
                [one] => details(one),
                [first, ..] => details_alike(&group, first),
                [] => continue,
            };
            if left_out == 0 && out.len() + entry.len() + RESERVE <= BUDGET {
                out.push_str(&entry);
            } else {
                left_out += group.len();
            }
        }
        if wrap {
            out.push_str("</details>\n\n");
        }
    }
    if left_out > 0 || !complete_danger {
        let _ = writeln!(
            out,
            "**Not shown:** {left_out} resource{} of {differ}, to keep this comment within GitHub's size limit. {}",
            plural(left_out),
            match full_report {
                Some(url) => format!("[The full report]({}) has every change.", url_text(url)),
                None => "Run `windlass diff` (or `--format json`) for the full report.".to_owned(),
            }
        );
    }
    out
}

/// `the app and 2 environments`, `environment `prod``.
fn scope_text(sections: &[Section]) -> String {
    let envs: Vec<&str> = sections.iter().filter_map(|s| s.env.as_deref()).collect();
    let base = sections.iter().any(|s| s.env.is_none());
    match (base, envs.as_slice()) {
        (_, []) => "the app".to_owned(),
        (false, [one]) => format!("environment `{one}`"),
        (true, many) => format!(
            "the app and {} environment{}",
            many.len(),
            plural(many.len())
        ),
        (false, many) => format!("{} environments", many.len()),
    }
}

/// The number of resources whose worst change is of each class, in the order of [`Class::ALL`].
fn resource_classes(report: &Report) -> [usize; 5] {
    let mut counts = [0; 5];
    for r in &report.resources {
        counts[r.class as usize] += 1;
    }
    counts
}

/// The table of resources per class, a row per section.
fn table(out: &mut String, sections: &[Section]) {
    out.push_str("| |");
    for class in Class::ALL {
        let _ = write!(out, " {} {} |", icon(class), class.label());
    }
    out.push_str(" unchanged |\n|---|");
    for _ in 0..=Class::ALL.len() {
        out.push_str("--:|");
    }
    out.push('\n');
    for section in sections.iter().take(TABLE_ROWS) {
        let name = match &section.env {
            Some(env) => format!("env {}", code_span(env)),
            None => "the app".to_owned(),
        };
        let _ = write!(out, "| {name} |");
        for n in resource_classes(&section.report) {
            let _ = write!(
                out,
                " {} |",
                if n == 0 {
                    "·".to_owned()
                } else {
                    n.to_string()
                }
            );
        }
        let _ = writeln!(out, " {} |", section.report.unchanged);
    }
    if sections.len() > TABLE_ROWS {
        let _ = writeln!(
            out,
            "| and {} more | | | | | | |",
            sections.len() - TABLE_ROWS
        );
    }
    out.push('\n');
}

/// One line per section whose pruning apply deletes something.
fn prunes(out: &mut String, sections: &[Section]) {
    let mut any = false;
    for section in sections.iter() {
        if let Some(line) = super::first_apply_line(section) {
            let _ = writeln!(out, "> [!NOTE]\n> {}\n", prose(&line));
        }
        let Some(apply) = &section.apply else {
            continue;
        };
        let deleted: Vec<String> = section.report.deleted().map(|k| k.to_string()).collect();
        if deleted.is_empty() {
            continue;
        }
        if !any {
            out.push_str("#### Deleted by the apply\n\n");
            any = true;
        }
        let where_ = if section.env.is_some() {
            format!("{}: ", section.title())
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "- {where_}{} object{} no longer in the output ({}) are deleted by  \n  {}",
            deleted.len(),
            plural(deleted.len()),
            names(&deleted),
            code_span(&apply.command())
        );
        if out.len() > DANGER_BUDGET / 2 {
            break;
        }
    }
    if any {
        out.push('\n');
    }
}

/// `a`, `b` and 3 more.
fn names(all: &[String]) -> String {
    let shown: Vec<String> = all.iter().take(NAMES).map(|n| code_span(n)).collect();
    if all.len() > NAMES {
        format!("{} and {} more", shown.join(", "), all.len() - NAMES)
    } else {
        shown.join(", ")
    }
}

/// One dangerous change, or many alike.
struct Group<'a> {
    section: &'a Section,
    change: &'a Change,
    resource: &'a ResourceDiff,
    resources: Vec<String>,
}

/// The data-loss, then the breaking changes, grouped; `false` when some did not fit.
fn dangerous(out: &mut String, sections: &[Section]) -> bool {
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut index: HashMap<(usize, Class, String), usize> = HashMap::new();
    for class in [Class::DataLoss, Class::Breaking] {
        for (s, section) in sections.iter().enumerate() {
            for resource in &section.report.resources {
                for change in resource.changes.iter().filter(|c| c.class == class) {
                    let shape = shape(resource, change);
                    let at = *index.entry((s, class, shape)).or_insert_with(|| {
                        groups.push(Group {
                            section,
                            change,
                            resource,
                            resources: Vec::new(),
                        });
                        groups.len() - 1
                    });
                    groups[at].resources.push(resource.key.to_string());
                }
            }
        }
    }
    if groups.is_empty() {
        return true;
    }
    out.push_str("#### 🔥 Data loss and 🛑 breaking changes\n\n");
    let start = out.len();
    for (shown, group) in groups.iter().enumerate() {
        let item = danger_item(group, sections.len() > 1);
        if out.len() - start + item.len() > DANGER_BUDGET {
            let rest: usize = groups[shown..].iter().map(|g| g.resources.len()).sum();
            let _ = writeln!(
                out,
                "- … and {rest} more dangerous change{} (see below the full report)\n",
                plural(rest)
            );
            return false;
        }
        out.push_str(&item);
    }
    out.push('\n');
    true
}

fn danger_item(group: &Group<'_>, several: bool) -> String {
    let change = group.change;
    let resource = group.resource;
    let mut item = format!("- {} **{}**", icon(change.class), change.class.label());
    if several {
        let _ = write!(item, " in {}", group.section.title());
    }
    let n = group.resources.len();
    if n == 1 {
        let _ = write!(item, " — {}", code_span(&resource.key.to_string()));
    } else {
        let _ = write!(
            item,
            " — {n} {}s: {}",
            resource.key.kind,
            names(&group.resources)
        );
    }
    if change.path.is_empty() {
        let _ = write!(item, " {}", status_text(resource));
    } else if n == 1 {
        let _ = write!(
            item,
            " {}: {} → {}",
            code_span(&change.path),
            code_span(&value_text(change.old.as_ref(), VALUE_WIDTH)),
            code_span(&value_text(change.new.as_ref(), VALUE_WIDTH))
        );
    } else {
        let _ = write!(item, ", each {}", code_span(&change.path));
    }
    let whose = if n > 1 {
        format!(
            " (for {}; the same for each)",
            code_span(&resource.key.to_string())
        )
    } else {
        String::new()
    };
    let _ = write!(item, "  \n  {}{whose}", prose(&change.reason));
    if let Some(advice) = &change.advice {
        let _ = write!(item, "  \n  **What to do:** {}", prose(advice));
    }
    item.push('\n');
    item
}

/// What makes two dangerous changes "the same": kind, status, path, values and reason, with
/// the resources' own names and namespaces masked.
fn shape(resource: &ResourceDiff, change: &Change) -> String {
    let mut words: Vec<&str> = vec![resource.key.name.as_str()];
    words.extend(resource.key.namespace.as_deref());
    if let Status::Renamed { from } = &resource.status {
        words.push(from.name.as_str());
        words.extend(from.namespace.as_deref());
    }
    let value = |v: &Option<serde_json::Value>| mask(&value_text(v.as_ref(), usize::MAX), &words);
    format!(
        "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        resource.key.kind,
        resource.status.label(),
        mask(&change.path, &words),
        value(&change.old),
        value(&change.new),
        mask(&change.reason, &words)
    )
}

/// `text` with every whole word in `words` replaced by `…`.
fn mask(text: &str, words: &[&str]) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        if end == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let word = &rest[..end];
        out.push_str(if words.contains(&word) { "…" } else { word });
        rest = &rest[end..];
    }
    out
}

/// The workloads that restart, named up to a point.
fn restarts(out: &mut String, sections: &[Section]) {
    let all: Vec<String> = sections
        .iter()
        .flat_map(|s| {
            s.report.restarts().map(move |k| match &s.env {
                Some(env) => format!("{k} ({env})"),
                None => k.to_string(),
            })
        })
        .collect();
    if !all.is_empty() {
        let _ = writeln!(
            out,
            "#### Restarts\n\nThe pods of {} workload{} are replaced: {}.\n",
            all.len(),
            plural(all.len()),
            names(&all)
        );
    }
}

/// Resources changed alike are shown together from this many on; fewer are shown one by one.
const ALIKE: usize = 3;

/// The resources of a report in groups of those changed alike (same kind, status and changes,
/// their own names aside), in the order of each group's first; a group smaller than [`ALIKE`]
/// is split into its resources.
fn alike(report: &Report) -> Vec<Vec<&ResourceDiff>> {
    let mut groups: Vec<Vec<&ResourceDiff>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut member = Vec::with_capacity(report.resources.len());
    for resource in &report.resources {
        let key: String = resource
            .changes
            .iter()
            .map(|c| shape(resource, c))
            .collect::<Vec<_>>()
            .join("\u{1}");
        let key = format!("{}\u{2}{key}", resource.class.id());
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(resource);
        member.push(at);
    }
    // In the report's order: a large group where its first member is, anything else alone.
    let mut out = Vec::new();
    let mut shown = vec![false; groups.len()];
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    for (resource, at) in report.resources.iter().zip(member) {
        if sizes[at] < ALIKE {
            out.push(vec![resource]);
        } else if !shown[at] {
            shown[at] = true;
            out.push(std::mem::take(&mut groups[at]));
        }
    }
    out
}

/// Resources changed alike: one collapsible section with their names, the changes of the first
/// and its YAML diff.
fn details_alike(group: &[&ResourceDiff], first: &ResourceDiff) -> String {
    let all: Vec<String> = group.iter().map(|r| r.key.to_string()).collect();
    let whole = details(first);
    let body = whole
        .split_once("</summary>\n\n")
        .map_or(whole.as_str(), |(_, body)| body);
    format!(
        "<details>\n<summary>{} <b>{}</b> {} {}s {}, alike</summary>\n\n{}. Each changed as {} did:\n\n{body}",
        icon(first.class),
        first.class.label(),
        group.len(),
        html(&first.key.kind),
        html(first.status.label()),
        names(&all),
        code_span(&first.key.to_string()),
    )
}

/// One resource: a collapsible section with a list of its changes and its YAML diff.
fn details(resource: &ResourceDiff) -> String {
    let mut out = format!(
        "<details>\n<summary>{} <b>{}</b> {} {}</summary>\n\n",
        icon(resource.class),
        resource.class.label(),
        html_code(&resource.key.to_string()),
        html(&status_text(resource)),
    );
    for change in &resource.changes {
        let _ = write!(out, "- {} {}", icon(change.class), change.class.label());
        if change.path.is_empty() {
            let _ = write!(out, " — {}", prose(&field_text(&change.path, resource)));
        } else {
            let _ = write!(
                out,
                " — {}: {} → {}",
                code_span(&change.path),
                code_span(&value_text(change.old.as_ref(), VALUE_WIDTH)),
                code_span(&value_text(change.new.as_ref(), VALUE_WIDTH))
            );
        }
        let _ = write!(out, "  \n  {}", prose(&change.reason));
        if let Some(advice) = &change.advice {
            let _ = write!(out, "  \n  **What to do:** {}", prose(advice));
        }
        out.push('\n');
    }
    let diff = yaml_diff(resource);
    if !diff.is_empty() {
        let fence = fence(&diff);
        let _ = write!(out, "\n{fence}diff\n{diff}");
        if !diff.ends_with('\n') {
            out.push('\n');
        }
        let _ = writeln!(out, "{fence}");
    }
    out.push_str("\n</details>\n\n");
    out
}

fn icon(class: Class) -> &'static str {
    match class {
        Class::Breaking => "🛑",
        Class::DataLoss => "🔥",
        Class::Attention => "⚠️",
        Class::Rollout => "🔄",
        Class::Safe => "✅",
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A value as a Markdown code span, which Markdown never parses inside: fenced by more
/// backticks than it holds in a row, padded when it starts or ends with one; line breaks are
/// spaces.
pub(crate) fn code_span(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Prose that may hold code spans (reasons and advice): outside them, every character Markdown
/// or HTML would read as markup is escaped.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if !in_code && "\\*_[]<>|~#!&".contains(c) {
            out.push('\\');
            out.push(c);
        } else if c == '\n' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    if in_code {
        // An unpaired backtick would swallow what follows: escape it instead.
        return prose(&text.replace('`', "'"));
    }
    out
}

/// Text in HTML: `&`, `<` and `>` escaped.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A value in HTML `<code>`: escaped, and every character Markdown could still read as markup
/// around inline HTML written as a character reference, which Markdown takes literally.
fn html_code(text: &str) -> String {
    let mut out = String::from("<code>");
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' | '_' | '`' | '|' | '~' | '[' | ']' | '\\' | '#' | '!' | '$' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push_str("</code>");
    out
}

/// A URL in a Markdown link destination: spaces and brackets would end it.
fn url_text(url: &str) -> String {
    url.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

/// A code fence longer than any run of backticks in `text`.
fn fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}
