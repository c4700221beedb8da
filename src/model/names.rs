//! The rules Kubernetes sets for names, label values and keys, as predicates: resolve reports
//! against them, lowering and the rules rely on them.

/// Whether `s` is a DNS-1123 label (without the length limit).
pub fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Whether `s` is an IANA service name as Kubernetes checks port names.
pub fn is_port_name(s: &str) -> bool {
    s.len() <= 15
        && is_dns_label(s)
        && !s.contains("--")
        && s.bytes().any(|b| b.is_ascii_lowercase())
}

/// Whether `s` is a valid label value.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty()
        || (s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric()))
}

/// Whether `s` is a valid label or annotation key: `[prefix/]name`.
pub fn is_qualified_key(s: &str) -> bool {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.')
                .all(|part| is_dns_label(part) && part.len() <= 63)
    });
    prefix_ok && !name.is_empty() && is_label_value(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_dns_label("orders-db"));
        assert!(!is_dns_label("Orders"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label("a_b"));
        assert!(is_port_name("http"));
        assert!(!is_port_name("a--b"));
        assert!(!is_port_name("8080"));
        assert!(!is_port_name("a-very-long-port-name"));
        assert!(is_qualified_key("prometheus.io/scrape"));
        assert!(is_qualified_key("team"));
        assert!(!is_qualified_key("bad key"));
        assert!(!is_qualified_key("/x"));
    }
}
