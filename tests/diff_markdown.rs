//! The pull-request comment at scale, read as GitHub would: rendered by a CommonMark/GFM
//! renderer (pulldown-cmark with tables), it must stay under GitHub's 65,536 characters, put
//! the data-loss change on the first screen, and show values exactly as they are.
//!
//! The applications are generated: N services that call each other's neighbour, a cron job
//! and a MySQL database. The changes are the mass ones a real pull request makes: renaming the
//! app (every object moves to another namespace), or a change shared by every service (a new
//! log level) together with a database volume shrunk.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly, and write what they read when asked (WINDLASS_DUMP)"
)]

mod common;

use serde_json::Value;
use windlass::diff::{self, Section};

/// GitHub's limit for a comment body, in characters.
const GITHUB_LIMIT: usize = 65_536;
/// What a reviewer sees before scrolling: the comment's first lines.
const FIRST_SCREEN: usize = 60;

/// A description of `n` services, a cron job and a database, in app `app`.
fn application(app: &str, n: usize, log_level: &str, storage: &str, schedule: &str) -> String {
    application_at(app, n, log_level, storage, schedule, "1.0")
}

/// [`application`] with every image at `VERSION.i`.
fn application_at(
    app: &str,
    n: usize,
    log_level: &str,
    storage: &str,
    schedule: &str,
    version: &str,
) -> String {
    let mut text = format!("app {app} {{\n");
    for i in 0..n {
        let next = (i + 1) % n;
        text.push_str(&format!(
            "    service svc-{i} {{\n        image \"registry.example/svc-{i}:{version}.{i}\"\n        port 8080\n        resources cpu=\"100m\" memory=\"128Mi\"\n        env LOG_LEVEL=\"{log_level}\"\n        env FILTER=\"a|b\"\n        env NEXT_URL=\"http://svc-{next}:8080\"\n    }}\n"
        ));
    }
    text.push_str(&format!(
        "    cronjob cleanup {{\n        image \"registry.example/cleanup:2.0.0\"\n        schedule \"{schedule}\"\n        resources cpu=\"100m\" memory=\"128Mi\"\n    }}\n    database mysql engine=mysql storage=\"{storage}\"\n}}\n"
    ));
    text
}

fn objects(text: &str) -> Vec<Value> {
    let c = common::compile_text("windlass.kdl", text);
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    c.into_manifests().into_iter().map(|m| m.object).collect()
}

fn markdown(before: &str, after: &str) -> String {
    let report = diff::diff(&objects(before), &objects(after));
    diff::report::markdown(&[Section::app(report)], Some("https://ci.example/run/1"))
}

/// The comment rendered to HTML as GitHub renders Markdown (CommonMark with GFM tables and
/// strikethrough; HTML passes through).
fn render(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(
            markdown,
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
        ),
    );
    out
}

/// The text of every `<code>` element of rendered HTML, its character references decoded.
fn code_texts(html: &str) -> Vec<String> {
    html.split("<code>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</code>").map(|(code, _)| decode(code)))
        .collect()
}

fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            _ => entity
                .strip_prefix('#')
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The line of the comment the data-loss heading's first item is on (1-based).
fn first_data_loss_line(markdown: &str) -> Option<usize> {
    markdown
        .lines()
        .position(|l| l.starts_with("- 🔥 **data loss**"))
        .map(|i| i + 1)
}

#[test]
fn values_read_back_unchanged_after_rendering() {
    let before = application("shop", 3, "info", "20Gi", "*/5 * * * *");
    let after = application("shop", 3, "debug", "20Gi", "*/10 * * * *")
        .replace("FILTER=\"a|b\"", "FILTER=\"*s*|_t_\"");
    let md = markdown(&before, &after);
    let html = render(&md);
    let codes = code_texts(&html);
    for value in ["*/5 * * * *", "*/10 * * * *", "a|b", "*s*|_t_"] {
        assert!(
            codes.iter().any(|c| c == value),
            "`{value}` is not shown as it is; code spans: {codes:?}\n{md}"
        );
    }
    // Nothing became emphasis, and no row of a table was split by a value's pipe.
    assert!(!html.contains("<em>"), "{html}");
    for row in html.split("<tr>").skip(1) {
        assert_eq!(
            row.matches("<td").count() + row.matches("<th").count(),
            7,
            "{row}"
        );
    }
}

#[test]
fn a_small_change_is_shown_whole() {
    let before = application("shop", 10, "info", "20Gi", "*/5 * * * *");
    let after = application("shop", 10, "debug", "10Gi", "*/5 * * * *");
    let md = markdown(&before, &after);
    assert!(md.len() < GITHUB_LIMIT);
    assert!(!md.contains("**Not shown:**"), "{md}");
    // The database's volume shrinks; 10 Deployments roll out alike: one section names them all.
    assert_eq!(md.matches("<details>").count(), 2, "{md}");
    assert!(
        md.contains("🔄 <b>rollout</b> 10 Deployments changed, alike"),
        "{md}"
    );
    for i in 0..10 {
        assert!(md.contains(&format!("`Deployment shop/svc-{i}`")), "{md}");
    }
    let line = first_data_loss_line(&md).expect("the data loss is listed");
    assert!(line <= FIRST_SCREEN, "data loss on line {line}:\n{md}");
}

/// At 1,000 and 5,000 services, both mass changes stay under the limit with the data loss first.
#[test]
fn a_mass_change_fits_and_leads_with_data_loss() {
    for n in [1000, 5000] {
        let before = application("shop", n, "info", "200Gi", "*/5 * * * *");
        let cases = [
            (
                "app renamed",
                application("store", n, "info", "200Gi", "*/5 * * * *"),
            ),
            (
                "shared change and shrink",
                application("shop", n, "debug", "100Gi", "*/5 * * * *"),
            ),
            (
                "every image and a shrink",
                application_at("shop", n, "info", "100Gi", "*/5 * * * *", "1.1"),
            ),
        ];
        for (what, after) in cases {
            let md = markdown(&before, &after);
            if let Ok(dir) = std::env::var("WINDLASS_DUMP") {
                std::fs::write(format!("{dir}/{n}-{}.md", what.replace(' ', "-")), &md).unwrap();
            }
            let chars = md.chars().count();
            assert!(
                chars < GITHUB_LIMIT,
                "{n} services, {what}: {chars} characters"
            );
            let line = first_data_loss_line(&md)
                .unwrap_or_else(|| panic!("{n} services, {what}: no data loss listed"));
            assert!(
                line <= FIRST_SCREEN,
                "{n} services, {what}: data loss on line {line}"
            );
            // Changes that differ from resource to resource cannot all be shown: the rest is
            // counted, with a link to the full report.
            if what.starts_with("every image") {
                assert!(md.contains("**Not shown:**"), "{n}, {what}");
                assert!(
                    md.contains("[The full report](https://ci.example/run/1)"),
                    "{n}, {what}"
                );
            }
            // The same change to thousands of resources is one line with a count.
            let items = md
                .lines()
                .filter(|l| l.starts_with("- 🔥") || l.starts_with("- 🛑"))
                .count();
            assert!(items <= 10, "{n} services, {what}: {items} dangerous items");
            // The Markdown is well-formed: every <details> is closed.
            assert_eq!(
                md.matches("<details>").count(),
                md.matches("</details>").count(),
                "{n}, {what}"
            );
            let html = render(&md);
            assert!(!html.contains("<em>"), "{n}, {what}");
        }
    }
}
