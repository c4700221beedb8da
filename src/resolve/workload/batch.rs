//! Settings of workloads that run to completion: a Job's limits (`backoff-limit`, `deadline`,
//! `ttl`, `completions`, `parallelism`) and a CronJob's schedule (`schedule`, `time-zone`,
//! `concurrency`, `history`).

use super::builder::{AppDefaults, WorkloadBuilder};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Concurrency, CronSpec, JobSpec};
use crate::resolve::values::{self, NodeView, Reading, Val};

/// Reads `NAME VALUE` of a Job setting; `set` converts and stores the value once the layers take
/// it.
fn job_setting(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    diags: &mut Diagnostics,
    set: impl FnOnce(&mut JobSpec, &Val, &mut Diagnostics),
) {
    let name = node.name();
    let span = node.name_span();
    let mut e = node.read(diags);
    let val = e.require_arg("a value", &format!("{name} 3"), diags);
    if let Some(v) = val
        && b.layers
            .first(name.to_owned(), &format!("`{name}`"), span, diags)
    {
        set(&mut b.job, &v, diags);
    }
    e.finish(&[], diags);
}

/// `backoff-limit N`: retries before the Job fails.
pub(super) fn backoff_limit(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    job_setting(b, node, diags, |j, v, diags| {
        j.backoff_limit = values::count(v, 0, diags);
    });
}

/// `deadline DURATION`: how long the Job may run.
pub(super) fn deadline(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    job_setting(b, node, diags, |j, v, diags| {
        j.deadline = values::duration(v, diags).filter(|d| *d > 0);
    });
}

/// `ttl DURATION`: how long a finished Job is kept.
pub(super) fn ttl(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    job_setting(b, node, diags, |j, v, diags| {
        if v.value == crate::syntax::reader::Value::String("none".to_owned()) {
            j.ttl = None;
            j.keep = true;
        } else {
            j.ttl = values::duration(v, diags);
            j.keep = false;
        }
    });
}

/// `completions N`: successful pods the Job needs.
pub(super) fn completions(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    job_setting(b, node, diags, |j, v, diags| {
        j.completions = values::count(v, 1, diags);
    });
}

/// `parallelism N`: pods the Job runs at once.
pub(super) fn parallelism(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    job_setting(b, node, diags, |j, v, diags| {
        j.parallelism = values::count(v, 1, diags);
    });
}

/// Reads one setting of a CronJob's schedule: once the layers take it, `read` takes its values
/// (and may say the schedule was written); `known` lists its properties.
fn cron_setting(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    known: &[&str],
    diags: &mut Diagnostics,
    read: impl FnOnce(&mut CronSpec, &mut bool, &mut Reading, &mut Diagnostics),
) {
    let name = node.name();
    let span = node.name_span();
    let mut e = node.read(diags);
    let cron = b.cron.get_or_insert_with(|| CronSpec {
        schedule: String::new(),
        time_zone: None,
        concurrency: Concurrency::Forbid,
        history_successful: None,
        history_failed: None,
    });
    if !b
        .layers
        .first(name.to_owned(), &format!("`{name}`"), span, diags)
    {
        return;
    }
    read(cron, &mut b.schedule_missing, &mut e, diags);
    e.finish(known, diags);
}

/// `schedule "0 3 * * *"`: when the CronJob runs.
pub(super) fn schedule(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    cron_setting(b, node, &[], diags, |cron, schedule_missing, e, diags| {
        if e.args.len() > 1 {
            // `schedule 0 3 * * *`: the fields of one unquoted schedule.
            *schedule_missing = false;
            let words = e.rest_args();
            let joined = words
                .iter()
                .map(values::written)
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(first) = words.first() {
                diags.push(
                    Diagnostic::error(codes::INVALID_TYPE, "a cron schedule is one string")
                        .label(first.span, "the first of several values")
                        .help(format!("quote the whole schedule: schedule \"{joined}\"")),
                );
            }
            return;
        }
        *schedule_missing = false;
        if let Some(v) = e.require_arg("a cron schedule", "schedule \"0 3 * * *\"", diags)
            && let Some(s) = values::string(&v, diags)
        {
            match super::cron::check(&s) {
                Ok(()) => cron.schedule = s,
                Err(problem) => diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{s}` is not a cron schedule"),
                    )
                    .label(v.span, problem.label)
                    .help(problem.help),
                ),
            }
        }
    });
}

/// `time-zone "Europe/Berlin"`: the zone the schedule is read in.
pub(super) fn time_zone(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    cron_setting(b, node, &[], diags, |cron, _, e, diags| {
        cron.time_zone = e
            .require_arg("a time zone", "time-zone \"Europe/Berlin\"", diags)
            .and_then(|v| {
                let zone = values::string(&v, diags)?;
                known_time_zone(&zone, &v, diags).then_some(zone)
            });
    });
}

/// Every time zone name of the IANA tz database (`scripts/time-zones.sh` writes the list).
const TIME_ZONES: &str = include_str!("time_zones.txt");

/// Whether `zone` names a time zone the API server knows; reported when it does not.
fn known_time_zone(zone: &str, val: &Val, diags: &mut Diagnostics) -> bool {
    let zones = || TIME_ZONES.lines().filter(|l| !l.starts_with('#'));
    if zones().any(|z| z == zone) {
        return true;
    }
    let help = match crate::diag::did_you_mean(zone, zones()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if zone == "Local" => {
            "`Local` is the API server's own zone, which it refuses; name one, such as `Etc/UTC`"
                .to_owned()
        }
        None => {
            "name a zone of the IANA tz database, such as `Europe/Berlin` or `Etc/UTC`".to_owned()
        }
    };
    diags.push(
        Diagnostic::error(
            codes::INVALID_VALUE,
            format!("`{zone}` is not a time zone the API server knows"),
        )
        .label(val.span, "no such time zone")
        .help(help),
    );
    false
}

/// `concurrency allow|forbid|replace`: what happens when a run is still going.
pub(super) fn concurrency(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    cron_setting(b, node, &[], diags, |cron, _, e, diags| {
        if let Some(v) = e.require_arg("a policy", "concurrency forbid", diags) {
            cron.concurrency =
                match values::keyword(&v, &["allow", "forbid", "replace"], diags).as_deref() {
                    Some("allow") => Concurrency::Allow,
                    Some("replace") => Concurrency::Replace,
                    _ => Concurrency::Forbid,
                };
        }
    });
}

/// `history successful=N failed=N`: finished Jobs kept.
pub(super) fn history(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    cron_setting(
        b,
        node,
        &["successful", "failed"],
        diags,
        |cron, _, e, diags| {
            cron.history_successful = e
                .prop("successful")
                .and_then(|v| values::count(&v, 0, diags));
            cron.history_failed = e.prop("failed").and_then(|v| values::count(&v, 0, diags));
        },
    );
}
