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
    let has_host = segments.len() > 1
        && segments
            .first()
            .is_some_and(|s| s.contains(['.', ':']) || *s == "localhost");
    let path_ok = segments.iter().skip(usize::from(has_host)).all(|s| {
        !s.is_empty()
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
    });
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
