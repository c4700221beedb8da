//! The workload being built, and what the app contributes to every workload. The readers of its
//! children (the other files of `workload/`) fill it in; `finish` checks what depends on the
//! whole body.

use crate::model::{CronSpec, JobSpec, SecurityLevel, SingleInstance, Workload, WorkloadKind};
use crate::resolve::layers::Layers;
use crate::source::Span;

/// What the app contributes to every workload.
pub struct AppDefaults<'a> {
    /// Registry prefix.
    pub registry: Option<&'a str>,
    /// Default security level.
    pub security: SecurityLevel,
    /// The Gateway `expose http-route` attaches to when it names none.
    pub default_gateway: Option<&'a (String, Option<String>)>,
    /// What every workload's pods start from.
    pub pod: &'a crate::model::PodDefaults,
}

/// Builds a workload from one or more layers of children.
#[derive(Clone)]
pub struct WorkloadBuilder {
    /// The workload so far.
    pub(super) w: Workload,
    /// What each layer has set.
    pub(super) layers: Layers,
    /// Job settings, the workload's when it runs to completion.
    pub(super) job: JobSpec,
    /// Schedule settings, from the first one written.
    pub(super) cron: Option<CronSpec>,
    /// A cronjob with no `schedule` node yet: `finish` reports it.
    pub(super) schedule_missing: bool,
    /// An `image` node was written (perhaps invalid, already reported): no `missing-image`.
    pub(super) image_written: bool,
    /// The names of its `version` blocks, in order (read by `finish_with_versions`).
    pub(super) versions: Vec<crate::model::Named>,
}

impl WorkloadBuilder {
    /// An empty workload named `name`.
    pub fn new(name: String, span: Span, kind: WorkloadKind, app: &AppDefaults) -> Self {
        let mut w = Workload::new(name, span, kind, app.security);
        w.run_as = app.pod.run_as.clone();
        w.read_only_root = app.pod.read_only_root;
        w.node_selector = app.pod.node_selector.clone();
        WorkloadBuilder {
            w,
            layers: Layers::default(),
            job: JobSpec::default(),
            cron: None,
            schedule_missing: kind == WorkloadKind::CronJob,
            image_written: false,
            versions: Vec::new(),
        }
    }

    /// Records the component the workload is made from, and whether it runs one instance only.
    pub fn set_component(&mut self, name: &str, single_instance: Option<SingleInstance>) {
        self.w.component = Some(name.to_owned());
        self.w.single_instance = single_instance;
    }

    /// Starts a new layer: what it sets replaces what earlier layers set.
    pub fn next_layer(&mut self) {
        self.layers.next_layer();
    }
}
