//! Image references: whether a new tag goes backwards by semantic version, or becomes `latest`.

/// What a change of image reference means for a reviewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageChange {
    /// The same repository, an older version: `orders:3.1.0` → `orders:3.0.9`.
    Backwards,
    /// The tag becomes `latest`, or is dropped (which means `latest`).
    Latest,
    /// Anything else: a newer version, another repository, a new digest.
    Other,
}

/// Compares two image references.
pub fn compare(old: &str, new: &str) -> ImageChange {
    let (old_repo, old_tag) = split(old);
    let (new_repo, new_tag) = split(new);
    if is_latest(new_tag) && !is_latest(old_tag) {
        return ImageChange::Latest;
    }
    if old_repo != new_repo {
        return ImageChange::Other;
    }
    match (old_tag.and_then(version), new_tag.and_then(version)) {
        (Some(before), Some(after)) if after < before => ImageChange::Backwards,
        _ => ImageChange::Other,
    }
}

/// The tag of an image reference, if it has one.
pub fn tag(image: &str) -> Option<&str> {
    split(image).1.filter(|t| !t.starts_with('@'))
}

/// The repository and the tag (or `@digest` when there is no tag) of an image reference:
/// `registry:5000/shop/orders:3.1.0` → (`registry:5000/shop/orders`, `3.1.0`).
fn split(image: &str) -> (&str, Option<&str>) {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    // A colon after the last slash separates the tag; one before it is a registry's port.
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[last_slash..].rfind(':') {
        Some(colon) => {
            let at = last_slash + colon;
            (&name[..at], Some(&name[at + 1..]))
        }
        None => (name, digest.map(|_| &image[name.len()..])),
    }
}

/// No tag and no digest, or the tag `latest`.
fn is_latest(tag: Option<&str>) -> bool {
    tag.is_none_or(|t| t == "latest")
}

/// The numeric version at the start of a tag, `v1.2.3-alpine` → `[1, 2, 3]`, padded with zeros
/// so `1.2` and `1.2.0` compare equal. Anything after the numbers is not compared: `16.6-alpine`
/// and `16.6` are the same version in another variant.
fn version(tag: &str) -> Option<[u64; 4]> {
    let tag = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
    let end = tag
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(tag.len());
    let numbers = tag[..end].trim_end_matches('.');
    if numbers.is_empty() {
        return None;
    }
    let mut out = [0; 4];
    for (i, part) in numbers.split('.').enumerate() {
        *out.get_mut(i)? = part.parse().ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_versions_go_backwards() {
        assert_eq!(
            compare("orders:3.1.0", "orders:3.0.9"),
            ImageChange::Backwards
        );
        assert_eq!(
            compare("orders:3.10.0", "orders:3.9.0"),
            ImageChange::Backwards
        );
        assert_eq!(compare("mysql:8.0.40", "mysql:8.0"), ImageChange::Backwards);
        assert_eq!(
            compare("r:5000/a/b:v2.0", "r:5000/a/b:v1.9"),
            ImageChange::Backwards
        );
        assert_eq!(compare("pg:16.6-alpine", "pg:16.5"), ImageChange::Backwards);
    }

    #[test]
    fn newer_same_or_incomparable_versions_are_other() {
        assert_eq!(compare("orders:3.1.0", "orders:3.1.1"), ImageChange::Other);
        assert_eq!(compare("orders:3.1", "orders:3.1.0"), ImageChange::Other);
        assert_eq!(compare("orders:3.1.0", "billing:1.0.0"), ImageChange::Other);
        assert_eq!(compare("orders:stable", "orders:edge"), ImageChange::Other);
        assert_eq!(
            compare("r:5000/orders", "r:5000/orders:1.0"),
            ImageChange::Other
        );
    }

    #[test]
    fn latest_or_no_tag_is_latest() {
        assert_eq!(
            compare("orders:3.1.0", "orders:latest"),
            ImageChange::Latest
        );
        assert_eq!(compare("orders:3.1.0", "orders"), ImageChange::Latest);
        assert_eq!(
            compare("r:5000/orders:1", "r:5000/orders"),
            ImageChange::Latest
        );
        assert_eq!(compare("orders", "orders:latest"), ImageChange::Other);
        assert_eq!(
            compare("orders@sha256:ab", "orders@sha256:cd"),
            ImageChange::Other
        );
    }

    #[test]
    fn tags() {
        assert_eq!(tag("r:5000/a/b:1.2"), Some("1.2"));
        assert_eq!(tag("r:5000/a/b"), None);
        assert_eq!(tag("a@sha256:00"), None);
    }
}
