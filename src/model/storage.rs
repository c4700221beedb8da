//! What a workload's pods keep on disk: volumes, their mounts, and configuration files.

use crate::source::Span;

/// How a persistent volume may be mounted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessMode {
    /// One node reads and writes.
    ReadWriteOnce,
    /// Many nodes read and write.
    ReadWriteMany,
    /// Many nodes read.
    ReadOnlyMany,
    /// One pod reads and writes.
    ReadWriteOncePod,
}

impl AccessMode {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadWriteMany => "ReadWriteMany",
            AccessMode::ReadOnlyMany => "ReadOnlyMany",
            AccessMode::ReadWriteOncePod => "ReadWriteOncePod",
        }
    }
}

/// A volume of a workload, mounted in the main container at `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    /// Volume name.
    pub name: String,
    /// Mount path in the main container.
    pub path: String,
    /// Persistent or scratch.
    pub kind: VolumeKind,
    /// Where it was declared.
    pub span: Span,
}

/// Whether a volume outlives its pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumeKind {
    /// A PersistentVolumeClaim (template).
    Persistent {
        /// Storage request.
        size: String,
        /// StorageClass; the cluster default when `None`.
        class: Option<String>,
        /// Access mode.
        access: AccessMode,
    },
    /// An `emptyDir`.
    EmptyDir {
        /// Kept in memory.
        memory: bool,
        /// `sizeLimit`.
        size: Option<String>,
    },
    /// A ConfigMap's keys as files (`config-volume`), read-only; updated in place when the
    /// ConfigMap changes.
    ConfigMap {
        /// The ConfigMap.
        name: String,
        /// Where its name was written.
        name_span: Span,
    },
    /// A Secret's keys as files (`secret-volume`), read-only.
    Secret {
        /// The Secret.
        name: String,
        /// Where its name was written.
        name_span: Span,
    },
    /// A directory of the node (`hostPath`).
    HostPath {
        /// The path on the node.
        host: String,
        /// `type=`: what must be there (`DirectoryOrCreate`, `File`, …); unchecked when `None`.
        type_: Option<String>,
    },
}

/// An explicit volume mount of an init container or sidecar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The workload volume's name.
    pub volume: String,
    /// Mount path.
    pub path: String,
    /// Mounted read-only.
    pub read_only: bool,
    /// Where it was declared.
    pub span: Span,
}

/// A configuration file mounted from the workload's ConfigMap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigFile {
    /// Absolute path in the container.
    pub path: String,
    /// File content.
    pub content: String,
    /// Where it was declared.
    pub span: Span,
}
