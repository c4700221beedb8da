//! `canary-same-image`: a canary that runs what its stable pods run.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Notes a `canary` whose image is the stable pods' own: the same repository, tag and
    /// digest. It happens when the stable image is bumped to the canary's tag (`set-image`
    /// after a good canary) and the canary is left in place.
    ///
    /// ## Why is this bad?
    /// The canary tries nothing: it runs a second Deployment, takes its share of requests and
    /// holds its pods, for the version that already runs everywhere. The release is done, or
    /// the canary was meant to try the next one.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders:3.2.0"; port 8080; replicas 4; canary tag="3.2.0" weight=10 }
    /// ```
    ///
    /// ## Use instead
    /// Finish the release: `windlass canary promote orders` (or remove the `canary` line), or
    /// give the canary the next tag: `windlass canary start orders=3.3.0`.
    /// ```kdl
    /// service orders { image "orders:3.2.0"; port 8080; replicas 4; canary tag="3.3.0" weight=10 }
    /// ```
    ///
    /// Counterparts: none (other linters do not know a canary's intent).
    pub struct CanarySameImage {
        code: "canary-same-image",
        severity: Note,
        summary: "a canary that runs the same image as its stable pods",
    }
}

impl Rule for CanarySameImage {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads() {
            let (Some(c), Some(stable)) = (&w.canary, &w.main.image) else {
                continue;
            };
            if c.image.reference != stable.reference {
                continue;
            }
            out.push(
                w,
                format!(
                    "the canary of `{}` runs {}, as its stable pods do: it tries nothing",
                    w.name, stable.reference
                ),
            )
            .label(c.span, "the same image as the stable pods")
            .label(stable.span, "the stable image")
            .help(format!(
                "finish the release with `windlass canary promote {name}` (or remove the `canary` line), or give the canary the next tag: `windlass canary start {name}=TAG`",
                name = w.name
            ));
        }
    }
}
