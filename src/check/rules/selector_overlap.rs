//! `selector-overlap`: a selector that finds another workload's pods.

use std::collections::BTreeMap;

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::{App, Workload, labels};

declare_rule! {
    /// ## What it does
    /// Flags a workload whose controller or Service selects the pods of another workload (or of
    /// another version): a `selector` kept from before Windlass that is too broad, or that
    /// another workload's `selector` or `labels` also carry.
    ///
    /// ## Why is this bad?
    /// Two Deployments whose selectors find each other's pods fight over them: each counts the
    /// other's pods as its own, scales them down and replaces them. A Service whose selector
    /// finds another workload's pods sends part of its requests there, and they fail or are
    /// answered by the wrong program. The API server accepts both.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders:1.0.0"; port 8080; selector tier=backend }
    /// service payments { image "payments:1.0.0"; port 8080; selector tier=backend }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service orders { image "orders:1.0.0"; port 8080; selector app=orders }
    /// service payments { image "payments:1.0.0"; port 8080; selector app=payments }
    /// ```
    ///
    /// Counterparts: kube-linter's `dangling-service` and `non-isolated-pod` look at one object
    /// at a time; none of kube-score, Polaris or checkov compares two workloads' selectors.
    pub struct SelectorOverlap {
        code: "selector-overlap",
        severity: Error,
        summary: "a selector that finds another workload's pods: controllers fight, requests go astray",
    }
}

/// One controller of the app: a workload, or one of its versions.
struct Run<'a> {
    /// The workload it belongs to.
    owner: &'a Workload,
    /// The workload as it runs (a version, or the owner itself).
    run: &'a Workload,
    /// What its pods carry.
    pods: BTreeMap<String, String>,
}

impl Rule for SelectorOverlap {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let app = cx.app;
        // Only a selector written in the description, or pods that carry one, can overlap:
        // Windlass's own selectors hold the workload's unique name (and a version's, its
        // version). Without one, there is nothing to compare.
        if !cx.workloads().any(|w| w.selector.is_some()) {
            return;
        }
        let runs: Vec<Run<'_>> = cx.workloads().flat_map(|w| runs(app, w)).collect();
        let written = |r: &Run<'_>| r.owner.selector.is_some();
        let with_written: Vec<usize> = (0..runs.len()).filter(|&j| written(&runs[j])).collect();
        let everyone: Vec<usize> = (0..runs.len()).collect();
        for (i, a) in runs.iter().enumerate() {
            let controller = labels::controller_selector(app, a.run);
            let service = a
                .owner
                .has_service()
                .then(|| labels::selector(app, a.owner));
            // A pair overlaps only where one of the two wrote its selector.
            let others = if written(a) { &everyone } else { &with_written };
            for &j in others {
                let b = &runs[j];
                if i == j {
                    continue;
                }
                if labels::matches(&controller, &b.pods) {
                    let what = describe(a.run);
                    let span = a.owner.selector.as_ref().map_or(a.owner.span, |s| s.span);
                    out.push(
                        a.owner,
                        format!("the selector of {what} finds the pods of {}", describe(b.run)),
                    )
                    .label(span, "selects them too")
                    .help(format!(
                        "controllers whose selectors find each other's pods fight over them: add a label that only `{}`'s pods carry to its `selector`, such as `app={}`",
                        a.owner.name, a.owner.name
                    ));
                } else if let Some(service) = &service
                    && !std::ptr::eq(a.owner, b.owner)
                    && labels::matches(service, &b.pods)
                {
                    let message = format!(
                        "the Service of `{}` sends requests to the pods of {}",
                        a.owner.name,
                        describe(b.run)
                    );
                    // The selector to change is the one written: `a`'s, or the one that gives
                    // `b`'s pods `a`'s labels.
                    match (&a.owner.selector, &b.owner.selector) {
                        (None, Some(theirs)) => out
                            .push(b.owner, message)
                            .label(theirs.span, format!("gives its pods the labels `{}`'s Service selects", a.owner.name))
                            .help(format!(
                                "give `{}` a selector of its own, such as `selector app={}`: it carries `{}`'s name",
                                b.owner.name, b.owner.name, a.owner.name
                            )),
                        (mine, _) => out
                            .push(a.owner, message)
                            .label(mine.as_ref().map_or(a.owner.span, |s| s.span), "selects them too")
                            .help(format!(
                                "add a label that only `{}`'s pods carry to its `selector`, such as `app={}`",
                                a.owner.name, a.owner.name
                            )),
                    };
                }
            }
        }
    }
}

/// The controllers of `w`: its versions, or itself.
fn runs<'a>(app: &App, w: &'a Workload) -> Vec<Run<'a>> {
    let list: Vec<&Workload> = if w.runs_itself() {
        vec![w]
    } else {
        w.versions.iter().collect()
    };
    list.into_iter()
        .map(|run| Run {
            owner: w,
            run,
            pods: labels::pod(app, run),
        })
        .collect()
}

/// `` `orders` `` or `` version `v2` of `reviews` ``.
fn describe(w: &Workload) -> String {
    match &w.version {
        Some(v) => format!("version `{}` of `{}`", v.name, w.name),
        None => format!("`{}`", w.name),
    }
}
