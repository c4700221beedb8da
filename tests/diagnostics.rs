//! Every file in `tests/fixtures/errors/` is a description with mistakes. Its comments say which
//! diagnostics it must produce (`// error[CODE]: LINE:COL`); the harness checks that exactly those
//! are reported (by the base app and every environment, merged as `check` merges them), then
//! snapshots the KDL beside the rendered diagnostics.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use common::expectations;

use std::collections::BTreeSet;

#[test]
fn error_fixtures() {
    let settings = common::settings();
    settings.bind(|| {
        insta::glob!("fixtures/errors/*.kdl", |path| {
            let relative = path
                .strip_prefix(common::root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(path).unwrap();
            let expected = expectations(&text);
            assert!(
                !expected.is_empty(),
                "{relative} declares no expected diagnostics"
            );
            // Lint warnings and notes a fixture does not expect are not its subject: its
            // mistakes are.
            let expected_codes: std::collections::BTreeSet<&str> =
                expected.iter().map(|(_, code, ..)| code.as_str()).collect();
            let mut config = windlass::check::Config::default();
            for rule in windlass::check::registry::RULES {
                let meta = rule.meta();
                if meta.severity != windlass::diag::Severity::Error
                    && !expected_codes.contains(meta.code)
                {
                    config.allow.insert(meta.code.to_owned());
                }
            }
            let c = common::compile_file_with(&relative, &config);
            assert!(
                c.manifests().is_empty() || !c.has_errors(),
                "no manifests when there are errors"
            );
            // As `check` reports them: the base app's findings and every environment's, merged.
            let findings = common::check_file_with(&relative, &config);
            let found: BTreeSet<(String, String, usize, usize)> = findings
                .iter()
                .map(|f| {
                    let at = f.location.as_ref().expect("every diagnostic has a span");
                    let d = &f.diagnostic;
                    (
                        d.severity.as_str().to_owned(),
                        d.code.to_owned(),
                        at.line,
                        at.column,
                    )
                })
                .collect();
            // The snippet's header names the place the other formats name: characters, not bytes.
            for f in &findings {
                let at = f.location.as_ref().expect("every diagnostic has a span");
                let shown =
                    windlass::diag::format::human(std::slice::from_ref(&f.diagnostic), false);
                let expected = format!("[{}:{}:{}]", at.file, at.line, at.column);
                assert!(
                    shown.contains(&expected),
                    "{relative}: the header does not say {expected}\n{shown}"
                );
            }
            let diagnostics: Vec<_> = findings.into_iter().map(|f| f.diagnostic).collect();
            let rendered = windlass::diag::format::human(&diagnostics, false);
            assert_eq!(
                found, expected,
                "{relative}: reported (left) vs expected (right)\n{rendered}"
            );
            for d in &diagnostics {
                assert!(
                    d.help.is_some(),
                    "{relative}: `{}` has no help line",
                    d.code
                );
            }
            insta::assert_snapshot!(format!("{text}\n----- diagnostics -----\n{rendered}"));
        });
    });
}
