//! `image-tag-latest`: an image without a tag, or tagged `latest`.

use super::{containers, describe};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an `image` of any container (main, `init`, `sidecar`) or of a `canary` that has no
    /// tag, or the tag `latest`. An image pinned by digest (`@sha256:…`) is not flagged,
    /// whatever its tag.
    ///
    /// ## Why is this bad?
    /// Upgrades in Kubernetes are driven by a change of the pod template. When the description
    /// says `latest` before and after a release, nothing changes, so nothing rolls out; pods that
    /// restart later pull whatever `latest` means that day, so replicas run different code, and
    /// rolling back has nothing to roll back to. A reviewer cannot tell from the diff which
    /// version ships.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders"; port 8080 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service orders { image "orders:3.1.0"; port 8080 }
    /// ```
    /// or a digest: `image "orders@sha256:…"`.
    ///
    /// Counterparts: kube-linter `latest-tag`, kube-score `container-image-tag`, Polaris
    /// `tagNotSpecified`, checkov `CKV_K8S_14`.
    pub struct ImageTagLatest {
        code: "image-tag-latest",
        severity: Warning,
        summary: "an image without a tag or tagged `latest`: an upgrade changes nothing",
    }
}

impl Rule for ImageTagLatest {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            let images = containers(w)
                .filter_map(|(role, c)| Some((describe(w, role, c), c.image.as_ref()?, false)));
            let canary = w
                .canary
                .as_ref()
                .map(|c| (format!("the canary of `{}`", w.name), &c.image, true));
            for (whose, image, is_canary) in images.chain(canary) {
                if image.digest.is_some() {
                    continue;
                }
                let (message, label) = match image.tag.as_deref() {
                    None => ("has no tag", "no tag: Kubernetes pulls `latest`"),
                    Some("latest") => ("is tagged `latest`", "`latest` moves"),
                    Some(_) => continue,
                };
                // Suggest what the user wrote: without the app's registry prefix.
                let written = cx
                    .app
                    .registry
                    .as_deref()
                    .and_then(|r| image.repository.strip_prefix(r.trim_end_matches('/')))
                    .and_then(|rest| rest.strip_prefix('/'))
                    .unwrap_or(&image.repository);
                let help = if is_canary {
                    "pin the version the canary tries, such as `canary tag=\"1.0.1\" …`".to_owned()
                } else {
                    format!(
                        "pin the version you ship, such as `image \"{written}:1.0.0\"`, or a digest `@sha256:…`"
                    )
                };
                out.push(w, format!("the image of {whose} {message}"))
                    .label(image.span, label)
                    .help(help);
            }
        }
    }
}
