//! An environment's shorthand properties on a workload: `replicas=`, `image=` and `tag=`.

use super::builder::{AppDefaults, WorkloadBuilder};
use crate::diag::{Diagnostic, Diagnostics, codes, suggest_help};
use crate::resolve::container;
use crate::resolve::values::{self, Prop, Val};
use crate::syntax::reader::Value;

impl WorkloadBuilder {
    /// Applies an environment's shorthand property: `replicas=`, `image=` or `tag=`.
    pub fn apply_shorthand(
        &mut self,
        prop: &Prop,
        app: &AppDefaults,
        extra: &[&str],
        diags: &mut Diagnostics,
    ) {
        match prop.key.as_str() {
            "replicas" if !self.w.kind.is_batch() => {
                if let Some(n) = values::count(&prop.val, 0, diags) {
                    self.w.replicas = Some(n);
                    self.w.replicas_span = Some(prop.val.span);
                }
            }
            "image" => {
                self.image_written = true;
                if let Some(image) = container::image(&prop.val, app.registry, diags) {
                    self.w.main.image = Some(image);
                }
            }
            "tag" => {
                let Some(tag) = values::string(&prop.val, diags) else {
                    return;
                };
                match &mut self.w.main.image {
                    Some(image) => {
                        let retagged = format!("{}:{tag}", image.repository);
                        let val = Val { value: Value::String(retagged), span: prop.val.span, raw: None };
                        // Re-parse so the tag is checked like any other.
                        if let Some(mut new) = container::image(&val, None, diags) {
                            new.digest = image.digest.clone();
                            if let Some(d) = &new.digest {
                                new.reference = format!("{}@{d}", new.reference);
                            }
                            *image = new;
                        }
                    }
                    None => diags.push(
                        Diagnostic::error(codes::MISSING_IMAGE, format!("`{}` has no image whose tag could change", self.w.name))
                            .label(prop.val.span, "no image to retag")
                            .help("give the workload an `image` in the app, or write `image=\"repository:tag\"` here"),
                    ),
                }
            }
            key => {
                let mut known: Vec<&str> = vec!["replicas", "image", "tag"];
                known.extend(extra);
                let list = known
                    .iter()
                    .map(|k| format!("`{k}=`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                diags.push(
                    Diagnostic::error(codes::UNKNOWN_PROPERTY, format!("an environment cannot set `{key}=` on `{}`", self.w.name))
                        .label(prop.span, "unknown property")
                        .help(suggest_help(key, known.iter().copied(), &format!("properties here are {list}; anything else goes in a block: `{} {} {{ … }}`", self.w.kind.keyword(), self.w.name))),
                );
            }
        }
    }
}
