//! Image references: `image "…"` of a container, and the parser the canary and an environment's
//! `image=` and `tag=` use too.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Container, Image};
use crate::resolve::layers::Layers;
use crate::resolve::values::{self, NodeView, Val};

/// Context for resolving images.
pub struct ImageCtx<'a> {
    /// The app's registry prefix.
    pub registry: Option<&'a str>,
}

/// `image "REFERENCE"`: the container's image, with the app's registry applied.
pub(super) fn read(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    let mut e = node.read(diags);
    let val = e.require_arg("an image reference", "image \"orders:3.1.0\"", diags);
    if let Some(val) = val
        && layers.first(format!("{prefix}image"), "`image`", span, diags)
        && let Some(image) = image(&val, images.registry, diags)
    {
        c.image = Some(image);
    }
    e.finish(&[], diags);
}

/// Parses an image reference and applies the registry prefix when it names no registry host.
pub fn image(val: &Val, registry: Option<&str>, diags: &mut Diagnostics) -> Option<Image> {
    let written = values::string(val, diags)?;
    let fail = |why: &str, diags: &mut Diagnostics| {
        diags.push(
            Diagnostic::error(
                codes::INVALID_IMAGE,
                format!("`{written}` is not a valid image reference"),
            )
            .label(val.span, why.to_owned())
            .help("write `[registry/]repository[:tag][@sha256:digest]`, such as \"nginx:1.27.3\""),
        );
    };
    if written.is_empty() || written.contains(char::is_whitespace) {
        fail("empty or contains spaces", diags);
        return None;
    }
    let (rest, digest) = match written.split_once('@') {
        Some((r, d)) => (r, Some(d.to_owned())),
        None => (written.as_str(), None),
    };
    if let Some(d) = &digest {
        let valid = d.split_once(':').is_some_and(|(alg, hex)| {
            !alg.is_empty() && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if !valid {
            fail("the digest is not `sha256:HEX`", diags);
            return None;
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some(rest[last_slash + i + 1..].to_owned()),
        ),
        None => (rest, None),
    };
    if let Some(t) = &tag {
        let valid = !t.is_empty()
            && t.len() <= 128
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && !t.starts_with(['.', '-']);
        if !valid {
            fail("invalid tag", diags);
            return None;
        }
    }
    let segments: Vec<&str> = repository.split('/').collect();
    let has_host = segments.len() > 1 && segments.first().is_some_and(|s| is_host(s));
    let path_ok = segments
        .iter()
        .skip(usize::from(has_host))
        .all(|s| is_path_component(s));
    if !path_ok {
        fail(
            "repository names are lower-case letters, digits, `.`, `_` and `-`",
            diags,
        );
        return None;
    }
    let prefix = match registry {
        Some(r) if !has_host => format!("{}/", r.trim_end_matches('/')),
        _ => String::new(),
    };
    let repository = format!("{prefix}{repository}");
    let mut reference = repository.clone();
    if let Some(t) = &tag {
        reference.push(':');
        reference.push_str(t);
    }
    if let Some(d) = &digest {
        reference.push('@');
        reference.push_str(d);
    }
    Some(Image {
        reference,
        repository,
        tag,
        digest,
        span: val.span,
    })
}

/// Whether the first component of a reference names a registry host: it has a `.` or a `:`
/// (a port), or is `localhost`.
fn is_host(s: &str) -> bool {
    s.contains(['.', ':']) || s == "localhost"
}

/// A path component of a repository: lower-case letters, digits, `.`, `_` and `-`, starting
/// with a letter or digit.
fn is_path_component(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// What a repository's path components may hold.
const PATH_COMPONENTS: &str = "path components are lower-case letters, digits, `.`, `_` and `-`";

/// Why `registry` cannot prefix an image reference, or `None` when it can: a host (with an
/// optional port) or a repository path, then path components, as an image reference has them.
pub fn registry_problem(registry: &str) -> Option<&'static str> {
    let registry = registry.strip_suffix('/').unwrap_or(registry);
    if registry.is_empty() {
        return Some("empty");
    }
    if registry.contains(char::is_whitespace) {
        return Some("contains a space");
    }
    if registry.contains('@') || registry.contains("://") {
        return Some("a registry is a host and path, without a scheme, tag or digest");
    }
    let mut segments = registry.split('/');
    let first = segments.next().unwrap_or_default();
    if !is_host(first) && !is_path_component(first) {
        return Some(PATH_COMPONENTS);
    }
    let first_ok = if is_host(first) {
        let (host, port) = first.split_once(':').unwrap_or((first, "1"));
        !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
            && !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
    } else {
        is_path_component(first)
    };
    if !first_ok {
        return Some("not a registry host such as registry.example.com[:5000]");
    }
    if !segments.all(is_path_component) {
        return Some(PATH_COMPONENTS);
    }
    None
}
