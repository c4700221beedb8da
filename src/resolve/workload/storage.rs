//! What a workload keeps on disk: configuration files (`file`) and volumes (`volume`,
//! `empty-dir`, `host-path`), each keyed across layers by its path or name.

use super::builder::{AppDefaults, WorkloadBuilder};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{AccessMode, ConfigFile, Volume, VolumeKind};
use crate::resolve::layers::upsert;
use crate::resolve::values::{self, AtLeast, NodeView, abs_path};

/// `file PATH CONTENT`: a file mounted from the workload's ConfigMap.
pub(super) fn file(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let example = "file \"/etc/app/config.yml\" \"key: value\"";
    let path = e
        .require_arg("a path", example, diags)
        .and_then(|v| values::file_path(&v, diags));
    let content = e
        .require_arg("the file's content", example, diags)
        .and_then(|v| values::string(&v, diags))
        // KDL's multi-line strings end without a newline; text files end with one.
        .map(|c| {
            if c.is_empty() || c.ends_with('\n') {
                c
            } else {
                c + "\n"
            }
        });
    if let (Some(path), Some(content)) = (path, content)
        && let Some(replaces) = b.layers.entry(
            format!("file:{path}"),
            &format!("file `{path}`"),
            span,
            diags,
        )
    {
        upsert(
            &mut b.w.files,
            ConfigFile {
                path,
                content,
                span,
            },
            replaces,
            |a, b| a.path == b.path,
        );
    }
    e.finish(&[], diags);
}

/// `volume`, `empty-dir` or `host-path NAME path=…`: a volume mounted in the main container.
pub(super) fn volume(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    if let Some(volume) = read_volume(node, diags)
        && let Some(replaces) = b.layers.entry(
            format!("volume:{}", volume.name),
            &format!("volume `{}`", volume.name),
            span,
            diags,
        )
    {
        upsert(&mut b.w.volumes, volume, replaces, |a, b| a.name == b.name);
    }
}

fn host_path(node: &NodeView, diags: &mut Diagnostics) -> Option<Volume> {
    let mut e = node.read(diags);
    let example = "host-path logs path=\"/var/log/host\" host=\"/var/log\"";
    let name = e
        .require_arg("a volume name", example, diags)
        .and_then(|v| {
            values::dns_label(&v, "volume", 63, "volume names are DNS-1123 labels", diags)
        });
    let path = e
        .require_prop("path", example, diags)
        .and_then(|v| abs_path(&v, diags));
    let host = e
        .require_prop("host", example, diags)
        .and_then(|v| abs_path(&v, diags));
    let type_ = e.prop("type").and_then(|v| {
        let types = [
            "DirectoryOrCreate",
            "Directory",
            "FileOrCreate",
            "File",
            "Socket",
            "CharDevice",
            "BlockDevice",
        ];
        values::keyword(&v, &types, diags)
    });
    e.finish(&["path", "host", "type"], diags);
    let kind = VolumeKind::HostPath { host: host?, type_ };
    Some(Volume {
        name: name?,
        path: path?,
        kind,
        span: node.name_span(),
    })
}

/// `config-volume NAME path=… config=CONFIGMAP` or `secret-volume NAME path=… secret=SECRET`:
/// an object's keys as read-only files.
fn object_volume(node: &NodeView, diags: &mut Diagnostics) -> Option<Volume> {
    let mut e = node.read(diags);
    let config = node.name() == "config-volume";
    let (prop, kind) = if config {
        ("config", "ConfigMap")
    } else {
        ("secret", "Secret")
    };
    let example = if config {
        "config-volume settings path=\"/etc/app\" config=app-settings"
    } else {
        "secret-volume tls path=\"/etc/tls\" secret=app-tls"
    };
    let name = e
        .require_arg("a volume name", example, diags)
        .and_then(|v| {
            values::dns_label(&v, "volume", 63, "volume names are DNS-1123 labels", diags)
        });
    let path = e
        .require_prop("path", example, diags)
        .and_then(|v| abs_path(&v, diags));
    let object = e
        .require_prop(prop, example, diags)
        .and_then(|v| values::dns_label(&v, kind, 253, "", diags).map(|n| (n, v.span)));
    e.finish(&["path", prop], diags);
    let (object, name_span) = object?;
    Some(Volume {
        name: name?,
        path: path?,
        kind: if config {
            VolumeKind::ConfigMap {
                name: object,
                name_span,
            }
        } else {
            VolumeKind::Secret {
                name: object,
                name_span,
            }
        },
        span: node.name_span(),
    })
}

fn read_volume(node: &NodeView, diags: &mut Diagnostics) -> Option<Volume> {
    if matches!(node.name(), "config-volume" | "secret-volume") {
        return object_volume(node, diags);
    }
    let mut e = node.read(diags);
    let span = node.name_span();
    if node.name() == "host-path" {
        return host_path(node, diags);
    }
    let persistent = node.name() == "volume";
    let example = if persistent {
        "volume data path=\"/data\" size=\"10Gi\""
    } else {
        "empty-dir tmp path=\"/tmp\""
    };
    let name = e
        .require_arg("a volume name", example, diags)
        .and_then(|v| {
            values::dns_label(&v, "volume", 63, "volume names are DNS-1123 labels", diags)
        });
    let path = e
        .require_prop("path", example, diags)
        .and_then(|v| abs_path(&v, diags));
    let kind = if persistent {
        let size = match e.prop("size") {
            Some(v) => values::quantity(&v, AtLeast::AboveZero("a volume's size"), diags),
            None => {
                diags.push(
                    Diagnostic::error(codes::MISSING_VALUE, "a persistent `volume` needs `size=`")
                        .label(span, "no size")
                        .help("write `size=\"10Gi\"`; for a scratch directory that lives with the pod, write `empty-dir NAME path=…`"),
                );
                None
            }
        };
        let class = e
            .prop("class")
            .and_then(|v| values::dns_label(&v, "StorageClass", 253, "", diags));
        let access = match e.prop("access") {
            Some(v) => {
                let modes = [
                    "ReadWriteOnce",
                    "ReadWriteMany",
                    "ReadOnlyMany",
                    "ReadWriteOncePod",
                ];
                match values::keyword(&v, &modes, diags)?.as_str() {
                    "ReadWriteMany" => AccessMode::ReadWriteMany,
                    "ReadOnlyMany" => AccessMode::ReadOnlyMany,
                    "ReadWriteOncePod" => AccessMode::ReadWriteOncePod,
                    _ => AccessMode::ReadWriteOnce,
                }
            }
            None => AccessMode::ReadWriteOnce,
        };
        e.finish(&["path", "size", "class", "access"], diags);
        VolumeKind::Persistent {
            size: size?,
            class,
            access,
        }
    } else {
        let memory = e
            .prop("memory")
            .and_then(|v| values::boolean(&v, diags))
            .unwrap_or(false);
        // A size limit of zero passes the API server, but the pod is evicted as soon as it writes.
        let size = e.prop("size").and_then(|v| {
            values::quantity(&v, AtLeast::AboveZero("an `empty-dir` size limit"), diags)
        });
        e.finish(&["path", "memory", "size"], diags);
        VolumeKind::EmptyDir { memory, size }
    };
    Some(Volume {
        name: name?,
        path: path?,
        kind,
        span,
    })
}
