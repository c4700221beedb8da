//! Storage: PersistentVolumeClaims and their templates, pod volumes and mounts, and the ConfigMap
//! that carries a workload's files.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, EmptyDirVolumeSource, HostPathVolumeSource,
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource,
    SecretVolumeSource, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Scope, fnv1a64};
use crate::model::{ConfigFile, Mount, VolumeKind};

/// The name of the pod volume that holds the files ConfigMap.
pub(super) const FILES_VOLUME: &str = "files";

/// Annotation on the pod template that changes with the files' content, so pods roll.
pub(super) const CONFIG_HASH: &str = "windlass.dev/config-hash";

/// The longest ConfigMap key Kubernetes accepts.
const MAX_KEY: usize = 253;

/// Name of the generated ConfigMap of a workload's files.
pub(super) fn files_config_map_name(workload: &crate::model::Workload) -> String {
    crate::model::names::files_config_map(workload)
}

/// The ConfigMap `NAME-files` with one key per file, when the workload has files.
pub(super) fn files_config_map(scope: &Scope<'_>) -> Option<ConfigMap> {
    let files = &scope.workload.files;
    if files.is_empty() {
        return None;
    }
    let data: BTreeMap<String, String> = file_keys(files)
        .into_iter()
        .zip(files.iter().map(|f| f.content.clone()))
        .collect();
    Some(ConfigMap {
        metadata: scope.meta(files_config_map_name(scope.workload)),
        data: Some(data),
        ..ConfigMap::default()
    })
}

/// A fingerprint of the files' paths and contents, in hex, for [`CONFIG_HASH`].
pub(super) fn config_hash(files: &[ConfigFile]) -> String {
    let mut parts: Vec<&[u8]> = Vec::with_capacity(files.len() * 4);
    for file in files {
        // NUL separators keep ("/a", "bc") and ("/ab", "c") apart.
        parts.extend([file.path.as_bytes(), b"\0", file.content.as_bytes(), b"\0"]);
    }
    format!("{:016x}", fnv1a64(&parts))
}

/// The ConfigMap key of each file, in order: its base name, or its whole path (`/` → `-`) when
/// another file has the same base name; characters a key cannot hold become `_`; a numeric
/// suffix settles what is still equal.
pub(super) fn file_keys(files: &[ConfigFile]) -> Vec<String> {
    let bases: Vec<String> = files
        .iter()
        .map(|f| sanitize_key(base_name(&f.path)))
        .collect();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for base in &bases {
        *count.entry(base.as_str()).or_default() += 1;
    }
    let candidates: Vec<String> = files
        .iter()
        .zip(&bases)
        .map(|(file, base)| {
            if count.get(base.as_str()).copied().unwrap_or(0) > 1 {
                sanitize_key(&file.path.trim_start_matches('/').replace('/', "-"))
            } else {
                base.clone()
            }
        })
        .collect();
    let mut taken = BTreeSet::new();
    candidates
        .into_iter()
        .map(|candidate| {
            let mut key = candidate.clone();
            let mut n = 2;
            while taken.contains(&key) {
                let suffix = format!("-{n}");
                key = format!("{}{suffix}", truncate(&candidate, MAX_KEY - suffix.len()));
                n += 1;
            }
            taken.insert(key.clone());
            key
        })
        .collect()
}

/// The last segment of a path.
fn base_name(path: &str) -> &str {
    path.rsplit('/')
        .find(|segment| !segment.is_empty())
        .unwrap_or(path)
}

/// A valid ConfigMap key made from `raw`: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.`
/// and not starting with `..`.
fn sanitize_key(raw: &str) -> String {
    let mut key: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() || key == "." || key.starts_with("..") {
        key.insert_str(0, "file");
    }
    truncate(&key, MAX_KEY).to_owned()
}

/// At most `max` bytes of an ASCII string.
fn truncate(s: &str, max: usize) -> &str {
    s.get(..max).unwrap_or(s)
}

/// Name of the standalone claim of a Deployment's (or Job's) persistent volume.
pub(super) fn claim_name(workload: &crate::model::Workload, volume: &str) -> String {
    crate::model::names::claim(workload, volume)
}

/// Standalone PersistentVolumeClaims `WORKLOAD-VOLUME`, for workloads that are not StatefulSets.
pub(super) fn claims(scope: &Scope<'_>) -> Vec<PersistentVolumeClaim> {
    let workload = scope.workload;
    if workload.kind.is_stateful() {
        return Vec::new();
    }
    workload
        .volumes
        .iter()
        .filter_map(|volume| {
            let spec = claim_spec(&volume.kind)?;
            Some(PersistentVolumeClaim {
                metadata: scope.meta(claim_name(workload, &volume.name)),
                spec: Some(spec),
                ..PersistentVolumeClaim::default()
            })
        })
        .collect()
}

