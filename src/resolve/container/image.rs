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
    // `pull=`: when the kubelet pulls it (Kubernetes' default: always for `latest` or no tag,
    // otherwise if not present).
    let pull = e.prop("pull").and_then(|v| {
        let word = values::keyword(&v, &["always", "if-not-present", "never"], diags)?;
        Some(match word.as_str() {
            "always" => "Always",
            "never" => "Never",
            _ => "IfNotPresent",
        })
    });
    // `registry=#false`: the reference as written, without the app's registry.
    let registry = match e.prop("registry") {
        Some(v) => values::boolean(&v, diags).unwrap_or(true),
        None => true,
    };
    if let Some(val) = val
        && layers.first(format!("{prefix}image"), "`image`", span, diags)
        && let Some(image) = image(&val, images.registry.filter(|_| registry), diags)
    {
        c.image = Some(image);
        c.pull_policy = pull.map(str::to_owned);
    }
    e.finish(&["pull", "registry"], diags);
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
    let has_host = match check_repository(repository, Part::Repository) {
        Ok(has_host) => has_host,
        Err(why) => {
            fail(why, diags);
            return None;
        }
    };
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

/// What [`check_repository`] checks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The repository of an image reference: a first component is its registry host only when
    /// a path follows it.
    Repository,
    /// The app's `registry`, which image names follow: a first component that looks like a
    /// host is one, even alone.
    Registry,
}

/// Checks the registry-and-repository part of an image reference, `[HOST[:PORT]/]PATH`: the
/// first component is a registry host when it has a `.` or a `:` or is `localhost` (a host name
/// or IP address, with an optional port), and each component of the path is lower-case
/// letters, digits, `.`, `_` and `-`, starting with a letter or digit. `Ok` says whether it
/// names a host; `Err` says what is wrong.
pub fn check_repository(text: &str, part: Part) -> Result<bool, &'static str> {
    let segments: Vec<&str> = text.split('/').collect();
    let has_host = (segments.len() > 1 || part == Part::Registry)
        && segments
            .first()
            .is_some_and(|s| s.contains(['.', ':']) || *s == "localhost");
    if has_host && !segments.first().is_some_and(|h| is_host(h)) {
        return Err("the registry host is not a host name or IP address with an optional port");
    }
    let path_ok = segments.iter().skip(usize::from(has_host)).all(|s| {
        !s.is_empty()
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
    });
    if !path_ok {
        return Err("repository names are lower-case letters, digits, `.`, `_` and `-`");
    }
    Ok(has_host)
}

/// A registry host: a domain name (`registry.example.com`), `localhost`, an IPv4 address, or an
/// IPv6 address in brackets, each with an optional `:PORT`.
fn is_host(host: &str) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((address, after)) = rest.split_once(']') else {
            return false;
        };
        let ipv6 = !address.is_empty()
            && address
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'));
        if !ipv6 {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let label = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let name_ok = host.starts_with('[') || name.split('.').all(label);
    port_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_and_registries() {
        use Part::{Registry, Repository};
        assert_eq!(check_repository("nginx", Repository), Ok(false));
        assert_eq!(check_repository("library/nginx", Repository), Ok(false));
        assert_eq!(
            check_repository("a.example.com/shop/web", Repository),
            Ok(true)
        );
        assert_eq!(check_repository("localhost:5000/web", Repository), Ok(true));
        assert_eq!(check_repository("[::1]:5000/web", Repository), Ok(true));
        assert_eq!(check_repository("10.0.0.1:5000/web", Repository), Ok(true));
        // A dotted name alone is a repository, but a registry alone is a host.
        assert_eq!(check_repository("web.app", Repository), Ok(false));
        assert_eq!(check_repository("registry.example.com", Registry), Ok(true));
        assert_eq!(
            check_repository("Registry.Example.com:443/shop", Registry),
            Ok(true)
        );
        assert_eq!(check_repository("myteam", Registry), Ok(false));
        for bad in [
            "Mall_Images",
            "${REPOSITORY_PREFIX}",
            "https://registry.example.com",
            "registry.example.com:port/shop",
            "registry.example.com:/shop",
            "-registry.example.com/shop",
            "registry..example.com/shop",
            "registry.example.com//shop",
            "registry.example.com/Shop",
            "registry.example.com/shop:1.0",
            "[::1/shop",
            "${HOST}.example.com/shop",
        ] {
            assert!(check_repository(bad, Registry).is_err(), "{bad}");
        }
    }
}
