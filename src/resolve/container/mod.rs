//! Children that describe a container: image, ports, env, probes, resources, command, mounts.
//! Shared by the main container and by `init` and `sidecar` blocks. One reader per node, found
//! by its name in [`CONTAINER_NODES`], which is also the list of what a container takes.

mod env;
mod image;
mod ports;
mod probes;

pub use image::{ImageCtx, Part, check_repository, image};
pub use probes::is_probe;

/// Whether `name` is a lifecycle hook, which only a running container has (not an `init`).
pub fn is_hook(name: &str) -> bool {
    matches!(name, "pre-stop" | "post-start")
}

use super::layers::Layers;
use super::shared::flag;
use super::values::{self, AtLeast, NodeView, Reading};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Container, Hook, Mount, Resources};

/// Reads one container node into the container, over what earlier layers set. Its keys in the
/// layers start with the container's name: a sidecar's `image` is not the main container's.
type Reader = fn(&mut Container, &NodeView, &mut Layers, &ImageCtx, &mut Diagnostics);

/// The nodes a container takes, each with its reader.
const CONTAINER_NODES: &[(&str, Reader)] = &[
    ("image", image::read),
    ("command", words),
    ("args", words),
    ("env", env::env),
    ("env-from", env::env_from),
    ("port", ports::port),
    ("resources", resources),
    ("probe", probes::probe),
    ("readiness", probes::probe),
    ("liveness", probes::probe),
    ("startup", probes::probe),
    ("mount", mount),
    ("privileged", privileged),
    ("pre-stop", hook),
    ("post-start", hook),
];

/// The names of the nodes a container takes, in the order help lists them.
pub fn node_names() -> impl Iterator<Item = &'static str> {
    CONTAINER_NODES.iter().map(|(name, _)| *name)
}

/// Applies one container node to `c`. Returns `false` when the node is not a container node.
pub fn apply(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    images: &ImageCtx,
    diags: &mut Diagnostics,
) -> bool {
    let name = node.name();
    let Some((_, read)) = CONTAINER_NODES.iter().find(|(n, _)| *n == name) else {
        return false;
    };
    read(c, node, layers, images, diags);
    true
}

/// `command WORD…` and `args WORD…`: the entrypoint, and its arguments.
fn words(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let name = node.name();
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    let mut e = node.read(diags);
    let words: Vec<String> = e
        .rest_args()
        .iter()
        .filter_map(|v| values::text(v, diags))
        .collect();
    if words.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::MISSING_VALUE,
                format!("`{name}` needs at least one word"),
            )
            .label(span, "empty")
            .help(format!("write it as `{name} \"/app/run\" \"--flag\"`")),
        );
    }
    if layers.first(format!("{prefix}{name}"), &format!("`{name}`"), span, diags) {
        if name == "command" {
            c.command = words;
        } else {
            c.args = words;
        }
    }
    e.finish(&[], diags);
}

/// `resources cpu=… memory=… …`: requests and limits.
fn resources(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    let mut e = node.read(diags);
    let mut r = Resources {
        span: Some(span),
        ..Resources::default()
    };
    let mut q = |key: &str, e: &mut Reading| {
        e.prop(key)
            .and_then(|v| values::quantity(&v, AtLeast::Zero, diags))
    };
    r.cpu = q("cpu", &mut e);
    r.memory = q("memory", &mut e);
    r.ephemeral_storage = q("ephemeral-storage", &mut e);
    r.limit_cpu = q("limit-cpu", &mut e);
    match e.prop("limit-memory") {
        Some(v) if v.value == crate::syntax::reader::Value::String("none".to_owned()) => {
            r.no_memory_limit = true;
        }
        Some(v) => r.limit_memory = values::quantity(&v, AtLeast::Zero, diags),
        None => {}
    }
    if layers.first(format!("{prefix}resources"), "`resources`", span, diags) {
        c.resources = r;
    }
    e.finish(
        &[
            "cpu",
            "memory",
            "ephemeral-storage",
            "limit-cpu",
            "limit-memory",
        ],
        diags,
    );
}

/// `pre-stop sleep="5s"`, `pre-stop exec "CMD" "ARG"…`, and the same for `post-start`: what the
/// kubelet runs before stopping the container, or once it has started.
fn hook(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let name = node.name();
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    let mut e = node.read(diags);
    let example = format!("{name} sleep=\"5s\"` or `{name} exec \"/bin/drain\" \"--wait\"");
    let form = e.next_arg();
    let hook = match form.as_ref().map(|v| &v.value) {
        Some(crate::syntax::reader::Value::String(word)) if word == "exec" => {
            let words: Vec<String> = e
                .rest_args()
                .iter()
                .filter_map(|v| values::text(v, diags))
                .collect();
            if words.is_empty() {
                diags.push(
                    Diagnostic::error(codes::MISSING_VALUE, format!("`{name} exec` runs nothing"))
                        .label(span, "no command")
                        .help(format!("write `{name} exec \"/bin/drain\" \"--wait\"`")),
                );
                None
            } else {
                Some(Hook::Exec(words))
            }
        }
        Some(_) => {
            let v = form.as_ref().map_or(span, |v| v.span);
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("`{name}` takes `sleep=` or `exec`"),
                )
                .label(v, "not a hook")
                .help(format!("write `{example}`")),
            );
            None
        }
        None => match e.prop("sleep") {
            Some(v) => match values::duration(&v, diags) {
                Some(0) => {
                    diags.push(
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("`{name}` sleeps for no time"),
                        )
                        .label(v.span, "zero")
                        .help("sleep at least a second (`sleep=\"5s\"`), or leave the hook out"),
                    );
                    None
                }
                seconds => seconds.map(Hook::Sleep),
            },
            None => {
                diags.push(
                    Diagnostic::error(codes::MISSING_VALUE, format!("`{name}` does nothing"))
                        .label(span, "no action")
                        .help(format!("write `{example}`")),
                );
                None
            }
        },
    };
    if let Some(hook) = hook
        && layers.first(format!("{prefix}{name}"), &format!("`{name}`"), span, diags)
    {
        if name == "pre-stop" {
            c.pre_stop = Some((hook, span));
        } else {
            c.post_start = Some((hook, span));
        }
    }
    e.finish(&["sleep"], diags);
}

/// `mount VOLUME path=…`: a workload volume in an `init` or `sidecar` container.
fn mount(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    let mut e = node.read(diags);
    let volume = e
        .require_arg("a volume name", "mount data path=\"/data\"", diags)
        .and_then(|v| values::dns_label(&v, "volume", 63, "", diags));
    let path = e
        .require_prop("path", "mount data path=\"/data\"", diags)
        .and_then(|v| values::abs_path(&v, diags));
    let read_only = e
        .prop("read-only")
        .and_then(|v| values::boolean(&v, diags))
        .unwrap_or(false);
    if let (Some(volume), Some(path)) = (volume, path)
        && layers.first(
            format!("{prefix}mount:{path}"),
            &format!("a mount at {path}"),
            span,
            diags,
        )
    {
        c.mounts.push(Mount {
            volume,
            path,
            read_only,
            span,
        });
    }
    e.finish(&["path", "read-only"], diags);
}

/// `privileged [#true|#false]`: full access to the node.
fn privileged(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    if let Some(on) = flag(node, diags)
        && layers.first(format!("{prefix}privileged"), "`privileged`", span, diags)
    {
        c.privileged = on;
    }
}
