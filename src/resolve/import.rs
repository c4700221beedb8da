//! Imports: `import "path.kdl"` reads a file of components (and of further imports) and defines
//! them. Imports go through the `Loader` trait, so the core stays IO-free. A path that leaves the
//! project directory is refused, by its text or, through a symbolic link, by where it really
//! leads; a chain of imports that comes back to a file being read is a cycle.

use std::collections::BTreeSet;
use std::path::{Component as PathPart, Path, PathBuf};

use super::component::Components;
use super::values::{self, NodeView, Params};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::source::{FileId, Loader, Sources, Span};

/// How deep imports may nest before the chain is refused.
const MAX_IMPORT_DEPTH: usize = 16;

/// The files imported so far, by where they really are: each is read once.
#[derive(Default)]
pub struct Imports {
    imported: BTreeSet<PathBuf>,
}

impl Imports {
    /// Reads an `import "path.kdl"`: loads the file and defines its components. `stack` holds
    /// the files whose imports are being read, outermost first.
    pub fn import(
        &mut self,
        view: &NodeView,
        components: &mut Components,
        sources: &mut Sources,
        loader: &dyn Loader,
        stack: &mut Vec<PathBuf>,
        diags: &mut Diagnostics,
    ) {
        let mut e = view.read(diags);
        let val = e.require_arg("a file path", "import \"components/spring.kdl\"", diags);
        e.finish(&[], diags);
        let Some(val) = val else { return };
        let Some(relative) = values::string(&val, diags) else {
            return;
        };
        let Some(importer) = sources.get(view.file) else {
            return;
        };
        let base = importer
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        let root = sources
            .get(FileId(0))
            .and_then(|f| f.path.parent())
            .unwrap_or(Path::new(""))
            .to_path_buf();
        // A refused import may have defined the components the app uses: "unknown component"
        // would only repeat its error. (A cycle refuses nothing: the file is being read already.)
        let Some((path, real)) = inside_project(&relative, val.span, &base, &root, loader, diags)
        else {
            components.note_failed_import();
            return;
        };
        // A file is known by where it really is, so that two paths to it (one through a
        // symbolic link) are one file: imported once, and a cycle however it is spelled.
        let key = real.unwrap_or_else(|| path.clone());
        let main = sources
            .get(FileId(0))
            .and_then(|f| loader.real_path(&f.path).or_else(|| normalize(&f.path)));
        if stack.contains(&key) || main.as_ref() == Some(&key) {
            diags.push(
                Diagnostic::error(codes::IMPORT_CYCLE, format!("`{relative}` imports itself through a chain of imports"))
                    .label(val.span, "closes the cycle")
                    .help("files that import each other cannot be ordered; move the shared components into a third file"),
            );
            return;
        }
        if stack.len() >= MAX_IMPORT_DEPTH {
            components.note_failed_import();
            refuse(
                val.span,
                format!("imports nest deeper than {MAX_IMPORT_DEPTH} files"),
                "flatten the chain of imports",
                diags,
            );
            return;
        }
        if self.imported.contains(&key) {
            return;
        }
        let text = match loader.load(&path) {
            Ok(text) => text,
            Err(err) => {
                components.note_failed_import();
                refuse(
                    val.span,
                    format!("cannot read `{relative}`: {err}"),
                    "the path is relative to the file that imports it",
                    diags,
                );
                return;
            }
        };
        self.imported.insert(key.clone());
        let file = sources.add(display_path(&path), path.clone(), text);
        let doc = match crate::syntax::parse::parse(sources, file) {
            Ok(doc) => doc,
            Err(found) => {
                components.note_failed_import();
                diags.extend(found);
                return;
            }
        };
        stack.push(key);
        let empty = Params::default();
        for node in doc.nodes() {
            let child = NodeView {
                node,
                file,
                params: &empty,
            };
            match child.name() {
                "component" => components.define(&child, diags),
                "import" => self.import(&child, components, sources, loader, stack, diags),
                other => diags.push(
                    Diagnostic::error(codes::UNKNOWN_NODE, format!("an imported file holds only components, not `{other}`"))
                        .label(child.name_span(), "not allowed in an import")
                        .help("imported files hold `component` and `import` nodes; the `app` lives in the main description"),
                ),
            }
        }
        stack.pop();
    }
}

/// The path guard: where `relative`, imported from a file in `base`, leads, and where it really
/// is when the loader can tell; `None` (reported) when it leaves `root`, the directory of the
/// main description.
fn inside_project(
    relative: &str,
    span: Span,
    base: &Path,
    root: &Path,
    loader: &dyn Loader,
    diags: &mut Diagnostics,
) -> Option<(PathBuf, Option<PathBuf>)> {
    if Path::new(relative).is_absolute() {
        refuse(
            span,
            format!("`{relative}` is outside the project directory"),
            "imports are relative paths to files inside the directory of the main description",
            diags,
        );
        return None;
    }
    // Where the import leads is worked out below the project directory, whatever path names
    // that directory: `../app/windlass.kdl` may import `components/web.kdl`, which only climbs
    // out when its own `..` does.
    let inner = base.strip_prefix(root).unwrap_or(base);
    let Some(below) = normalize(&inner.join(relative)) else {
        // Said as before the project directory was found this way: "leaves" when the path
        // climbs above where its own text starts, "is outside" when it ends beside the project.
        if normalize(&base.join(relative)).is_some() {
            refuse(
                span,
                format!("`{relative}` is outside the project directory"),
                "imports are relative paths to files inside the directory of the main description",
                diags,
            );
        } else {
            refuse(
                span,
                format!("`{relative}` leaves the project directory"),
                "imports are files inside the directory of the main description",
                diags,
            );
        }
        return None;
    };
    let path = root.join(below);
    // The text stays inside; where it leads may not, through a symbolic link. Asked of the
    // loader, which alone sees the file system (a loader without one answers nothing).
    let root_dir = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let real = loader.real_path(&path);
    if let Some(real) = &real
        && let Some(real_root) = loader.real_path(root_dir)
        && !real.starts_with(&real_root)
    {
        refuse(
            span,
            format!("`{relative}` resolves outside the project directory, through a symbolic link"),
            "imports are files inside the directory of the main description, and a symbolic link may not lead out of it; copy the file into the project",
            diags,
        );
        return None;
    }
    Some((path, real))
}

/// Reports an import that was refused or could not be read.
fn refuse(span: Span, message: String, help: &str, diags: &mut Diagnostics) {
    diags.push(
        Diagnostic::error(codes::IMPORT_FAILED, message)
            .label(span, "this import")
            .help(help.to_owned()),
    );
}

/// Removes `.` and `..` without touching the file system; `None` when `..` climbs above the start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for part in path.components() {
        match part {
            PathPart::CurDir => {}
            PathPart::ParentDir => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
                out.pop();
            }
            PathPart::Normal(p) => {
                depth += 1;
                out.push(p);
            }
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