/// A StatefulSet's `volumeClaimTemplates`: one per persistent volume, named after the volume.
pub(super) fn claim_templates(scope: &Scope<'_>) -> Vec<PersistentVolumeClaim> {
    scope
        .workload
        .volumes
        .iter()
        .filter_map(|volume| {
            let spec = claim_spec(&volume.kind)?;
            Some(PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name: Some(volume.name.clone()),
                    labels: Some(scope.selector_labels()),
                    ..ObjectMeta::default()
                },
                spec: Some(spec),
                ..PersistentVolumeClaim::default()
            })
        })
        .collect()
}

/// The claim spec of a persistent volume; `None` for scratch volumes.
fn claim_spec(kind: &VolumeKind) -> Option<PersistentVolumeClaimSpec> {
    let VolumeKind::Persistent {
        size,
        class,
        access,
    } = kind
    else {
        return None;
    };
    Some(PersistentVolumeClaimSpec {
        access_modes: Some(vec![access.as_str().to_owned()]),
        storage_class_name: class.clone(),
        resources: Some(VolumeResourceRequirements {
            requests: Some(BTreeMap::from([(
                "storage".to_owned(),
                Quantity(size.clone()),
            )])),
            ..VolumeResourceRequirements::default()
        }),
        ..PersistentVolumeClaimSpec::default()
    })
}

/// The pod's volumes: claims of Deployments, scratch directories, and the files ConfigMap.
/// A StatefulSet's persistent volumes come from its claim templates instead.
pub(super) fn pod_volumes(scope: &Scope<'_>) -> Vec<Volume> {
    let workload = scope.workload;
    let mut volumes: Vec<Volume> = workload
        .volumes
        .iter()
        .filter_map(|volume| match &volume.kind {
            VolumeKind::Persistent { .. } if workload.kind.is_stateful() => None,
            VolumeKind::Persistent { .. } => Some(Volume {
                name: volume.name.clone(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim_name(workload, &volume.name),
                    ..PersistentVolumeClaimVolumeSource::default()
                }),
                ..Volume::default()
            }),
            VolumeKind::ConfigMap { name, .. } => Some(Volume {
                name: volume.name.clone(),
                config_map: Some(ConfigMapVolumeSource {
                    name: name.clone(),
                    ..ConfigMapVolumeSource::default()
                }),
                ..Volume::default()
            }),
            VolumeKind::Secret { name, .. } => Some(Volume {
                name: volume.name.clone(),
                secret: Some(SecretVolumeSource {
                    secret_name: Some(name.clone()),
                    ..SecretVolumeSource::default()
                }),
                ..Volume::default()
            }),
            VolumeKind::HostPath { host, type_ } => Some(Volume {
                name: volume.name.clone(),
                host_path: Some(HostPathVolumeSource {
                    path: host.clone(),
                    type_: type_.clone(),
                }),
                ..Volume::default()
            }),
            VolumeKind::EmptyDir { memory, size } => Some(Volume {
                name: volume.name.clone(),
                empty_dir: Some(EmptyDirVolumeSource {
                    medium: memory.then(|| "Memory".to_owned()),
                    size_limit: size.clone().map(Quantity),
                    ..EmptyDirVolumeSource::default()
                }),
                ..Volume::default()
            }),
        })
        .collect();
    if !workload.files.is_empty() {
        volumes.push(Volume {
            name: FILES_VOLUME.to_owned(),
            config_map: Some(ConfigMapVolumeSource {
                name: files_config_map_name(workload),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        });
    }
    volumes
}

/// The main container's mounts: every volume at its path, then each file read-only at its path.
pub(super) fn main_mounts(scope: &Scope<'_>) -> Vec<VolumeMount> {
    let workload = scope.workload;
    let volumes = workload.volumes.iter().map(|volume| VolumeMount {
        name: volume.name.clone(),
        mount_path: volume.path.clone(),
        // The kubelet mounts a ConfigMap or Secret read-only whatever is asked; saying so keeps
        // the manifest honest.
        read_only: matches!(
            volume.kind,
            VolumeKind::ConfigMap { .. } | VolumeKind::Secret { .. }
        )
        .then_some(true),
        ..VolumeMount::default()
    });
    let files = workload
        .files
        .iter()
        .zip(file_keys(&workload.files))
        .map(|(file, key)| VolumeMount {
            name: FILES_VOLUME.to_owned(),
            mount_path: file.path.clone(),
            sub_path: Some(key),
            read_only: Some(true),
            ..VolumeMount::default()
        });
    volumes.chain(files).collect()
}

/// Explicit mounts of an init container, sidecar or the main container.
pub(super) fn explicit_mounts(mounts: &[Mount]) -> impl Iterator<Item = VolumeMount> + '_ {
    mounts.iter().map(|mount| VolumeMount {
        name: mount.volume.clone(),
        mount_path: mount.path.clone(),
        read_only: mount.read_only.then_some(true),
        ..VolumeMount::default()
    })
}
